using FsCheck.Xunit;
using ThermoHand.Analysis;
using ThermoHand.Recording.Events;

namespace ThermoHand.Recording.Tests.Hostile;

/// <summary>
/// Events JSON (shared/formats.md §3) under damage: any text yields events the analysis can use (a hand, exactly one
/// challenge_start and one challenge_end in order, finite times) or a <see cref="SessionEventsFormatException"/>
/// naming the file. Never another exception type.
/// </summary>
public sealed class SessionEventsHostileTests
{
    private const string Valid =
        "{\"events\": [{\"t_s\": 0.0, \"type\": \"acclimatisation_start\"}, {\"t_s\": 150.0, \"type\": \"challenge_start\"}, " +
        "{\"t_s\": 210.0, \"type\": \"challenge_end\"}, {\"t_s\": 1110.0, \"type\": \"rewarming_end\"}], \"hand\": \"left\"}";

    private static SessionEvents? Parse(string text)
    {
        try
        {
            return SessionEventsJson.Parse(text, "hostile.json");
        }
        catch (SessionEventsFormatException e)
        {
            Assert.StartsWith("hostile.json: ", e.Message, StringComparison.Ordinal);
            return null;
        }
    }

    private static void AssertUsable(SessionEvents events)
    {
        Assert.True(events.Hand is Hand.Left or Hand.Right);
        Assert.All(events.Events, e => Assert.True(double.IsFinite(e.TimeSeconds) && !string.IsNullOrWhiteSpace(e.Type)));
        var start = Assert.Single(events.Events, e => e.Type == SessionEventTypes.ChallengeStart);
        var end = Assert.Single(events.Events, e => e.Type == SessionEventTypes.ChallengeEnd);
        Assert.True(end.TimeSeconds >= start.TimeSeconds);
    }

    [Property(MaxTest = 300, Replay = "(2203,4409)")]
    public void Mutated_valid_files_give_usable_events_or_a_named_error(int seed, byte edits)
    {
        if (Parse(HostileText.Mutate(Valid, seed, 1 + (edits % 5))) is { } events)
        {
            AssertUsable(events);
        }
    }

    [Property(MaxTest = 200, Replay = "(2205,4411)")]
    public void Arbitrary_text_never_crashes_the_reader(string? text)
    {
        if (Parse(text ?? "") is { } events)
        {
            AssertUsable(events);
        }
    }

    [Property(MaxTest = 200, Replay = "(2207,4413)")]
    public void Wrong_json_types_in_every_field_are_named(int field, int kind)
    {
        string[] values = ["null", "true", "\"150\"", "[]", "{}", "-0", "1e308", "1e999", "\"\"", "\" \"", "\"left\"", "\"both\"", "[150]"];
        var value = values[Math.Abs(kind % values.Length)];
        string[] templates =
        [
            "{\"events\": V, \"hand\": \"left\"}",
            "{\"events\": [{\"t_s\": 150, \"type\": \"challenge_start\"}, {\"t_s\": 210, \"type\": \"challenge_end\"}], \"hand\": V}",
            "{\"events\": [{\"t_s\": V, \"type\": \"challenge_start\"}, {\"t_s\": 210, \"type\": \"challenge_end\"}], \"hand\": \"left\"}",
            "{\"events\": [{\"t_s\": 150, \"type\": V}, {\"t_s\": 210, \"type\": \"challenge_end\"}], \"hand\": \"left\"}",
            "{\"events\": [V, {\"t_s\": 210, \"type\": \"challenge_end\"}], \"hand\": \"left\"}",
            "V",
        ];
        if (Parse(templates[Math.Abs(field % templates.Length)].Replace("V", value, StringComparison.Ordinal)) is { } events)
        {
            AssertUsable(events);
        }
    }

    public static TheoryData<string, string, string> HandMade() => new()
    {
        { "empty", "", "not valid JSON" },
        { "a list at the top", "[]", "the top level must be an object" },
        { "no hand", "{\"events\": []}", "missing field \"hand\"" },
        { "no challenge", "{\"events\": [], \"hand\": \"right\"}", "has no \"challenge_start\" event" },
        { "two challenges", "{\"events\": [{\"t_s\": 1, \"type\": \"challenge_start\"}, {\"t_s\": 2, \"type\": \"challenge_start\"}, {\"t_s\": 3, \"type\": \"challenge_end\"}], \"hand\": \"right\"}", "2 \"challenge_start\" events" },
        { "end before start", "{\"events\": [{\"t_s\": 9, \"type\": \"challenge_start\"}, {\"t_s\": 2, \"type\": \"challenge_end\"}], \"hand\": \"right\"}", "is before challenge_start" },
        { "time overflowing a double", "{\"events\": [{\"t_s\": 1e999, \"type\": \"challenge_start\"}], \"hand\": \"right\"}", "events[0].t_s must be a finite number" },
        { "nested ten thousand deep", new string('[', 10_000) + new string(']', 10_000), "not valid JSON" },
        { "trailing comma", "{\"events\": [], \"hand\": \"left\",}", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(HandMade))]
    public void Hand_made_bad_files_are_refused_with_the_reason(string what, string text, string reason)
    {
        var error = Record.Exception(() => SessionEventsJson.Parse(text, "hostile.json"));
        Assert.True(error is SessionEventsFormatException, $"{what}: {error?.GetType().Name ?? "accepted"}");
        Assert.Contains(reason, error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_with_a_lone_surrogate_is_a_format_error()
    {
        var error = Record.Exception(() => SessionEventsJson.Parse("{\"events\": [], \"hand\": \"le\uD800ft\"}", "hostile.json"));
        Assert.IsType<SessionEventsFormatException>(error);
    }
}
