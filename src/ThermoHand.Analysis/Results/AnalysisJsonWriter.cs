using System.Text;
using System.Text.Json;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Results;

/// <summary>
/// Writes an <see cref="AnalysisResult"/> as the public <c>thermohand/analysis/v1</c> JSON (shared/formats.md §4) to a
/// stream the caller owns. Every field is written, missing values as explicit <c>null</c>; numbers are invariant,
/// rounded to 4 decimals (curve: 3), far below the sensor's resolution, so files stay readable and diff cleanly.
/// </summary>
public static class AnalysisJsonWriter
{
    private const int Decimals = 4;
    private const int CurveDecimals = 3;

    /// <summary>The sign convention and units written into every result (clinical.md §2.1: never show DDD without its sign).</summary>
    public static readonly IReadOnlyList<(string Name, string Text)> Definitions =
    [
        ("ddd_c", "DDD = T_dorsum - T_fingertip at baseline, C; positive = fingers colder than the back of the hand"),
        ("time_zero", "t = 0 s is challenge_end (hands leave the water); times in seconds after it"),
        ("baseline_c", "mean of trusted frames in the 60 s before challenge_start"),
        ("recovery_pct", "100 * (T(t) - min_c) / (baseline_c - min_c), T smoothed by a centred 10 s local straight-line fit"),
        ("tXX_s", "first time after the minimum with recovery >= XX %, linearly interpolated; null if never within 900 s"),
        ("max_rate_c_per_min", "largest least-squares slope over any 60 s window of trusted frames, C/min"),
        ("early_gradient_c_per_min", "least-squares slope over 0-120 s, C/min"),
        ("auc_c_min", "trapezoid integral of T over 0-900 s, C*min; auc_above_min_c_min: of T - min_c"),
        ("lag_s", "first time the smoothed curve is more than max(3 * noise, 0.5 C) above min_c and stays so for 30 s"),
        ("fit", "T(t) = T_inf - (T_inf - T0) * exp(-(t - lag)/tau) for t > lag, least squares over 0-900 s"),
        ("units", "temperatures C, times s, rates C/min, areas C*min, tip in 32x24 pixel coordinates"),
    ];

