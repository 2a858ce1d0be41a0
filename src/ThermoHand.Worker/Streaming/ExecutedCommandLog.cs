using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ThermoHand.Streaming;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// The device's durable memory of dashboard commands (Storage:Path/commands/executed.jsonl), so that each command is
/// carried out at most once even across worker restarts and every answer reaches the dashboard. One JSON line per step,
/// written and flushed to the disk before the step's effect: "taken" before a command is carried out, "answered" with
/// the outcome, "acknowledged" once the dashboard has it. A command found "taken" but never answered at the next start
/// (the worker stopped half-way) is not repeated: it is answered "refused" with that explanation. Holds no patient
/// reference: only ids, kinds and the device's answers. Not thread-safe: one poller owns it.
/// </summary>
public sealed class ExecutedCommandLog
{
    /// <summary>The file is rewritten with only the newest commands when it grows past this many lines.</summary>
    public const int CompactAfterLines = 2000;

    /// <summary>Commands kept when compacting (far more than a dashboard hands out within its expiry window).</summary>
    public const int KeepWhenCompacting = 500;

    public const string InterruptedMessage =
        "the device stopped while carrying this command out and does not repeat it: look at the live view and the device's sessions, then send it again if needed";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly Dictionary<string, Entry> latest = new(StringComparer.Ordinal);
    private readonly List<string> order = [];
    private int lines;

    private ExecutedCommandLog(string path) => FilePath = path;

    public string FilePath { get; }

    /// <summary>Commands remembered.</summary>
    public int Count => latest.Count;

    /// <summary>Ids of commands found taken but unanswered at open (the worker stopped while carrying them out).</summary>
    public IReadOnlyList<string> Interrupted { get; private set; } = [];

    /// <summary>Opens (creating the folder) and reads the log; a torn last line (a crash while writing it) is ignored.</summary>
    public static ExecutedCommandLog Open(string folder)
    {
        Directory.CreateDirectory(folder);
        var log = new ExecutedCommandLog(Path.Combine(folder, "executed.jsonl"));
        if (File.Exists(log.FilePath))
        {
            foreach (string line in File.ReadLines(log.FilePath, Encoding.UTF8))
            {
                // A line that does not parse can only be the last one, torn by a crash while it was written; its step
                // had not happened yet (every step is written before it is carried out), so skipping it is safe.
                Entry? entry = TryParse(line);
                if (entry is not null)
                {
                    log.Remember(entry);
                }
            }
        }

        var interrupted = log.latest.Values.Where(e => e.State == Taken).Select(e => e.Id).ToList();
        foreach (string id in interrupted)
        {
            log.RecordAnswer(id, log.latest[id].Kind, new DeviceCommandResult(DeviceCommandOutcomes.Refused, InterruptedMessage, null));
        }

        log.Interrupted = interrupted;
        if (log.lines > CompactAfterLines)
        {
            log.Compact();
        }

        return log;
    }

    /// <summary>True when the command was taken before (whatever happened to it since).</summary>
    public bool Knows(string commandId) => latest.ContainsKey(commandId);

    /// <summary>The stored answer of a command, null when not answered (or not known).</summary>
    public DeviceCommandResult? AnswerOf(string commandId) =>
        latest.TryGetValue(commandId, out Entry? e) && e.Outcome is { } outcome ? new DeviceCommandResult(outcome, e.Message ?? "", e.SessionId) : null;

    /// <summary>Answers the dashboard has not acknowledged yet, oldest first.</summary>
    public IReadOnlyList<(string CommandId, DeviceCommandResult Answer)> Unacknowledged() =>
        order.Select(id => latest[id]).Where(e => e.State == Answered)
            .Select(e => (e.Id, new DeviceCommandResult(e.Outcome!, e.Message ?? "", e.SessionId))).ToList();

    /// <summary>Written (and flushed to the disk) before the command is carried out.</summary>
    public void MarkTaken(string commandId, string kind) => Append(new Entry(commandId, kind, Taken, null, null, null));

    public void RecordAnswer(string commandId, string kind, DeviceCommandResult answer) =>
        Append(new Entry(commandId, kind, Answered, answer.Outcome, answer.Message, answer.SessionId));

    public void MarkAcknowledged(string commandId)
    {
        if (latest.TryGetValue(commandId, out Entry? e) && e.State == Answered)
        {
            Append(e with { State = Acknowledged });
        }
    }

    private const string Taken = "taken", Answered = "answered", Acknowledged = "acknowledged";

    private void Append(Entry entry)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n");
        using (var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        Remember(entry);
    }

    private void Remember(Entry entry)
    {
        if (!latest.ContainsKey(entry.Id))
        {
            order.Add(entry.Id);
        }

        latest[entry.Id] = entry;
        lines++;
    }

    /// <summary>Rewrites the file with the newest commands' latest lines (temporary file, flushed, then renamed over).</summary>
    private void Compact()
    {
        var keep = order.Skip(Math.Max(0, order.Count - KeepWhenCompacting)).ToList();
        string temporary = FilePath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            foreach (string id in keep)
            {
                stream.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(latest[id], Json) + "\n"));
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, FilePath, overwrite: true);
        foreach (string id in order.Except(keep).ToList())
        {
            latest.Remove(id);
        }

        order.RemoveAll(id => !latest.ContainsKey(id));
        lines = keep.Count;
    }

    private static Entry? TryParse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            Entry? e = JsonSerializer.Deserialize<Entry>(line, Json);
            return e is { Id.Length: > 0, Kind: not null, State: Taken or Answered or Acknowledged } ? e : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Entry(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("kind")] string Kind,
        [property: JsonPropertyName("state")] string State,
        [property: JsonPropertyName("outcome")] string? Outcome,
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("session_id")] string? SessionId);
}
