using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Simulation;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests;

/// <summary>
/// A simulated session as a device would stream it: the simulated hand under the emulated MLX90640, read by the real
/// driver (raw subpages → TemperatureCalculator), the real region tracker and session analyser, turned into the
/// device messages of docs/device-stream.md. Everything the dashboard shows thus comes from the same pipeline a
/// real device runs, and the final analysis JSON is kept so tests can compare the page's numbers with it.
/// </summary>
public sealed class SimulatedDeviceSession
{
    private const float SkinEmissivity = 0.98f;
    private const double DieAboveRoomCelsius = 8;

    private SimulatedDeviceSession(IReadOnlyList<ProducedFrame> frames, ProtocolTimeline protocol, string finalAnalysisJson, string provisionalAnalysisJson, SimulationSettings settings)
    {
        Frames = frames;
        Protocol = protocol;
        FinalAnalysisJson = finalAnalysisJson;
        ProvisionalAnalysisJson = provisionalAnalysisJson;
        Settings = settings;
    }

    /// <summary>One frame as the device sends it: session time, temperatures (°C, 2 decimals) and region readings.</summary>
    public sealed record ProducedFrame(double TimeSeconds, float[] Temperatures, IReadOnlyList<RegionReading> Regions);

    public IReadOnlyList<ProducedFrame> Frames { get; }

    public ProtocolTimeline Protocol { get; }

    public SimulationSettings Settings { get; }

    /// <summary>The final <c>thermohand/analysis/v1</c> JSON the analyser produced (what the report must show).</summary>
    public string FinalAnalysisJson { get; }

    public string ProvisionalAnalysisJson { get; }

    public string HandWord => Settings.Hand == Hand.Left ? "left" : "right";

    /// <summary>Runs the whole session on the scene clock (a few seconds of CPU for a 7-minute protocol).</summary>
    public static SimulatedDeviceSession Simulate(PatientGroup group, int seed, double rewarmingSeconds = 320)
    {
        var protocol = new ProtocolTimeline { BaselineSeconds = 75, ChallengeSeconds = 60, RewarmingSeconds = rewarmingSeconds };
        var settings = new SimulationSettings { Group = group, Seed = seed, Hand = Hand.Right, Protocol = protocol };
        var scene = new SimulatedHandScene(settings);
        var clock = new SimulatedClock();
        var sensorOptions = new EmulatedMlx90640Options
        {
            DieTemperatureCelsius = (float)(protocol.RoomTemperatureCelsius + DieAboveRoomCelsius),
            Emissivity = SkinEmissivity,
        };
        using var sensor = new ThermoHand.Mlx90640.Mlx90640(new EmulatedMlx90640(scene, sensorOptions, clock), clock) { StatusPollInterval = TimeSpan.Zero };
        sensor.ReadingPattern = ReadingPattern.Chess;
        sensor.RefreshRate = RefreshRate.TwoHertz;   // two subpages per frame: one frame per second
        var calculator = new TemperatureCalculator(sensor.ReadEeprom());

        using var tracker = new HandRegionTracker(settings.Hand);
        var analyser = new RewarmingSessionAnalyser(tracker);
        foreach (var sessionEvent in protocol.Events)
        {
            analyser.AddEvent(sessionEvent);
        }

        var frames = new List<ProducedFrame>();
        var subpage = new RawSubpage();
        var image = new float[ThermalFrame.PixelCount];
        var seen = new bool[2];
        string? provisional = null;
        while (true)
        {
            clock.Advance(TimeSpan.FromSeconds(0.5));
            if (clock.Elapsed.TotalSeconds > protocol.TotalSeconds)
            {
                break;
            }

            if (!sensor.TryReadSubpage(subpage, TimeSpan.Zero))
            {
                throw new InvalidOperationException($"the emulated sensor gave no subpage at {clock.Elapsed.TotalSeconds} s");
            }

            var ambient = calculator.GetAmbientTemperature(subpage);
            calculator.CalculateObjectTemperatures(subpage, SkinEmissivity, ambient - (float)DieAboveRoomCelsius, image);
            seen[subpage.Subpage] = true;
            if (subpage.Subpage != 1 || !seen[0])
            {
                continue;
            }

            var temperatures = image.Select(t => MathF.Round(t, 2)).ToArray();
            calculator.CorrectDeviatingPixels(temperatures, ReadingPattern.Chess);
            var frame = new ThermalFrame(subpage.TimeSeconds, temperatures);
            var regions = analyser.AddFrame(frame)?.Readings ?? [];
            frames.Add(new ProducedFrame(subpage.TimeSeconds, temperatures, regions));
            if (provisional is null && subpage.TimeSeconds >= protocol.ChallengeEndSeconds + 120)
            {
                provisional = AnalysisJsonWriter.ToJson(analyser.Snapshot(), indented: false);
            }
        }

        var final = AnalysisJsonWriter.ToJson(analyser.Complete(), indented: false);
        return new SimulatedDeviceSession(frames, protocol, final, provisional ?? final, settings);
    }

