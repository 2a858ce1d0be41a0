using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ThermoHand.Calibration;
using ThermoHand.Cli.Pictures;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// The calibration report a technician keeps (docs/calibration.md, "Report"): <c>report.json</c> (every number, machine
/// readable), <c>report.md</c> (the same for people, with the verdict and each unmet limit in words) and the pictures.
/// </summary>
internal static class CalibrationReport
{
    public const string JsonName = "report.json";
    public const string MarkdownName = "report.md";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes report.json, report.md and the pictures into <paramref name="directory"/>. <paramref name="savedAs"/>: the stored calibration's id and file, or null.</summary>
    public static void Write(string directory, CalibrationResult result, string sensorDescription, (string Id, string Path)? savedAs, DateTimeOffset createdUtc, DateTimeOffset expiresUtc)
    {
        Directory.CreateDirectory(directory);
        var pictures = CalibrationPictures.WriteAll(result, directory);
        var q = result.Quality;
        var report = new
        {
            format = "thermohand-calibration-report",
            formatVersion = 1,
            sensorId = result.SensorId,
            sensor = sensorDescription,
            calibrationId = savedAs?.Id,
            createdUtc = createdUtc.ToString("O", CultureInfo.InvariantCulture),
            expiresUtc = expiresUtc.ToString("O", CultureInfo.InvariantCulture),
            passed = q.Passed,
            failures = q.Failures,
            targetEmissivity = result.Plan.TargetEmissivity,
            warmUpSeconds = Math.Round(result.WarmUpSeconds, 1),
            quality = q,
            targets = result.Measurements.Select(m => new
            {
                number = m.Target.Number,
                role = m.Target.Role == TargetRole.Fit ? "fit" : "verification",
                nominalCelsius = m.Target.NominalCelsius,
                referenceCelsius = m.ReferenceCelsius,
                medianReadingCelsius = Math.Round(m.MedianReadingCelsius, 4),
                medianNoiseCelsius = Math.Round(Median(m.TemporalSdCelsius), 4),
                images = m.ImageCount,
            }),
            badPixels = result.Fit.BadPixels.Select(b => new { pixel = b.Pixel, row = b.Row, column = b.Column, kind = b.Kind == BadPixelKind.Dead ? "dead" : "noisy", reason = b.Reason }),
            pictures,
        };
        File.WriteAllText(Path.Combine(directory, JsonName), JsonSerializer.Serialize(report, Json) + "\n");
        File.WriteAllText(Path.Combine(directory, MarkdownName), Markdown(result, sensorDescription, savedAs?.Id, createdUtc, expiresUtc));
    }

    private static string Markdown(CalibrationResult result, string sensorDescription, string? id, DateTimeOffset createdUtc, DateTimeOffset expiresUtc)
    {
        var c = CultureInfo.InvariantCulture;
        var q = result.Quality;
        var l = q.Limits;
        var md = new StringBuilder();
        md.AppendLine(c, $"# Calibration report — sensor {result.SensorId}");
        md.AppendLine();
        md.AppendLine(c, $"**{(q.Passed ? "PASSED" : "FAILED")}**{(id is null ? " — not stored in a calibration library" : $" — stored as `{id}`")}");
        md.AppendLine();
        foreach (var failure in q.Failures)
        {
            md.AppendLine(c, $"- {failure}");
        }

        if (q.Failures.Count > 0)
        {
            md.AppendLine();
        }

        md.AppendLine(c, $"Sensor: {sensorDescription}. Made {createdUtc:yyyy-MM-dd HH:mm} UTC, valid until {expiresUtc:yyyy-MM-dd} UTC. ");
        md.AppendLine(c, $"Warm-up until stable: {result.WarmUpSeconds / 60:0.0} min. Target emissivity {result.Plan.TargetEmissivity:0.00}; {q.ImagesPerTarget} images per target.");
        md.AppendLine();
        md.AppendLine("| target | role | reference (°C) | sensor median before (°C) | median noise (°C) |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var m in result.Measurements)
        {
            md.AppendLine(c, $"| {m.Target.Number} | {(m.Target.Role == TargetRole.Fit ? "fit" : "verification")} | {m.ReferenceCelsius:0.00} | {m.MedianReadingCelsius:0.00} | {Median(m.TemporalSdCelsius):0.000} |");
        }

        md.AppendLine();
        md.AppendLine(c, $"At the verification target ({q.VerificationTargetCelsius:0.00} °C, not used in the fit), over the good pixels:");
        md.AppendLine();
        md.AppendLine("| number | before | after | limit |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(c, $"| mean absolute error (°C) | {q.MeanAbsoluteErrorBeforeCelsius:0.000} | {q.MeanAbsoluteErrorAfterCelsius:0.000} | ≤ {l.MaxMeanAbsoluteErrorCelsius:0.00} |");
        md.AppendLine(c, $"| largest absolute error (°C) | {q.MaxAbsoluteErrorBeforeCelsius:0.000} | {q.MaxAbsoluteErrorAfterCelsius:0.000} | ≤ {l.MaxAbsoluteErrorCelsius:0.00} |");
        md.AppendLine(c, $"| median temporal noise (°C) | | {q.MedianNoiseCelsius:0.000} | ≤ {l.MaxMedianNoiseCelsius:0.00} |");
        md.AppendLine(c, $"| uniformity: spread of the corrected image (°C, SD) | | {q.UniformityCelsius:0.000} | ≤ {l.MaxUniformityCelsius:0.00} |");
        md.AppendLine(c, $"| bad pixels (dead + noisy) | | {q.BadPixelCount} ({q.DeadPixelCount} + {q.NoisyPixelCount}) | ≤ {l.MaxBadPixels} |");
        md.AppendLine();
        md.AppendLine("Bad pixels (replaced by the mean of their good neighbours when the calibration is applied):");
        md.AppendLine();
        if (result.Fit.BadPixels.Count == 0)
        {
            md.AppendLine("- none");
        }

        foreach (var b in result.Fit.BadPixels)
        {
            md.AppendLine(c, $"- pixel {b.Pixel} (row {b.Row}, column {b.Column}): {b.Reason}");
        }

        md.AppendLine();
        md.AppendLine("![Error at the verification target before and after](error-before-after.png)");
        md.AppendLine();
        md.AppendLine("![Gain](gain.png) ![Offset](offset.png)");
        md.AppendLine();
        md.AppendLine("![Temporal noise](noise.png) ![Bad pixels](bad-pixels.png)");
        md.AppendLine();
        md.AppendLine("Definitions: docs/calibration.md.");
        return md.ToString();
    }

    private static double Median(IReadOnlyList<float> values)
    {
        var sorted = values.Where(float.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2.0;
    }
}
