using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ThermoHand.Analysis;

namespace ThermoHand.Recording.Native;

/// <summary>
/// A quick summary of a recording: header, time span, record counts, the protocol events and environment readings,
/// and how the file ended. Subpages are CRC-checked but not decompressed, so this is fast even for long sessions.
/// </summary>
public sealed record RecordingInfo(
    RecordingHeader Header,
    string FormatVersion,
    long SubpageCount,
    int[] SubpagesPerHalf,
    double? FirstSubpageSeconds,
    double? LastSubpageSeconds,
    IReadOnlyList<SessionEvent> Events,
    IReadOnlyList<EnvironmentReading> EnvironmentReadings,
    IReadOnlyList<Annotation> Annotations,
    RecordingIntegrity Integrity)
{
    /// <summary>Time from the first to the last subpage, seconds (0 with fewer than two subpages).</summary>
    public double DurationSeconds => FirstSubpageSeconds is { } first && LastSubpageSeconds is { } last ? last - first : 0;

    public static RecordingInfo Read(string path)
    {
        using var reader = SessionRecordingReader.Open(path);
        return Read(reader);
    }

    public static RecordingInfo Read(SessionRecordingReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long subpages = 0;
        var halves = new int[2];
        double? first = null;
        double? last = null;
        var events = new List<SessionEvent>();
        var environment = new List<EnvironmentReading>();
        var annotations = new List<Annotation>();
        while (reader.TryReadRecord(out var type, out var length))
        {
            if (type == RecordType.Subpage && length >= RecordCodec.SubpageBodyOffset)
            {
                // Time and subpage number are stored uncompressed at the start of the payload.
                var payload = reader.Payload(length);
                var time = BinaryPrimitives.ReadDoubleLittleEndian(payload);
                first ??= time;
                last = time;
                reader.NoteTime(time);
                subpages++;
                halves[payload[9] & 1]++;
                continue;
            }

            // Other records are few: decode them fully.
            if (!reader.TryDecodeCurrent(type, length, out var entry))
            {
                break;
            }

            switch (entry)
            {
                case EventEntry e:
                    events.Add(e.Event);
                    break;
                case EnvironmentEntry e:
                    environment.Add(e.Reading);
                    break;
                case AnnotationEntry a:
                    annotations.Add(a.Annotation);
                    break;
            }

            if (entry is not null)
            {
                reader.NoteTime(entry.TimeSeconds);
            }
        }

        return new RecordingInfo(
            reader.Header,
            $"{reader.FileMajorVersion}.{reader.FileMinorVersion}",
            subpages,
            halves,
            first,
            last,
            events,
            environment,
            annotations,
            reader.Integrity);
    }

    /// <summary>A human-readable report for <c>thermohand recording info</c>.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var h = Header;
        var text = new StringBuilder();
        text.AppendLine(c, $"format:        ThermoHand session recording {FormatVersion}");
        text.AppendLine(c, $"started:       {h.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC");
        text.AppendLine(c, $"device:        {Or(h.DeviceId)}   sensor: {Or(h.SensorId)}");
        text.AppendLine(c, $"hand:          {h.Hand.ToString().ToLowerInvariant()}   protocol: {Or(h.ProtocolPreset)}");
        text.AppendLine(c, $"sensor:        {h.RefreshRateHz:0.#} Hz subpages, {h.AdcResolutionBits}-bit, {h.Pattern.ToString().ToLowerInvariant()} pattern (control 0x{h.ControlRegister:X4})");
        text.AppendLine(c, $"emissivity:    {h.Emissivity:0.###}   reflected temperature: {h.ReflectedTemperature}");
        text.AppendLine(c, $"duration:      {DurationSeconds:0.###} s ({FirstSubpageSeconds?.ToString("0.###", c) ?? "-"} .. {LastSubpageSeconds?.ToString("0.###", c) ?? "-"})");
        text.AppendLine(c, $"subpages:      {SubpageCount} ({SubpagesPerHalf[0]} of subpage 0, {SubpagesPerHalf[1]} of subpage 1)");
        text.AppendLine(c, $"events:        {Events.Count}");
        foreach (var e in Events)
        {
            text.AppendLine(c, $"  {e.TimeSeconds,10:0.###} s  {e.Type}");
        }

        text.AppendLine(c, $"environment:   {EnvironmentReadings.Count}");
        foreach (var r in EnvironmentReadings)
        {
            text.AppendLine(c, $"  {r.TimeSeconds,10:0.###} s  {r.Quantity} = {r.Value:0.##} {r.Unit} ({r.Source})");
        }

        text.AppendLine(c, $"annotations:   {Annotations.Count}");
        foreach (var a in Annotations)
        {
            text.AppendLine(c, $"  {a.TimeSeconds,10:0.###} s  {a.Key}: {a.Value}");
        }

        text.AppendLine(c, $"state:         {Integrity.Describe()}");
        return text.ToString();
    }

    private static string Or(string value) => value.Length == 0 ? "(not set)" : value;
}
