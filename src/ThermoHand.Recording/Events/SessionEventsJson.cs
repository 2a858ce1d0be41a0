using System.Text;
using System.Text.Json;
using ThermoHand.Analysis;

namespace ThermoHand.Recording.Events;

/// <summary>An events file that breaks shared/formats.md §3; the message names the file and the field.</summary>
public sealed class SessionEventsFormatException(string message) : FormatException(message);

/// <summary>
/// Session events as JSON (shared/formats.md §3): <c>{"events": [{"t_s": 150.0, "type": "challenge_start"}, …], "hand": "left"}</c>.
/// Unknown event types are kept (the analysis ignores them). The analysis cannot run without the hand and the
/// challenge, so a missing "hand", a missing or repeated challenge_start/challenge_end, or a challenge that ends
/// before it starts is an error naming the field.
/// </summary>
public static class SessionEventsJson
{
    public static SessionEvents Read(string path)
    {
        var name = Path.GetFileName(path);
        return Parse(File.ReadAllText(path, Encoding.UTF8), name);
    }

    public static SessionEvents Parse(string json, string sourceName = "events JSON")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw Error(sourceName, $"not valid JSON (line {ex.LineNumber + 1}): {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            // A string holding a lone UTF-16 surrogate cannot be transcoded to UTF-8: not text a JSON file can contain.
            throw Error(sourceName, $"not valid JSON text: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(sourceName, $"the top level must be an object with \"events\" and \"hand\", not {Kind(root)}");
            }

            var hand = ReadHand(root, sourceName);
            if (!root.TryGetProperty("events", out var eventsElement))
            {
                throw Error(sourceName, "missing field \"events\" (a list of {\"t_s\": seconds, \"type\": name})");
            }

            if (eventsElement.ValueKind != JsonValueKind.Array)
            {
                throw Error(sourceName, $"\"events\" must be a list, not {Kind(eventsElement)}");
            }

            var events = new List<SessionEvent>();
            var index = 0;
            foreach (var item in eventsElement.EnumerateArray())
            {
                events.Add(ReadEvent(item, index, sourceName));
                index++;
            }

            var result = new SessionEvents(hand, events);
            CheckChallenge(result, sourceName);
            return result;
        }
    }

    public static void Write(string path, SessionEvents events)
        => File.WriteAllText(path, Serialize(events), new UTF8Encoding(false));

    public static string Serialize(SessionEvents events)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            foreach (var e in events.Events)
            {
                if (!double.IsFinite(e.TimeSeconds))
                {
                    throw new ArgumentException($"Event '{e.Type}' has time {e.TimeSeconds}; t_s must be finite.", nameof(events));
                }

                json.WriteStartObject();
                json.WriteNumber("t_s", e.TimeSeconds);
                json.WriteString("type", e.Type);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("hand", events.Hand == Hand.Left ? "left" : "right");
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static Hand ReadHand(JsonElement root, string sourceName)
    {
        if (!root.TryGetProperty("hand", out var handElement))
        {
            throw Error(sourceName, "missing field \"hand\" (\"left\" or \"right\")");
        }

        return handElement.ValueKind == JsonValueKind.String ? handElement.GetString() switch
        {
            "left" => Hand.Left,
            "right" => Hand.Right,
            var other => throw Error(sourceName, $"\"hand\" is \"{other}\"; expected \"left\" or \"right\""),
        } : throw Error(sourceName, $"\"hand\" must be the string \"left\" or \"right\", not {Kind(handElement)}");
    }

    private static SessionEvent ReadEvent(JsonElement item, int index, string sourceName)
    {
        var where = $"events[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Error(sourceName, $"{where} must be an object {{\"t_s\": seconds, \"type\": name}}, not {Kind(item)}");
        }

        if (!item.TryGetProperty("t_s", out var timeElement))
        {
            throw Error(sourceName, $"{where}: missing field \"t_s\"");
        }

        if (timeElement.ValueKind != JsonValueKind.Number || !timeElement.TryGetDouble(out var time) || !double.IsFinite(time))
        {
            throw Error(sourceName, $"{where}.t_s must be a finite number of seconds, not {timeElement.GetRawText()}");
        }

        if (!item.TryGetProperty("type", out var typeElement))
        {
            throw Error(sourceName, $"{where}: missing field \"type\"");
        }

        if (typeElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(typeElement.GetString()))
        {
            throw Error(sourceName, $"{where}.type must be a non-empty string, not {typeElement.GetRawText()}");
        }

        return new SessionEvent(time, typeElement.GetString()!);
    }

    private static void CheckChallenge(SessionEvents events, string sourceName)
    {
        double Single(string type)
        {
            var matches = events.Events.Where(e => e.Type == type).ToList();
            return matches.Count switch
            {
                0 => throw Error(sourceName, $"\"events\" has no \"{type}\" event; the rewarming analysis needs both challenge_start and challenge_end"),
                1 => matches[0].TimeSeconds,
                _ => throw Error(sourceName, $"\"events\" has {matches.Count} \"{type}\" events (at {string.Join(", ", matches.Select(m => m.TimeSeconds))} s); a session has one cold challenge"),
            };
        }

        var start = Single(SessionEventTypes.ChallengeStart);
        var end = Single(SessionEventTypes.ChallengeEnd);
        if (end < start)
        {
            throw Error(sourceName, $"challenge_end ({end} s) is before challenge_start ({start} s)");
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string {element.GetRawText()}",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        _ => element.GetRawText(),
    };

    private static SessionEventsFormatException Error(string sourceName, string problem) => new($"{sourceName}: {problem}");
}
