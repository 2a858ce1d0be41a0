using System.Globalization;
using System.Text.Json;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Ingest;

/// <summary>
/// Reads a <see cref="DeviceMessage"/>'s payload per docs/device-stream.md into a typed message. Pure: no I/O.
/// A payload that breaks the contract becomes an <see cref="UnreadableMessage"/> whose problem names the sequence,
/// the kind and the field, e.g. "seq 17 (frame): 'temps' has 700 entries, expected 768".
/// </summary>
public static class DeviceMessageInterpreter
{
    private static readonly string[] HandNames = ["left", "right"];

    private static readonly string[] Outcomes = ["completed", "aborted", "recovered"];

    public static InterpretedMessage Interpret(DeviceMessage message)
    {
        var raw = message.Payload.ValueKind == JsonValueKind.Undefined ? "null" : message.Payload.GetRawText();
        try
        {
            if (message.Kind != DeviceMessageKinds.Status && string.IsNullOrWhiteSpace(message.SessionId))
            {
                throw new PayloadException("session_id", "is required for this kind");
            }

            if (message.Payload.ValueKind != JsonValueKind.Object)
            {
                throw new PayloadException("payload", "must be a JSON object");
            }

            InterpretedMessage interpreted = message.Kind switch
            {
                DeviceMessageKinds.SessionStarted => ReadSessionStarted(message),
                DeviceMessageKinds.Event => ReadEvent(message),
                DeviceMessageKinds.Frame => ReadFrame(message),
                DeviceMessageKinds.Environment => ReadEnvironment(message),
                DeviceMessageKinds.Analysis => ReadAnalysis(message),
                DeviceMessageKinds.SessionEnded => ReadSessionEnded(message),
                DeviceMessageKinds.Status => new DeviceStatusMessage(message.Sequence, message.CreatedUtc, raw),
                _ => throw new PayloadException("kind", $"'{message.Kind}' is not a known message kind"),
            };

            // Frames are the bulk and live in the frames table; logging them twice would double the database.
            return interpreted with { LoggedPayload = message.Kind == DeviceMessageKinds.Frame ? null : raw };
        }
        catch (PayloadException problem)
        {
            return new UnreadableMessage(
                message.Sequence, message.Kind, message.SessionId, message.CreatedUtc, raw,
                $"seq {message.Sequence} ({message.Kind}): '{problem.Field}' {problem.Message}")
            { LoggedPayload = raw };
        }
    }

    private static SessionStartedMessage ReadSessionStarted(DeviceMessage message)
    {
        var payload = message.Payload;
        var patientReference = RequiredString(payload, "patient_ref");
        var hands = RequiredArray(payload, "hands").Select((hand, index) => ReadHand(hand, $"hands[{index}]")).ToArray();
        if (hands.Length is < 1 or > 2 || hands.Distinct().Count() != hands.Length)
        {
            throw new PayloadException("hands", "must be [\"left\"], [\"right\"] or both");
        }

        var preset = Required(payload, "preset");
        if (preset.ValueKind != JsonValueKind.Object)
        {
            throw new PayloadException("preset", "must be an object");
        }

        var presetName = OptionalString(preset, "name");

        // Settings: everything the report must show about how the session was measured, kept verbatim.
        var settings = new Dictionary<string, JsonElement>();
        foreach (var name in new[] { "emissivity", "reflected_temperature_rule", "region_method", "sensors" })
        {
            if (payload.TryGetProperty(name, out var value))
            {
                settings[name] = value;
            }
        }

        var startedUtc = payload.TryGetProperty("started_utc", out var started) && started.ValueKind == JsonValueKind.String
            ? ParseTime(started, "started_utc")
            : message.CreatedUtc;
        var checks = new List<ReferenceCheckReading>();
        if (payload.TryGetProperty("reference_checks", out var checkList) && checkList.ValueKind != JsonValueKind.Null)
        {
            if (checkList.ValueKind != JsonValueKind.Array)
            {
                throw new PayloadException("reference_checks", "must be an array");
            }

            var index = 0;
            foreach (var check in checkList.EnumerateArray())
            {
                checks.Add(ReferenceCheckReader.Read(check, $"reference_checks[{index++}]"));
            }
        }

        return new SessionStartedMessage(
            message.Sequence, message.SessionId!, message.CreatedUtc, patientReference, hands, presetName,
            preset.GetRawText(), JsonSerializer.Serialize(settings), startedUtc)
        { ReferenceChecks = checks };
    }

    private static SessionEventMessage ReadEvent(DeviceMessage message)
    {
        var payload = message.Payload;
        var record = new SessionEventRecord(
            RequiredNumber(payload, "t_s"),
            RequiredString(payload, "type"),
            OptionalHand(payload, "hand"),
            payload.TryGetProperty("detail", out var detail) && detail.ValueKind != JsonValueKind.Null
                ? (detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText())
                : null);
        // A reference_check event also carries the check's numbers (docs/device-stream.md); any event may, none must.
        var check = payload.TryGetProperty("reference_check", out var numbers) && numbers.ValueKind != JsonValueKind.Null
            ? ReferenceCheckReader.Read(numbers, "reference_check")
            : null;
        return new SessionEventMessage(message.Sequence, message.SessionId!, message.CreatedUtc, record) { ReferenceCheck = check };
    }

