using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Streaming;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Storage;

namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// Builds the payloads of docs/device-stream.md (snake_case, °C, session-clock seconds). Pure: no I/O, so each shape
/// is tested on its own. The patient reference appears in exactly one payload, session_started, as the contract asks.
/// </summary>
public static class DeviceMessages
{
    private static readonly JsonSerializerOptions Json = DeviceAuthentication.JsonOptions;

    public static JsonElement SessionStarted(SessionSetup setup, double emissivity, string reflectedRule, IReadOnlyList<(Hand Hand, string SensorId, double RefreshHz)> sensors, DateTimeOffset startedUtc)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ProtocolPreset p = setup.Preset;
        return JsonSerializer.SerializeToElement(
            new
            {
                patient_ref = setup.PatientReference,
                hands = setup.Hands.Hands().Select(SessionFiles.HandWord).ToArray(),
                preset = new
                {
                    name = p.Name,
                    water_c = p.BathSetPointCelsius,
                    immersion_s = p.Immersion.TotalSeconds,
                    acclimatisation_s = p.Acclimatisation.TotalSeconds,
                    baseline_s = p.BaselineCapture.TotalSeconds,
                    rewarming_s = p.Rewarming.TotalSeconds,
                },
                emissivity,
                reflected_temperature_rule = reflectedRule,
                // The fingertip reading the live analysis uses, so the dashboard can state which method made the device's
                // result (the default changed to per-digit widths; older devices send no field: docs/reanalysis.md).
                region_method = ThermoHand.Analysis.Reanalysis.RegionMethods.UnmixedFingertip,
                sensors = sensors.Select(s => new { hand = SessionFiles.HandWord(s.Hand), sensor_id = s.SensorId, refresh_hz = s.RefreshHz }).ToArray(),
                started_utc = startedUtc,
            },
            Json);
    }

    /// <summary>A protocol event; <paramref name="hand"/> null means both hands.</summary>
    public static JsonElement Event(SessionEvent e, Hand? hand, string? detail = null) =>
        JsonSerializer.SerializeToElement(new { t_s = e.TimeSeconds, type = e.Type, hand = hand is { } h ? SessionFiles.HandWord(h) : null, detail }, Json);

    public static JsonElement Frame(ThermalFrame frame, Hand hand, RegionFrameResult? regions, ProtocolStatus status)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var temps = new float?[ThermalFrame.PixelCount];
        for (int i = 0; i < temps.Length; i++)
        {
            float t = frame.TemperaturesCelsius[i];
            temps[i] = float.IsFinite(t) ? MathF.Round(t, 2) : null;
        }

        var readings = regions?.Readings.Select(r => new
        {
            name = r.Name,
            digit = r.Digit,
            t_c = double.IsFinite(r.TemperatureCelsius) ? Math.Round(r.TemperatureCelsius, 2) : (double?)null,
            x = double.IsFinite(r.CentreX) ? Math.Round(r.CentreX, 2) : (double?)null,
            y = double.IsFinite(r.CentreY) ? Math.Round(r.CentreY, 2) : (double?)null,
            trusted = r.Trusted,
            flag = r.Flag,
        }).ToArray() ?? [];

        return JsonSerializer.SerializeToElement(
            new
            {
                t_s = Math.Round(frame.TimeSeconds, 3),
                hand = SessionFiles.HandWord(hand),
                temps,
                regions = readings,
                state = status.State,
                state_elapsed_s = status.ElapsedSeconds,
                state_remaining_s = status.RemainingSeconds,
            },
            Json);
    }

    public static JsonElement Environment(double timeSeconds, double? roomCelsius, double? humidityPercent, double? waterCelsius, IReadOnlyList<string> deviations) =>
        JsonSerializer.SerializeToElement(new { t_s = timeSeconds, room_c = roomCelsius, humidity_pct = humidityPercent, water_c = waterCelsius, deviations }, Json);

    /// <summary>An analysis result as the thermohand/analysis/v1 object, exactly as the analysis writes it to file.</summary>
    public static JsonElement Analysis(Hand hand, bool final, AnalysisResult result)
    {
        using JsonDocument document = JsonDocument.Parse(AnalysisJsonWriter.ToJson(result, indented: false));
        return JsonSerializer.SerializeToElement(new { hand = SessionFiles.HandWord(hand), final, result = document.RootElement }, Json);
    }

    public static JsonElement SessionEnded(double timeSeconds, string outcome, string? reason) =>
        JsonSerializer.SerializeToElement(new { t_s = timeSeconds, outcome, reason }, Json);

    public static JsonElement Status(double? frameAgeSeconds, double i2cErrorRate, long freeBytes, bool analysisAvailable, string state, long queueLength) =>
        JsonSerializer.SerializeToElement(
            new { frame_age_s = frameAgeSeconds, i2c_error_rate = i2cErrorRate, free_bytes = freeBytes, analysis_available = analysisAvailable, state, queue_length = queueLength },
            Json);
}

/// <summary>Where the protocol stands, for frame messages and the status message.</summary>
public readonly record struct ProtocolStatus(string State, double? ElapsedSeconds, double? RemainingSeconds);
