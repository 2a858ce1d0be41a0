using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ThermoHand.Worker.Configuration;

/// <summary>
/// Finds settings whose shape does not fit the options type they bind to — the mistakes the .NET binder passes over
/// without a word and so leaves the default in place: a list or an object where one value is expected
/// (<c>"Emissivity": [0.98]</c>, <c>"RefreshRateHz": {"a": 1}</c>), one value where a section or a list is expected
/// (<c>"Storage": "big"</c>), a list where a section is expected (<c>"Storage": [1, 2]</c>). The rule is general: the
/// options types are walked by reflection, the way the binder walks them, so a new setting is covered without a line
/// here. Keys the options do not know (e.g. Logging:*) are left alone.
/// </summary>
public static class ConfigurationShape
{
    /// <summary>Every misshapen setting under <paramref name="section"/> bound to <paramref name="optionsType"/>, each naming its key.</summary>
    public static IReadOnlyList<string> Check(IConfiguration section, Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(optionsType);
        var errors = new List<string>();
        CheckSection(section, optionsType, errors);
        return errors;
    }

    private static void CheckSection(IConfiguration section, Type type, List<string> errors)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            IConfigurationSection child = section.GetSection(property.Name);
            if (!child.Exists())
            {
                continue;
            }

            bool settable = property.SetMethod is { IsPublic: true };
            CheckValue(child, property.PropertyType, settable, errors);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, bool settable, List<string> errors)
    {
        bool hasChildren = section.GetChildren().Any();
        bool hasValue = !string.IsNullOrEmpty(section.Value);
        if (IsSingleValue(type))
        {
            // The binder binds only settable single values; a read-only one (e.g. Dashboard:UplinkEnabled) is computed.
            if (settable && hasChildren)
            {
                errors.Add(Invariant($"{section.Path}: holds {Shape(section)}, but this setting is one value ({Expected(type)}); the value was not used. Write it without [ ] or {{ }}"));
            }

            return;
        }

        // One value on a section or a list (it may come beside the children of another file, e.g. appsettings.json
        // under an appsettings.<environment>.json): the binder cannot convert it and passes over it.
        if (ElementType(type) is { } element)
        {
            if (hasValue)
            {
                errors.Add(Invariant($"{section.Path}: holds one value ('{section.Value}'), but this setting is a list; the value was not used. Write it as a list in [ ]"));
            }

            foreach (IConfigurationSection item in section.GetChildren())
            {
                CheckValue(item, element, settable: true, errors);
            }

            return;
        }

        if (hasValue)
        {
            errors.Add(Invariant($"{section.Path}: holds one value ('{section.Value}'), but this setting is a section of settings ({Keys(type)}); the value was not used"));
        }

        // A section of settings has no setting named 0, 1, …: those are the items of a list written where it belongs.
        if (section.GetChildren().Any(c => IsIndex(c.Key)))
        {
            errors.Add(Invariant($"{section.Path}: holds a list, but this setting is a section of settings ({Keys(type)}); the values were not used. Write it in {{ }} with named settings"));
        }

        CheckSection(section, type, errors);
    }

    /// <summary>What the binder converts from one string (numbers, text, true/false, enums, TimeSpan, Uri, …).</summary>
    private static bool IsSingleValue(Type type)
    {
        Type core = Nullable.GetUnderlyingType(type) ?? type;
        return core == typeof(string) || core.IsPrimitive || core.IsEnum || core == typeof(decimal) || core == typeof(object)
               || TypeDescriptor.GetConverter(core).CanConvertFrom(typeof(string));
    }

    /// <summary>The element type of a list, array or dictionary (its values); null for anything else.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type) || !type.IsGenericType)
        {
            return null;
        }

        Type[] arguments = type.GetGenericArguments();
        return arguments.Length switch
        {
            1 => arguments[0],
            2 => arguments[1], // Dictionary<string, T>: the values
            _ => null,
        };
    }

    private static string Shape(IConfigurationSection section)
    {
        List<string> keys = section.GetChildren().Select(c => c.Key).ToList();
        return keys.All(IsIndex)
            ? Invariant($"a list of {keys.Count}")
            : "an object (" + string.Join(", ", keys.Take(5)) + (keys.Count > 5 ? ", …" : string.Empty) + ")";
    }

    private static bool IsIndex(string key) => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Expected(Type type)
    {
        Type core = Nullable.GetUnderlyingType(type) ?? type;
        if (core.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(core));
        }

        return Type.GetTypeCode(core) switch
        {
            TypeCode.Double or TypeCode.Single or TypeCode.Decimal => "a number",
            TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 or TypeCode.Byte => "a whole number",
            TypeCode.Boolean => "true or false",
            TypeCode.String => "a text",
            _ => core.Name,
        };
    }

    private static string Keys(Type type)
    {
        string[] names = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } || !IsSingleValue(p.PropertyType))
            .Select(p => p.Name).ToArray();
        return string.Join(", ", names.Take(4)) + (names.Length > 4 ? ", …" : string.Empty);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Reports misshapen settings (<see cref="ConfigurationShape"/>) with the other configuration errors at start, so the
/// worker refuses them with exit code 2 instead of running silently on the default.
/// </summary>
public sealed class ValidateConfigurationShape(IConfiguration configuration) : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        IReadOnlyList<string> errors = ConfigurationShape.Check(configuration, typeof(WorkerOptions));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