    private static FrameMessage ReadFrame(DeviceMessage message)
    {
        var payload = message.Payload;
        var timeSeconds = RequiredNumber(payload, "t_s");
        var hand = ReadHand(Required(payload, "hand"), "hand");
        var temps = RequiredArray(payload, "temps");
        if (temps.Count != FrameTemperatureCodec.PixelCount)
        {
            throw new PayloadException("temps", $"has {temps.Count} entries, expected {FrameTemperatureCodec.PixelCount}");
        }

        var temperatures = new float?[FrameTemperatureCodec.PixelCount];
        for (var i = 0; i < temps.Count; i++)
        {
            var pixel = temps[i];
            if (pixel.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (pixel.ValueKind != JsonValueKind.Number)
            {
                throw new PayloadException($"temps[{i}]", "must be a number or null");
            }

            var celsius = pixel.GetDouble();
            if (celsius < FrameTemperatureCodec.MinimumC || celsius > FrameTemperatureCodec.MaximumC)
            {
                throw new PayloadException($"temps[{i}]", $"is {celsius.ToString(CultureInfo.InvariantCulture)} °C, outside the storable range");
            }

            temperatures[i] = (float)celsius;
        }

        var regions = new List<RegionReading>();
        if (payload.TryGetProperty("regions", out var regionArray) && regionArray.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var region in regionArray.EnumerateArray())
            {
                var field = $"regions[{index++}]";
                if (region.ValueKind != JsonValueKind.Object)
                {
                    throw new PayloadException(field, "must be an object");
                }

                regions.Add(new RegionReading(
                    OptionalString(region, "name") ?? throw new PayloadException(field + ".name", "is required"),
                    OptionalNumber(region, "digit") is { } digit ? (int)digit : null,
                    OptionalNumber(region, "t_c"),
                    OptionalNumber(region, "x"),
                    OptionalNumber(region, "y"),
                    region.TryGetProperty("trusted", out var trusted) && trusted.ValueKind == JsonValueKind.True,
                    OptionalString(region, "flag")));
            }
        }

        var frame = new StoredFrame(
            message.SessionId!, hand, timeSeconds, temperatures, regions, OptionalString(payload, "state"),
            OptionalNumber(payload, "state_elapsed_s"), OptionalNumber(payload, "state_remaining_s"));
        return new FrameMessage(message.Sequence, message.SessionId!, message.CreatedUtc, frame);
    }

    private static EnvironmentMessage ReadEnvironment(DeviceMessage message)
    {
        var payload = message.Payload;
        var deviations = payload.TryGetProperty("deviations", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.String ? d.GetString()! : d.GetRawText()).ToArray()
            : [];
        var reading = new EnvironmentReading(
            RequiredNumber(payload, "t_s"), OptionalNumber(payload, "room_c"), OptionalNumber(payload, "humidity_pct"),
            OptionalNumber(payload, "water_c"), deviations);
        return new EnvironmentMessage(message.Sequence, message.SessionId!, message.CreatedUtc, reading);
    }

    private static AnalysisMessage ReadAnalysis(DeviceMessage message)
    {
        var payload = message.Payload;
        var hand = RequiredString(payload, "hand");
        if (hand is not ("left" or "right" or "both"))
        {
            throw new PayloadException("hand", $"is '{hand}', expected left, right or both");
        }

        var final = Required(payload, "final");
        if (final.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new PayloadException("final", "must be true or false");
        }

        var result = Required(payload, "result");
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw new PayloadException("result", "must be a thermohand/analysis/v1 object");
        }

        return new AnalysisMessage(message.Sequence, message.SessionId!, message.CreatedUtc, hand, final.GetBoolean(), result.GetRawText());
    }

    private static SessionEndedMessage ReadSessionEnded(DeviceMessage message)
    {
        var payload = message.Payload;
        var outcome = RequiredString(payload, "outcome");
        if (!Outcomes.Contains(outcome))
        {
            throw new PayloadException("outcome", $"is '{outcome}', expected one of {string.Join(", ", Outcomes)}");
        }

        return new SessionEndedMessage(
            message.Sequence, message.SessionId!, message.CreatedUtc, OptionalNumber(payload, "t_s"), outcome,
            OptionalString(payload, "reason"));
    }

    internal static JsonElement Required(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new PayloadException(name, "is required");

    internal static string RequiredString(JsonElement payload, string name)
    {
        var value = Required(payload, name);
        return value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : throw new PayloadException(name, "must be a non-empty string");
    }

    internal static double RequiredNumber(JsonElement payload, string name)
    {
        var value = Required(payload, name);
        return value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble())
            ? value.GetDouble()
            : throw new PayloadException(name, "must be a number");
    }

    private static List<JsonElement> RequiredArray(JsonElement payload, string name)
    {
        var value = Required(payload, name);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : throw new PayloadException(name, "must be an array");
    }

    internal static string? OptionalString(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static double? OptionalNumber(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble())
            ? value.GetDouble()
            : throw new PayloadException(name, "must be a number or null");
    }

    internal static string? OptionalHand(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? ReadHand(value, name) : null;

    private static string ReadHand(JsonElement value, string field)
    {
        var hand = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return hand is not null && HandNames.Contains(hand) ? hand : throw new PayloadException(field, "must be \"left\" or \"right\"");
    }

    internal static DateTimeOffset ParseTime(JsonElement value, string field) =>
        DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new PayloadException(field, "must be an ISO 8601 time");

    internal sealed class PayloadException(string field, string problem) : Exception(problem)
    {
        public string Field { get; } = field;
    }
}
