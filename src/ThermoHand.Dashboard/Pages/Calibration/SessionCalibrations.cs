using System.Globalization;
using System.Text.Json;
using ThermoHand.Calibration;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>What a session's settings say about one sensor's site calibration.</summary>
public enum SessionCalibrationState
{
    /// <summary>Measured with a site calibration that was valid at the session's start.</summary>
    Valid,

    /// <summary>Valid, but within the warning period before expiry.</summary>
    ExpiresSoon,

    /// <summary>Measured with a calibration past its expiry date: flagged.</summary>
    Expired,

    /// <summary>The device said this sensor had no site calibration (factory calibration only): flagged.</summary>
    None,

    /// <summary>The settings do not mention a calibration at all (a device software from before calibrations): flagged.</summary>
    NotReported,
}

/// <summary>
/// One sensor of one session and the calibration it was measured with, as the device reported it in
/// session_started's settings (<c>sensors[].calibration</c>: <c>{id, sensor_id, version, validity, sha256, …}</c> or
/// null). No patient reference: technicians read this.
/// </summary>
public sealed record SessionCalibrationUse(
    string SessionId,
    string DeviceId,
    DateTimeOffset? StartedUtc,
    string? Hand,
    string? SensorId,
    SessionCalibrationState State,
    string? CalibrationSensorId,
    int? CalibrationVersion,
    string? Sha256)
{
    /// <summary>"SENSOR/vN" when the session names a calibration.</summary>
    public string? CalibrationId => CalibrationSensorId is not null && CalibrationVersion is { } v ? $"{CalibrationSensorId}/v{v}" : null;

    public bool IsFlagged => State is SessionCalibrationState.Expired or SessionCalibrationState.None or SessionCalibrationState.NotReported;

    /// <summary>The sensor's <c>calibration_flags</c> as the device sent them (calibration_missing, calibration_refused,
    /// calibration_expired; see <see cref="CalibrationFlagText"/>); empty when none or not reported.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
}

/// <summary>
/// Reads the calibration each sensor of a session used from the stored settings JSON. Tolerant on purpose: key names
/// may differ between device software versions (docs/dashboard.md, "Calibration"), and a session must never vanish
/// from the summary because its settings are older or odd — it is counted as "not reported" instead.
/// </summary>
public static class SessionCalibrations
{
    /// <param name="session">The session's stored settings.</param>
    /// <param name="expiry">The expiry of a stored calibration (sensor, version), null when the dashboard does not hold it.</param>
    public static IReadOnlyList<SessionCalibrationUse> Read(SessionSettingsRecord session, Func<string, int, DateTimeOffset?> expiry)
    {
        ArgumentNullException.ThrowIfNull(session);
        var uses = new List<SessionCalibrationUse>();
        JsonElement settings = default;
        var readable = false;
        if (!string.IsNullOrWhiteSpace(session.SettingsJson))
        {
            try
            {
                using var document = JsonDocument.Parse(session.SettingsJson);
                settings = document.RootElement.Clone();
                readable = settings.ValueKind == JsonValueKind.Object;
            }
            catch (JsonException)
            {
                readable = false;
            }
        }

        foreach (var (hand, sensor) in readable ? Sensors(settings) : [])
        {
            uses.Add(ReadSensor(session, hand, sensor, expiry));
        }

        // A session whose settings name no sensor still counts, as one sensor that reported nothing.
        if (uses.Count == 0)
        {
            uses.Add(new SessionCalibrationUse(session.SessionId, session.DeviceId, session.StartedUtc, null, null, SessionCalibrationState.NotReported, null, null, null));
        }

        return uses;
    }