    public static void Write(AnalysisResult result, Stream stream, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented });
        WriteResult(writer, result);
        writer.Flush();
    }

    public static void Write(AnalysisResult result, TextWriter output, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(ToJson(result, indented));
    }

    public static string ToJson(AnalysisResult result, bool indented = true)
    {
        using var buffer = new MemoryStream();
        Write(result, buffer, indented);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A two-sensor session: both hands in full and the 8-finger summary.</summary>
    public static void Write(BilateralResult result, Stream stream, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented });
        writer.WriteStartObject();
        writer.WriteString("schema", "thermohand/analysis-bilateral/v1");
        writer.WritePropertyName("left");
        WriteResult(writer, result.Left);
        writer.WritePropertyName("right");
        WriteResult(writer, result.Right);
        writer.WritePropertyName("eight_finger");
        writer.WriteStartObject();
        Number(writer, "ddd_mean_c", result.EightFingerDddMeanCelsius);
        Number(writer, "fingers_ddd_over_1c", result.FingersWithDddAboveThreshold);
        WriteSpreads(writer, "averages", result.EightFingerAverages);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteResult(Utf8JsonWriter writer, AnalysisResult result)
    {
        writer.WriteStartObject();
        writer.WriteString("schema", AnalysisResult.Schema);
        writer.WriteString("hand", result.Hand == Analysis.Hand.Left ? "left" : "right");
        writer.WriteBoolean("provisional", result.Provisional);
        Number(writer, "analysed_until_s", result.AnalysedUntilSeconds);

        writer.WritePropertyName("challenge");
        writer.WriteStartObject();
        Number(writer, "start_s", result.Challenge.StartSeconds);
        Number(writer, "end_s", result.Challenge.EndSeconds);
        Number(writer, "immersion_s", result.Challenge.ImmersionSeconds);
        writer.WriteEndObject();

        writer.WritePropertyName("rois");
        writer.WriteStartArray();
        foreach (var roi in result.Rois)
        {
            WriteRoi(writer, roi);
        }

        writer.WriteEndArray();

        writer.WritePropertyName("ddd_c");
        writer.WriteStartObject();
        foreach (var (finger, value) in result.Ddd.Fingers)
        {
            Number(writer, finger, value);
        }

        Number(writer, "mean", result.Ddd.Mean);
        writer.WriteEndObject();
        Number(writer, "ddd_thumb_c", result.Ddd.Thumb);
        Number(writer, "fingers_ddd_over_1c", result.Ddd.FingersAboveThreshold);

        WriteSpreads(writer, "digits_2_5", result.DigitAverages);

        writer.WritePropertyName("quality");
        writer.WriteStartObject();
        writer.WritePropertyName("flags");
        writer.WriteStartArray();
        foreach (var flag in result.Quality.Flags)
        {
            writer.WriteStringValue(flag);
        }

        writer.WriteEndArray();
        writer.WriteNumber("frames_used", result.Quality.FramesUsed);
        writer.WriteNumber("frames_rejected", result.Quality.FramesRejected);
        writer.WriteEndObject();

        writer.WritePropertyName("definitions");
        writer.WriteStartObject();
        foreach (var (name, text) in Definitions)
        {
            writer.WriteString(name, text);
        }

        writer.WriteEndObject();
        if (result.Provenance is { } provenance)
        {
            // Last and optional, so results without provenance keep every byte they had (live == batch tests).
            writer.WritePropertyName("provenance");
            provenance.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteRoi(Utf8JsonWriter writer, RoiResult roi)
    {
        var m = roi.Metrics;
        writer.WriteStartObject();
        writer.WriteString("name", roi.Name);
        Number(writer, "digit", roi.Digit);
        writer.WritePropertyName("tip");
        if (roi.Tip is { } tip)
        {
            writer.WriteStartObject();
            Number(writer, "x", tip.X);
            Number(writer, "y", tip.Y);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        Number(writer, "baseline_c", m.BaselineCelsius);
        Number(writer, "baseline_coverage_s", m.BaselineCoverageSeconds);
        Number(writer, "noise_c", m.NoiseCelsius);
        Number(writer, "t0_c", m.StartCelsius);
        Number(writer, "min_c", m.MinimumCelsius);
        Number(writer, "t_min_s", m.MinimumTimeSeconds);
        Number(writer, "drop_c", m.DropCelsius);
        writer.WritePropertyName("recovery_pct");
        writer.WriteStartObject();
        foreach (var (key, value) in m.RecoveryPercent)
        {
            Number(writer, key, value);
        }

        writer.WriteEndObject();
        foreach (var (key, value) in m.TimeToRecoverySeconds)
        {
            Number(writer, "t" + key + "_s", value);
        }

        Number(writer, "lag_s", m.LagSeconds);
        Number(writer, "max_rate_c_per_min", m.MaximumRateCelsiusPerMinute);
        Number(writer, "max_rate_window_start_s", m.MaximumRateWindowStartSeconds);
        Number(writer, "early_gradient_c_per_min", m.EarlyGradientCelsiusPerMinute);
        Number(writer, "max_c", m.MaximumCelsius);
        Number(writer, "t_max_s", m.MaximumTimeSeconds);
        Number(writer, "final_c", m.FinalCelsius);
        Number(writer, "auc_c_min", m.AreaCelsiusMinutes);
        Number(writer, "auc_above_min_c_min", m.AreaAboveMinimumCelsiusMinutes);
        writer.WritePropertyName("fit");
        if (m.Fit is { } fit)
        {
            writer.WriteStartObject();
            Number(writer, "tau_s", fit.TauSeconds);
            Number(writer, "t_inf_c", fit.EndPointCelsius);
            Number(writer, "t0_c", fit.StartCelsius);
            Number(writer, "lag_s", fit.LagSeconds);
            Number(writer, "r2", fit.RSquared);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("curve");
        writer.WriteStartArray();
        foreach (var point in roi.Curve)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(Math.Round(point.TimeSeconds, CurveDecimals));
            writer.WriteNumberValue(Math.Round(point.TemperatureCelsius, CurveDecimals));
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteSpreads(Utf8JsonWriter writer, string name, IReadOnlyList<MetricSpread> spreads)
    {
        writer.WritePropertyName(name);
        writer.WriteStartObject();
        foreach (var spread in spreads)
        {
            writer.WritePropertyName(spread.Name);
            writer.WriteStartObject();
            Number(writer, "mean", spread.Mean);
            Number(writer, "sd", spread.StandardDeviation);
            Number(writer, "cv", spread.CoefficientOfVariation);
            writer.WriteNumber("n", spread.Count);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>A number, or an explicit null for a missing or non-finite value (JSON has no NaN).</summary>
    private static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, Math.Round(v, Decimals));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
