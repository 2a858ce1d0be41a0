using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Exports.Bilateral;

/// <summary>
/// Reads a stored <c>thermohand/analysis/v1</c> result (shared/formats.md §4, as <c>AnalysisJsonWriter</c> writes it)
/// back into an <see cref="AnalysisResult"/>, so that the 8-finger summary is computed by the analysis' own
/// <see cref="HandSummary.Combine"/> and not by a second copy of its arithmetic. Strict where a number would otherwise
/// be lost silently: a field that is present but neither a number nor null, a region without a name or a result of
/// another hand throws <see cref="FormatException"/> naming it. A field that is absent is a missing value (null),
/// as in the report. Curves are not read: the averages do not use them.
/// </summary>
public static partial class StoredAnalysisReader
{
    public static AnalysisResult Read(JsonElement result, string expectedHand)
    {
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the stored analysis result is not a JSON object");
        }

        var schema = Text(result, "schema");
        if (schema != AnalysisResult.Schema)
        {
            throw new FormatException($"the stored result has schema '{schema ?? "none"}', not '{AnalysisResult.Schema}'");
        }

        var hand = expectedHand switch
        {
            "left" => Hand.Left,
            "right" => Hand.Right,
            _ => throw new FormatException($"'{expectedHand}' is not a hand (left or right)"),
        };
        if (Text(result, "hand") is { } written && written != expectedHand)
        {
            throw new FormatException($"the result stored for the {expectedHand} hand says it is of the {written} hand");
        }

        if (!result.TryGetProperty("rois", out var roiArray) || roiArray.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("the result has no 'rois' list");
        }

        var rois = new List<RoiResult>();
        foreach (var roi in roiArray.EnumerateArray())
        {
            if (roi.ValueKind != JsonValueKind.Object || Text(roi, "name") is not { Length: > 0 } name)
            {
                throw new FormatException("the result has a region without a name");
            }

            rois.Add(new RoiResult(name, (int?)Number(roi, "digit", name), null, Metrics(roi, name), []));
        }

        var fingers = new Dictionary<string, double?>(StringComparer.Ordinal);
        double? dddMean = null;
        if (result.TryGetProperty("ddd_c", out var ddd) && ddd.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in ddd.EnumerateObject())
            {
                var value = Value(property.Value, "ddd_c." + property.Name);
                if (property.NameEquals("mean"))
                {
                    dddMean = value;
                }
                else
                {
                    fingers[property.Name] = value;
                }
            }
        }

        var above = Number(result, "fingers_ddd_over_1c", "result");
        var flags = new List<string>();
        var used = 0;
        var rejected = 0;
        if (result.TryGetProperty("quality", out var quality) && quality.ValueKind == JsonValueKind.Object)
        {
            if (quality.TryGetProperty("flags", out var flagArray) && flagArray.ValueKind == JsonValueKind.Array)
            {
                flags.AddRange(flagArray.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!));
            }

            used = (int)(Number(quality, "frames_used", "quality") ?? 0);
            rejected = (int)(Number(quality, "frames_rejected", "quality") ?? 0);
        }

        var challenge = result.TryGetProperty("challenge", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        return new AnalysisResult(
            hand,
            rois,
            new DddResult(fingers, dddMean, Number(result, "ddd_thumb_c", "result"), (int?)above, fingers.Values.Count(v => v is not null)),
            [],
            new QualityReport(flags, used, rejected),
            new ChallengeTiming(Number(challenge, "start_s", "challenge"), Number(challenge, "end_s", "challenge")),
            result.TryGetProperty("provisional", out var provisional) && provisional.ValueKind == JsonValueKind.True,
            Number(result, "analysed_until_s", "result"));
    }

    private static RewarmingMetrics Metrics(JsonElement roi, string name)
    {
        var recovery = new Dictionary<string, double?>(StringComparer.Ordinal);
        if (roi.TryGetProperty("recovery_pct", out var r) && r.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in r.EnumerateObject())
            {
                recovery[property.Name] = Value(property.Value, $"{name}.recovery_pct.{property.Name}");
            }
        }

        var times = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var property in roi.EnumerateObject())
        {
            if (RecoveryTime().Match(property.Name) is { Success: true } match)
            {
                times[match.Groups[1].Value] = Value(property.Value, $"{name}.{property.Name}");
            }
        }

        ExponentialFitResult? fit = null;
        if (roi.TryGetProperty("fit", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            // A null inside the fit is NaN here: the averages keep finite values only, exactly as for the writer's nulls.
            double Part(string field) => Number(f, field, name + ".fit") ?? double.NaN;
            fit = new ExponentialFitResult(Part("tau_s"), Part("t_inf_c"), Part("t0_c"), Part("lag_s"), Part("r2"));
        }

        return new RewarmingMetrics
        {
            BaselineCelsius = Number(roi, "baseline_c", name),
            BaselineCoverageSeconds = Number(roi, "baseline_coverage_s", name),
            NoiseCelsius = Number(roi, "noise_c", name),
            StartCelsius = Number(roi, "t0_c", name),
            MinimumCelsius = Number(roi, "min_c", name),
            MinimumTimeSeconds = Number(roi, "t_min_s", name),
            DropCelsius = Number(roi, "drop_c", name),
            LagSeconds = Number(roi, "lag_s", name),
            MaximumRateCelsiusPerMinute = Number(roi, "max_rate_c_per_min", name),
            MaximumRateWindowStartSeconds = Number(roi, "max_rate_window_start_s", name),
            EarlyGradientCelsiusPerMinute = Number(roi, "early_gradient_c_per_min", name),
            RecoveryPercent = recovery,
            TimeToRecoverySeconds = times,
            MaximumCelsius = Number(roi, "max_c", name),
            MaximumTimeSeconds = Number(roi, "t_max_s", name),
            FinalCelsius = Number(roi, "final_c", name),
            AreaCelsiusMinutes = Number(roi, "auc_c_min", name),
            AreaAboveMinimumCelsiusMinutes = Number(roi, "auc_above_min_c_min", name),
            Fit = fit,
        };
    }

    // "t25_s", "t50_s", "t63_s", "t100_s" — not "t_min_s" or "t_max_s".
    [GeneratedRegex(@"^t(\d+)_s$", RegexOptions.CultureInvariant)]
    private static partial Regex RecoveryTime();

    private static double? Number(JsonElement element, string field, string where)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out var value) ? Value(value, where + "." + field) : null;

    private static double? Value(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Null => null,
        _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{where}' is {value.ValueKind.ToString().ToLowerInvariant()}, not a number or null")),
    };

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