    // "sensors" is a list of {hand, sensor_id, …} (the worker) or an object keyed by hand ({left: {sensor_id, …}}).
    private static IEnumerable<(string? Hand, JsonElement Sensor)> Sensors(JsonElement settings)
    {
        if (!settings.TryGetProperty("sensors", out var sensors))
        {
            yield break;
        }

        if (sensors.ValueKind == JsonValueKind.Array)
        {
            foreach (var sensor in sensors.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object))
            {
                yield return (String(sensor, "hand"), sensor);
            }
        }
        else if (sensors.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in sensors.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            {
                yield return (property.Name, property.Value);
            }
        }
    }

    private static SessionCalibrationUse ReadSensor(SessionSettingsRecord session, string? hand, JsonElement sensor, Func<string, int, DateTimeOffset?> expiry)
    {
        var sensorId = String(sensor, "sensor_id") ?? String(sensor, "sensorId");
        var flags = Flags(sensor);
        SessionCalibrationUse Use(SessionCalibrationState state, string? calibrationSensor = null, int? version = null, string? sha = null) =>
            new(session.SessionId, session.DeviceId, session.StartedUtc, hand, sensorId, state, calibrationSensor, version, sha) { Flags = flags };

        if (!sensor.TryGetProperty("calibration", out var calibration))
        {
            return Use(SessionCalibrationState.NotReported);
        }

        if (calibration.ValueKind == JsonValueKind.Null)
        {
            return Use(SessionCalibrationState.None);
        }

        string? id;
        string? calibrationSensor;
        int? version;
        string? sha = null;
        string? reportedValidity = null;
        if (calibration.ValueKind == JsonValueKind.String)
        {
            id = calibration.GetString();
            (calibrationSensor, version) = SplitId(id);
        }
        else if (calibration.ValueKind == JsonValueKind.Object)
        {
            id = String(calibration, "id");
            var (idSensor, idVersion) = SplitId(id);
            calibrationSensor = String(calibration, "sensor_id") ?? String(calibration, "sensorId") ?? idSensor ?? sensorId;
            version = Int(calibration, "version") ?? idVersion;
            sha = String(calibration, "sha256")?.ToLowerInvariant();
            reportedValidity = String(calibration, "validity");
        }
        else
        {
            return Use(SessionCalibrationState.NotReported);
        }

        if (calibrationSensor is null || version is null)
        {
            return Use(SessionCalibrationState.NotReported);
        }

        return Use(StateOf(reportedValidity, session.StartedUtc, expiry(calibrationSensor, version.Value)), calibrationSensor, version, sha);
    }

    /// <summary>
    /// The device's own word at the session's start wins (it applied the file and knew the date); without it, the
    /// stored file's expiry against the session's start; without either, valid: the device applied it and reported
    /// no problem (the report still shows when the dashboard does not hold that file).
    /// </summary>
    private static SessionCalibrationState StateOf(string? reported, DateTimeOffset? startedUtc, DateTimeOffset? expiresUtc)
    {
        var word = reported?.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        if (word is not null)
        {
            if (word.Contains("expired", StringComparison.Ordinal))
            {
                return SessionCalibrationState.Expired;
            }

            if (word.Contains("soon", StringComparison.Ordinal) || word.StartsWith("expires", StringComparison.Ordinal))
            {
                return SessionCalibrationState.ExpiresSoon;
            }

            if (word == "valid")
            {
                return SessionCalibrationState.Valid;
            }
        }

        if (startedUtc is { } started && expiresUtc is { } expires)
        {
            return CalibrationValidityText.At(expires, started) switch
            {
                CalibrationValidity.Expired => SessionCalibrationState.Expired,
                CalibrationValidity.ExpiresSoon => SessionCalibrationState.ExpiresSoon,
                _ => SessionCalibrationState.Valid,
            };
        }

        return SessionCalibrationState.Valid;
    }

    /// <summary>The sensor's <c>calibration_flags</c>: strings only, each once, in the device's order.</summary>
    private static IReadOnlyList<string> Flags(JsonElement sensor) =>
        sensor.TryGetProperty("calibration_flags", out var flags) && flags.ValueKind == JsonValueKind.Array
            ? flags.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(f.GetString()))
                .Select(f => f.GetString()!.Trim()).Distinct(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>"0A1B2C3D4E5F/v3" → ("0A1B2C3D4E5F", 3).</summary>
    public static (string? SensorId, int? Version) SplitId(string? id)
    {
        var slash = id?.LastIndexOf("/v", StringComparison.OrdinalIgnoreCase) ?? -1;
        return slash > 0 && int.TryParse(id.AsSpan(slash + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (id![..slash], version)
            : (null, null);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
