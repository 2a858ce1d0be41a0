using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ThermoHand.Dashboard.Analysis;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Exports.Bilateral;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>
/// Downloads of one session, each audited as an export (who, which session, which format):
/// <c>/sessions/{id}/report.pdf</c> (<see cref="ReportPdf"/>), <c>/sessions/{id}/export/report.json</c> (the stored
/// session with every analysis result verbatim and the 8-finger summary) and <c>/sessions/{id}/export/curves.csv</c> (<see cref="CurveCsv"/>).
/// </summary>
public static class SessionExports
{
    public const string ReportSchema = "thermohand/session-report/v1";

    public static IEndpointRouteBuilder MapSessionExports(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/sessions/{id}").RequireAuthorization(ClinicPolicies.ViewSessions);
        group.MapGet("/report.pdf", PdfAsync);
        group.MapGet("/export/report.json", JsonAsync);
        group.MapGet("/export/curves.csv", CsvAsync);
        return endpoints;
    }

    private static async Task<IResult> PdfAsync(string id, IClinicStore store, IReferenceCheckStore referenceChecks, IAnalysisSelection selection, AuditTrail audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var detail = await store.GetSessionAsync(id, cancellationToken);
        if (detail is null)
        {
            return TypedResults.NotFound($"No session '{id}'.");
        }

        var hands = SessionFacts.ResultsByHand(detail.Results).OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Value).ToList();
        var buffer = new MemoryStream();
        // The calibration and reference-check lines follow the facts, as the "Calibration and reference check" part of the page does.
        var facts = Facts(detail);
        var calibration = ReportCalibration.For(detail, await referenceChecks.GetReferenceChecksAsync(id, cancellationToken));
        var eightFinger = await SessionEightFinger.ForAsync(detail, selection, cancellationToken);
        ReportPdf.Write(buffer, facts with { Lines = [.. facts.Lines, .. calibration.Lines()] }, hands, eightFinger);
        await audit.RecordAsync(user, AuditTrail.Export, "session", id, "pdf", cancellationToken);
        return TypedResults.File(buffer.ToArray(), "application/pdf", FileName(detail, "pdf"));
    }

    private static async Task<IResult> JsonAsync(string id, IClinicStore store, IReferenceCheckStore referenceChecks, IAnalysisSelection selection, AuditTrail audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var detail = await store.GetSessionAsync(id, cancellationToken);
        if (detail is null)
        {
            return TypedResults.NotFound($"No session '{id}'.");
        }

        var buffer = new MemoryStream();
        var eightFinger = await SessionEightFinger.ForAsync(detail, selection, cancellationToken);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            WriteReport(writer, detail, await referenceChecks.GetReferenceChecksAsync(id, cancellationToken), eightFinger);
        }

        await audit.RecordAsync(user, AuditTrail.Export, "session", id, "report.json", cancellationToken);
        return TypedResults.File(buffer.ToArray(), "application/json", FileName(detail, "json"));
    }

    private static async Task<IResult> CsvAsync(string id, IClinicStore store, AuditTrail audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var detail = await store.GetSessionAsync(id, cancellationToken);
        if (detail is null)
        {
            return TypedResults.NotFound($"No session '{id}'.");
        }

        var curves = await store.GetRegionCurvesAsync(id, cancellationToken: cancellationToken);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        CurveCsv.Write(text, id, curves);
        await audit.RecordAsync(user, AuditTrail.Export, "session", id, $"curves.csv ({curves.Sum(c => c.Points.Count)} readings)", cancellationToken);
        return TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", FileName(detail, "csv"));
    }

    /// <summary>The lines at the top of the PDF: the same facts as the report page.</summary>
    public static ReportFacts Facts(SessionDetail detail)
    {
        var s = detail.Summary;
        var lines = new List<(string, string)>
        {
            ("Session", s.SessionId),
            ("Patient reference", s.PatientReference ?? "—"),
            ("Started", SessionFacts.When(s.StartedUtc)),
            ("Ended", $"{SessionFacts.When(s.EndedUtc)} ({s.Outcome ?? "running"}{(detail.EndReason is { } r ? ": " + r : "")})"),
            ("Device", s.DeviceId),
            ("Hands", string.Join(", ", s.Hands)),
        };
        lines.AddRange(SessionFacts.Flatten(detail.Preset).Select(l => ("Protocol: " + l.Label, l.Value)));
        lines.AddRange(SessionFacts.Environment(detail.Environment));
        lines.AddRange(SessionFacts.Flatten(detail.Settings).Select(l => ("Sensor: " + l.Label, l.Value)));
        return new ReportFacts("ThermoHand session report", lines);
    }

    private static string FileName(SessionDetail detail, string extension)
    {
        var safe = new string([.. detail.Summary.SessionId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        return $"thermohand-session-{safe}.{extension}";
    }

    private static void WriteReport(Utf8JsonWriter writer, SessionDetail detail, IReadOnlyList<StoredReferenceCheck> checks, EightFingerSummary eightFinger)
    {
        var s = detail.Summary;
        writer.WriteStartObject();
        writer.WriteString("schema", ReportSchema);
        writer.WriteString("session_id", s.SessionId);
        writer.WriteString("device_id", s.DeviceId);
        writer.WriteString("patient_ref", s.PatientReference);
        writer.WritePropertyName("hands");
        JsonSerializer.Serialize(writer, s.Hands);
        WriteTime(writer, "started_utc", s.StartedUtc);
        WriteTime(writer, "ended_utc", s.EndedUtc);
        writer.WriteString("outcome", s.Outcome);
        writer.WriteString("end_reason", detail.EndReason);
        writer.WritePropertyName("preset");
        WriteElement(writer, detail.Preset);
        writer.WritePropertyName("settings");
        WriteElement(writer, detail.Settings);
        writer.WriteNumber("frames_stored", detail.FrameCount);
        writer.WritePropertyName("events");
        writer.WriteStartArray();
        foreach (var e in detail.Events)
        {
            writer.WriteStartObject();
            writer.WriteNumber("t_s", e.TimeSeconds);
            writer.WriteString("type", e.Type);
            writer.WriteString("hand", e.Hand);
            writer.WriteString("detail", e.Detail);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("environment");
        writer.WriteStartArray();
        foreach (var r in detail.Environment)
        {
            writer.WriteStartObject();
            writer.WriteNumber("t_s", r.TimeSeconds);
            WriteNumber(writer, "room_c", r.RoomC);
            WriteNumber(writer, "humidity_pct", r.HumidityPercent);
            WriteNumber(writer, "water_c", r.WaterC);
            writer.WritePropertyName("deviations");
            JsonSerializer.Serialize(writer, r.Deviations);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("results");
        writer.WriteStartArray();
        foreach (var result in detail.Results)
        {
            writer.WriteStartObject();
            writer.WriteString("hand", result.Hand);
            writer.WriteBoolean("final", result.IsFinal);
            WriteTime(writer, "received_utc", result.ReceivedUtc);
            writer.WritePropertyName("result");
            result.Result.WriteTo(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        // The reference checks as the device reported them (docs/device-stream.md field names; tolerance_c = the limit).
        writer.WritePropertyName("reference_checks");
        writer.WriteStartArray();
        foreach (var c in checks)
        {
            writer.WriteStartObject();
            writer.WriteString("sensor_id", c.SensorId);
            writer.WriteString("hand", c.Hand);
            writer.WriteString("calibration_id", c.CalibrationId);
            WriteTime(writer, "checked_utc", c.CheckedUtc);
            writer.WriteNumber("reference_c", c.TargetC);
            WriteNumber(writer, "measured_c", c.MeasuredC);
            WriteNumber(writer, "error_c", c.ErrorC);
            writer.WriteNumber("tolerance_c", c.LimitC);
            writer.WriteBoolean("pass", c.Passed);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteEightFinger(writer, eightFinger);
        writer.WriteEndObject();
    }

    /// <summary>
    /// "eight_finger": the 8-finger summary the report shows (docs/dashboard.md), with the analysis version and settings
    /// hash of each hand; "averages" uses HandSummary's metric names and {mean, sd, cv, n}, as the analysis'
    /// thermohand/analysis-bilateral/v1 "eight_finger" block does. computed = false comes with the reason.
    /// </summary>
    private static void WriteEightFinger(Utf8JsonWriter writer, EightFingerSummary summary)
    {
        writer.WriteStartObject("eight_finger");
        writer.WriteBoolean("computed", summary.Result is not null);
        writer.WriteString("reason", summary.NotComputedReason);
        writer.WriteString("definition", "mean over the fingertips D2-D5 of both hands (thumbs excluded) of each metric, combined from the selected per-hand results (docs/metrics.md section 3)");
        writer.WriteStartObject("versions");
        writer.WriteString("left", summary.LeftVersion);
        writer.WriteString("right", summary.RightVersion);
        writer.WriteEndObject();
        writer.WriteStartObject("settings_hashes");
        writer.WriteString("left", summary.LeftSettingsHash);
        writer.WriteString("right", summary.RightSettingsHash);
        writer.WriteEndObject();
        writer.WriteBoolean("settings_differ", summary.SettingsDiffer);
        writer.WritePropertyName("settings_differences");
        JsonSerializer.Serialize(writer, summary.SettingsDifferences);
        writer.WritePropertyName("cautions");
        JsonSerializer.Serialize(writer, summary.Cautions);
        if (summary.Result is { } result)
        {
            WriteNumber(writer, "ddd_mean_c", result.EightFingerDddMeanCelsius);
            WriteNumber(writer, "fingers_ddd_over_1c", result.FingersWithDddAboveThreshold);
            writer.WriteStartObject("averages");
            foreach (var spread in result.EightFingerAverages)
            {
                writer.WriteStartObject(spread.Name);
                WriteNumber(writer, "mean", spread.Mean);
                WriteNumber(writer, "sd", spread.StandardDeviation);
                WriteNumber(writer, "cv", spread.CoefficientOfVariation);
                writer.WriteNumber("n", spread.Count);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteElement(Utf8JsonWriter writer, JsonElement? element)
    {
        if (element is { } value)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