    /// <summary>The device messages of this session, in order, without sequence numbers (the client numbers them).</summary>
    public IReadOnlyList<(string Kind, object Payload)> Messages(string patientReference, DateTimeOffset startedUtc)
    {
        var list = new List<(string, object)>
        {
            (DeviceMessageKinds.SessionStarted, new
            {
                patient_ref = patientReference,
                hands = new[] { HandWord },
                preset = new { name = "manchester-short", water_c = Protocol.WaterTemperatureCelsius, immersion_s = Protocol.ChallengeSeconds, acclimatisation_s = 1200, baseline_s = Protocol.BaselineSeconds, rewarming_s = Protocol.RewarmingSeconds },
                emissivity = SkinEmissivity,
                reflected_temperature_rule = "ambient - 8",
                region_method = ThermoHand.Analysis.Reanalysis.RegionMethods.UnmixedFingertip, // as the worker says: the default tracker above
                sensors = new Dictionary<string, object> { [HandWord] = new { sensor_id = "emulated:melexis-sample", refresh_hz = 2 } },
                started_utc = startedUtc,
            }),
            (DeviceMessageKinds.Environment, new { t_s = 0.0, room_c = Protocol.RoomTemperatureCelsius, humidity_pct = 41.0, water_c = Protocol.WaterTemperatureCelsius + 0.2, deviations = Array.Empty<string>() }),
        };
        var pendingEvents = new Queue<SessionEvent>(Protocol.Events);
        var provisionalSent = false;
        foreach (var frame in Frames)
        {
            while (pendingEvents.Count > 0 && pendingEvents.Peek().TimeSeconds <= frame.TimeSeconds)
            {
                var e = pendingEvents.Dequeue();
                list.Add((DeviceMessageKinds.Event, new { t_s = e.TimeSeconds, type = e.Type, hand = (string?)null }));
                if (e.Type == SessionEventTypes.ChallengeEnd)
                {
                    // A room that warmed during the test: the device flags it (the live view must show the warning).
                    list.Add((DeviceMessageKinds.Environment, new { t_s = e.TimeSeconds, room_c = 24.6, humidity_pct = 42.0, water_c = 15.1, deviations = new[] { "room 24.6 °C is outside 23 ± 1 °C" } }));
                }
            }

            var (state, elapsed, remaining) = StateAt(frame.TimeSeconds);
            list.Add((DeviceMessageKinds.Frame, new
            {
                t_s = frame.TimeSeconds,
                hand = HandWord,
                temps = frame.Temperatures.Select(t => float.IsFinite(t) ? (float?)t : null),
                regions = frame.Regions.Select(r => new
                {
                    name = r.Name,
                    digit = r.Digit,
                    t_c = Finite(r.TemperatureCelsius, 3),
                    x = Finite(r.CentreX, 2),
                    y = Finite(r.CentreY, 2),
                    trusted = r.Trusted,
                    flag = r.Flag,
                }),
                state,
                state_elapsed_s = elapsed,
                state_remaining_s = remaining,
            }));
            if (!provisionalSent && frame.TimeSeconds >= Protocol.ChallengeEndSeconds + 120)
            {
                provisionalSent = true;
                list.Add((DeviceMessageKinds.Analysis, new { hand = HandWord, final = false, result = JsonDocument.Parse(ProvisionalAnalysisJson).RootElement }));
            }
        }

        list.Add((DeviceMessageKinds.Analysis, new { hand = HandWord, final = true, result = JsonDocument.Parse(FinalAnalysisJson).RootElement }));
        list.Add((DeviceMessageKinds.SessionEnded, new { t_s = Protocol.TotalSeconds, outcome = "completed", reason = (string?)null }));
        return list;
    }

    // JSON has no NaN: a region that could not be measured or placed is sent as null, as the device does.
    private static double? Finite(double value, int decimals) => double.IsFinite(value) ? Math.Round(value, decimals) : null;

    private (string State, double Elapsed, double Remaining) StateAt(double t)
    {
        if (t < Protocol.ChallengeStartSeconds)
        {
            return ("baseline", t, Protocol.ChallengeStartSeconds - t);
        }

        if (t < Protocol.ChallengeEndSeconds)
        {
            return ("cold_challenge", t - Protocol.ChallengeStartSeconds, Protocol.ChallengeEndSeconds - t);
        }

        return ("rewarming", t - Protocol.ChallengeEndSeconds, Protocol.TotalSeconds - t);
    }
}

/// <summary>Posts device messages to the dashboard like the worker does: numbered, in batches, with its credential.</summary>
public sealed class SimulatedDeviceClient(HttpClient http, string deviceId, string secret)
{
    private long sequence;

    public string DeviceId => deviceId;

    public async Task SendAsync(string? sessionId, IEnumerable<(string Kind, object Payload)> messages, int batchSize = 40)
    {
        foreach (var chunk in messages.Chunk(batchSize))
        {
            var batch = new DeviceBatch(deviceId, [.. chunk.Select(m => new DeviceMessage(
                ++sequence, m.Kind, m.Kind == DeviceMessageKinds.Status ? null : sessionId, DateTimeOffset.UtcNow,
                JsonSerializer.SerializeToElement(m.Payload, DeviceAuthentication.JsonOptions)))]);
            using var request = new HttpRequestMessage(HttpMethod.Post, DeviceAuthentication.MessagesPath)
            {
                Content = JsonContent.Create(batch, options: DeviceAuthentication.JsonOptions),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue(DeviceAuthentication.Scheme, deviceId + ":" + secret);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"device batch ending at seq {sequence} refused: {(int)response.StatusCode} {body}"));
            }
        }
    }
}
