using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ThermoHand.Analysis;
using ThermoHand.Streaming;
using ThermoHand.Worker.Pipeline;

namespace ThermoHand.Worker.Calibration;

/// <summary>
/// The calibration fields of the device messages (docs/device-stream.md): added to the payloads DeviceMessages builds,
/// so those shapes stay as they are and the new fields sit beside them.
/// </summary>
public static class CalibrationMessages
{
    private static readonly JsonSerializerOptions Json = DeviceAuthentication.JsonOptions;

    /// <summary>One sensor of a session: its hand, the calibration it used (null = factory only) and the flags that set.</summary>
    public sealed record SensorRecord(Hand Hand, string SensorId, SessionCalibration? Calibration, IReadOnlyList<string> Flags);

    /// <summary>status: <c>calibration_status</c> (Healthy/Degraded/Unhealthy) and <c>calibration</c> (per sensor, as in health.json).</summary>
    public static JsonElement AddToStatus(JsonElement status, HealthReportEntry calibration)
    {
        JsonObject node = JsonNode.Parse(status.GetRawText())!.AsObject();
        node["calibration_status"] = calibration.Status.ToString();
        node["calibration"] = JsonSerializer.SerializeToNode(calibration.Data.TryGetValue("sensors", out object? sensors) ? sensors : Array.Empty<object>(), Json);
        return JsonSerializer.SerializeToElement(node, Json);
    }

    /// <summary>
    /// session_started: each entry of <c>sensors</c> gets <c>calibration</c> ({id, sensor_id, version, created_utc,
    /// expires_utc, validity, sha256, file} or null) and <c>calibration_flags</c>; the payload gets <c>reference_checks</c>.
    /// </summary>
    public static JsonElement AddToSessionStarted(JsonElement started, IReadOnlyList<SensorRecord> sensors, IReadOnlyList<ReferenceCheckResult> checks)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        ArgumentNullException.ThrowIfNull(checks);
        JsonObject node = JsonNode.Parse(started.GetRawText())!.AsObject();
        if (node["sensors"] is JsonArray entries)
        {
            for (int i = 0; i < entries.Count && i < sensors.Count; i++)
            {
                JsonObject entry = entries[i]!.AsObject();
                entry["calibration"] = sensors[i].Calibration is { } c ? JsonSerializer.SerializeToNode(c.ToJsonObject(), Json) : null;
                entry["calibration_flags"] = JsonSerializer.SerializeToNode(sensors[i].Flags, Json);
            }
        }

        node["reference_checks"] = JsonSerializer.SerializeToNode(checks.Select(CalibrationHealthCheck.ReferenceCheckJson).ToArray(), Json);
        return JsonSerializer.SerializeToElement(node, Json);
    }

    /// <summary>The event message of a reference check: the usual event fields, <c>detail</c> in words, and the numbers.</summary>
    public static JsonElement ReferenceCheckEvent(SessionEvent e, Hand? hand, ReferenceCheckResult result)
    {
        JsonObject node = JsonNode.Parse(DeviceMessages.Event(e, hand, result.Message).GetRawText())!.AsObject();
        node["reference_check"] = JsonSerializer.SerializeToNode(CalibrationHealthCheck.ReferenceCheckJson(result), Json);
        return JsonSerializer.SerializeToElement(node, Json);
    }
}
