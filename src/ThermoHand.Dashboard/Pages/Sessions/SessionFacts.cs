using System.Globalization;
using System.Text.Json;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>
/// Turns a stored session into what the report prints: the result to show per hand (the final one, else the latest
/// provisional one, labelled so), and the protocol, environment and sensor settings as readable lines.
/// </summary>
public static class SessionFacts
{
    /// <summary>One result per hand ("left"/"right"): final beats provisional, then the latest received.</summary>
    public static IReadOnlyDictionary<string, AnalysisView> ResultsByHand(IEnumerable<StoredAnalysisResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return results
            .Where(r => r.Hand is "left" or "right")
            .GroupBy(r => r.Hand, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => AnalysisView.Read(g.OrderByDescending(r => r.IsFinal).ThenByDescending(r => r.ReceivedUtc).First().Result),
                StringComparer.Ordinal);
    }

    /// <summary>Every leaf of a JSON object as "path: value" lines (nested objects joined with ' · '), for settings blocks.</summary>
    public static IReadOnlyList<(string Label, string Value)> Flatten(JsonElement? element)
    {
        var lines = new List<(string, string)>();
        if (element is { ValueKind: JsonValueKind.Object } value)
        {
            foreach (var property in value.EnumerateObject())
            {
                lines.Add((property.Name.Replace('_', ' '), Describe(property.Value)));
            }
        }

        return lines;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Number => value.GetDouble().ToString("0.###", CultureInfo.InvariantCulture),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Describe)),
        JsonValueKind.Object => string.Join(" · ", value.EnumerateObject().Select(p => $"{p.Name.Replace('_', ' ')} {Describe(p.Value)}")),
        _ => value.GetRawText(),
    };

    /// <summary>Room, humidity and water over the session as "min–max (n readings)", and every distinct deviation.</summary>
    public static IReadOnlyList<(string Label, string Value)> Environment(IReadOnlyList<EnvironmentReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var lines = new List<(string, string)>
        {
            ("Room", Range(readings.Select(r => r.RoomC), "°C")),
            ("Humidity", Range(readings.Select(r => r.HumidityPercent), "%")),
            ("Water bath", Range(readings.Select(r => r.WaterC), "°C")),
        };
        var deviations = readings.SelectMany(r => r.Deviations).Distinct(StringComparer.Ordinal).ToList();
        lines.Add(("Deviations", deviations.Count == 0 ? "none reported" : string.Join("; ", deviations)));
        return lines;
    }

    private static string Range(IEnumerable<double?> values, string unit)
    {
        var present = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
        if (present.Count == 0)
        {
            return "not measured";
        }

        var min = present.Min();
        var max = present.Max();
        var text = Math.Abs(max - min) < 0.05
            ? min.ToString("0.0", CultureInfo.InvariantCulture)
            : min.ToString("0.0", CultureInfo.InvariantCulture) + "–" + max.ToString("0.0", CultureInfo.InvariantCulture);
        return $"{text} {unit} ({present.Count.ToString(CultureInfo.InvariantCulture)} readings)";
    }

    public static string When(DateTimeOffset? utc) => utc is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "—";
}
