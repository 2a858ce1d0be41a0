using System.Globalization;
using System.Text.Json;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>One region of a result as the report shows it: metric values by JSON field name, and its rewarming curve.</summary>
public sealed record RoiView(string Name, int? Digit, IReadOnlyDictionary<string, double?> Values, IReadOnlyList<(double Seconds, double Celsius)> Curve)
{
    public double? this[string field] => Values.TryGetValue(field, out var v) ? v : null;
}

/// <summary>
/// A <c>thermohand/analysis/v1</c> result (shared/formats.md §4, docs/metrics.md §4) read for display. Reading is
/// tolerant: a missing or non-numeric field is shown as "—", never invented and never a crash, because the result
/// was written by a device that may be a version ahead or behind. What could not be read is listed in
/// <see cref="ReadProblems"/> and shown on the report.
/// </summary>
public sealed class AnalysisView
{
    /// <summary>Scalar per-region fields in the order of the metric table (docs/metrics.md §2).</summary>
    public static readonly IReadOnlyList<string> ScalarFields =
    [
        "baseline_c", "baseline_coverage_s", "noise_c", "t0_c", "min_c", "t_min_s", "drop_c",
        "recovery_pct.300", "recovery_pct.600", "recovery_pct.900",
        "t25_s", "t50_s", "t63_s", "t100_s", "lag_s", "max_rate_c_per_min", "early_gradient_c_per_min",
        "max_c", "t_max_s", "final_c", "auc_c_min", "auc_above_min_c_min",
        "fit.tau_s", "fit.t_inf_c", "fit.r2",
    ];

    private AnalysisView()
    {
    }

    public string Schema { get; private init; } = "";

    public string Hand { get; private init; } = "";

    public bool Provisional { get; private init; }

    public double? AnalysedUntilSeconds { get; private init; }

    public double? ChallengeStartSeconds { get; private init; }

    public double? ChallengeEndSeconds { get; private init; }

    public double? ImmersionSeconds { get; private init; }

    public IReadOnlyList<RoiView> Rois { get; private init; } = [];

    /// <summary>DDD per finger ("D2".."D5") and "mean", °C, dorsum − fingertip (positive = fingers colder).</summary>
    public IReadOnlyDictionary<string, double?> Ddd { get; private init; } = new Dictionary<string, double?>();

    public double? DddThumb { get; private init; }

    public double? FingersDddOver1C { get; private init; }

    public IReadOnlyList<string> QualityFlags { get; private init; } = [];

    public int? FramesUsed { get; private init; }

    public int? FramesRejected { get; private init; }

    /// <summary>The result's own definitions block (sign convention, time zero, …), shown verbatim.</summary>
    public IReadOnlyList<(string Name, string Text)> Definitions { get; private init; } = [];

    public IReadOnlyList<string> ReadProblems { get; private init; } = [];

    public RoiView? Roi(string name) => Rois.FirstOrDefault(r => r.Name == name);

    /// <summary>Reads a result; never throws on content (problems are collected), only on a non-object root.</summary>
    public static AnalysisView Read(JsonElement result)
    {
        var problems = new List<string>();
        if (result.ValueKind != JsonValueKind.Object)
        {
            return new AnalysisView { ReadProblems = ["the stored analysis result is not a JSON object"] };
        }

        var schema = Text(result, "schema") ?? "";
        if (schema != "thermohand/analysis/v1")
        {
            problems.Add($"schema is '{schema}', expected 'thermohand/analysis/v1'; fields may be missing");
        }

        var rois = new List<RoiView>();
        if (result.TryGetProperty("rois", out var roiArray) && roiArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var roi in roiArray.EnumerateArray())
            {
                if (Text(roi, "name") is not { } name)
                {
                    problems.Add("a region without a name was skipped");
                    continue;
                }

                var values = new Dictionary<string, double?>(StringComparer.Ordinal);
                foreach (var field in ScalarFields)
                {
                    values[field] = Path(roi, field);
                }

                rois.Add(new RoiView(name, (int?)Number(roi, "digit"), values, Curve(roi, name, problems)));
            }
        }
        else
        {
            problems.Add("the result has no 'rois' list");
        }

        var ddd = new Dictionary<string, double?>(StringComparer.Ordinal);
        if (result.TryGetProperty("ddd_c", out var dddObject) && dddObject.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in dddObject.EnumerateObject())
            {
                ddd[property.Name] = property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetDouble() : null;
            }
        }

        var flags = new List<string>();
        int? used = null, rejected = null;
        if (result.TryGetProperty("quality", out var quality) && quality.ValueKind == JsonValueKind.Object)
        {
            if (quality.TryGetProperty("flags", out var flagArray) && flagArray.ValueKind == JsonValueKind.Array)
            {
                flags.AddRange(flagArray.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!));
            }

            used = (int?)Number(quality, "frames_used");
            rejected = (int?)Number(quality, "frames_rejected");
        }

        var definitions = new List<(string, string)>();
        if (result.TryGetProperty("definitions", out var definitionObject) && definitionObject.ValueKind == JsonValueKind.Object)
        {
            definitions.AddRange(definitionObject.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.String)
                .Select(p => (p.Name, p.Value.GetString()!)));
        }

        return new AnalysisView
        {
            Schema = schema,
            Hand = Text(result, "hand") ?? "?",
            Provisional = result.TryGetProperty("provisional", out var provisional) && provisional.ValueKind == JsonValueKind.True,
            AnalysedUntilSeconds = Number(result, "analysed_until_s"),
            ChallengeStartSeconds = Path(result, "challenge.start_s"),
            ChallengeEndSeconds = Path(result, "challenge.end_s"),
            ImmersionSeconds = Path(result, "challenge.immersion_s"),
            Rois = rois,
            Ddd = ddd,
            DddThumb = Number(result, "ddd_thumb_c"),
            FingersDddOver1C = Number(result, "fingers_ddd_over_1c"),
            QualityFlags = flags,
            FramesUsed = used,
            FramesRejected = rejected,
            Definitions = definitions,
            ReadProblems = problems,
        };
    }

    private static List<(double, double)> Curve(JsonElement roi, string name, List<string> problems)
    {
        var curve = new List<(double, double)>();
        if (!roi.TryGetProperty("curve", out var points) || points.ValueKind != JsonValueKind.Array)
        {
            return curve;
        }

        var skipped = 0;
        foreach (var point in points.EnumerateArray())
        {
            if (point.ValueKind == JsonValueKind.Array && point.GetArrayLength() == 2
                && point[0].ValueKind == JsonValueKind.Number && point[1].ValueKind == JsonValueKind.Number)
            {
                curve.Add((point[0].GetDouble(), point[1].GetDouble()));
            }
            else
            {
                skipped++;
            }
        }

        if (skipped > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {skipped} curve points were not [seconds, °C] pairs and are not drawn"));
        }

        return curve;
    }

    /// <summary>A number at a dotted path ("fit.tau_s", "recovery_pct.300"), or null.</summary>
    internal static double? Path(JsonElement element, string path)
    {
        var current = element;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.Number ? current.GetDouble() : null;
    }

    private static double? Number(JsonElement element, string name) => Path(element, name);

    private static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
