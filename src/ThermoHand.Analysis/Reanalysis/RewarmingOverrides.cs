using System.Globalization;
using System.Reflection;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Reanalysis;

/// <summary>
/// Numeric <see cref="RewarmingSettings"/> changed by name ("RewarmingWindowSeconds=600"), so a re-analysis can say
/// exactly which thresholds it changed. Only the numeric (double) settings can be overridden.
/// </summary>
public static class RewarmingOverrides
{
    private static readonly IReadOnlyDictionary<string, PropertyInfo> Numeric = typeof(RewarmingSettings)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType == typeof(double) && p.CanWrite)
        .ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The names that can be overridden.</summary>
    public static IReadOnlyCollection<string> Names => Numeric.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The defaults with the overrides applied; throws <see cref="ArgumentException"/> naming an unknown setting or a non-finite value.</summary>
    public static RewarmingSettings Apply(IReadOnlyDictionary<string, double> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var settings = RewarmingSettings.Default with { };
        foreach (var (name, value) in overrides)
        {
            if (!Numeric.TryGetValue(name, out var property))
            {
                throw new ArgumentException($"unknown rewarming setting \"{name}\": use one of {string.Join(", ", Names)}");
            }

            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"rewarming setting {name} must be a finite number");
            }

            // init-only setters on a fresh copy: the record stays immutable to everyone else.
            property.SetValue(settings, value);
        }

        return settings;
    }

    /// <summary>Parses "Name=value" pairs (invariant numbers).</summary>
    public static IReadOnlyDictionary<string, double> Parse(IEnumerable<string> pairs)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new ArgumentException($"\"{pair}\" is not a rewarming override: write Name=number, e.g. RewarmingWindowSeconds=600");
            }

            result[parts[0]] = value;
        }

        _ = Apply(result);
        return result;
    }
}
