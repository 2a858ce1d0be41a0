using ThermoHand.Analysis;
using ThermoHand.Recording.Events;

namespace ThermoHand.Recording.Tests;

public class SessionEventsJsonTests
{
    [Fact]
    public void Reads_the_documented_example_and_keeps_unknown_event_types()
    {
        var events = SessionEventsJson.Parse("""
            {"events": [{"t_s": 150.0, "type": "challenge_start"}, {"t_s": 180, "type": "operator_note"},
                        {"t_s": 210.0, "type": "challenge_end"}],
             "hand": "right", "comment": "extra fields are ignored"}
            """);
        Assert.Equal(Hand.Right, events.Hand);
        Assert.Equal(3, events.Events.Count);
        Assert.Equal(new SessionEvent(180, "operator_note"), events.Events[1]);
        Assert.Equal(150.0, events.TimeOf(SessionEventTypes.ChallengeStart));
        Assert.Equal(210.0, events.TimeOf(SessionEventTypes.ChallengeEnd));
    }

    [Fact]
    public void Round_trips_through_serialize()
    {
        var original = new SessionEvents(Hand.Left, [new(12.345678, "challenge_start"), new(72.5, "challenge_end"), new(80, "custom")]);
        var back = SessionEventsJson.Parse(SessionEventsJson.Serialize(original));
        Assert.Equal(original.Hand, back.Hand);
        Assert.Equal(original.Events, back.Events);
        Assert.Contains("\"hand\": \"left\"", SessionEventsJson.Serialize(original));
    }

    [Theory]
    [InlineData("""{"events": [{"t_s": 1, "type": "challenge_start"}, {"t_s": 2, "type": "challenge_end"}]}""", "missing field \"hand\"")]
    [InlineData("""{"events": [], "hand": "both"}""", "\"hand\" is \"both\"")]
    [InlineData("""{"events": [], "hand": 1}""", "\"hand\" must be the string")]
    [InlineData("""{"hand": "left"}""", "missing field \"events\"")]
    [InlineData("""{"events": {}, "hand": "left"}""", "\"events\" must be a list")]
    [InlineData("""{"events": [{"type": "challenge_start"}], "hand": "left"}""", "events[0]: missing field \"t_s\"")]
    [InlineData("""{"events": [{"t_s": 1, "type": "challenge_start"}, {"t_s": "NaN", "type": "challenge_end"}], "hand": "left"}""", "events[1].t_s must be a finite number")]
    [InlineData("""{"events": [{"t_s": 1e999, "type": "challenge_start"}], "hand": "left"}""", "events[0].t_s must be a finite number")]
    [InlineData("""{"events": [{"t_s": 1}], "hand": "left"}""", "events[0]: missing field \"type\"")]
    [InlineData("""{"events": [{"t_s": 1, "type": ""}], "hand": "left"}""", "events[0].type must be a non-empty string")]
    [InlineData("""{"events": [{"t_s": 1, "type": "challenge_start"}], "hand": "left"}""", "no \"challenge_end\" event")]
    [InlineData("""{"events": [{"t_s": 1, "type": "challenge_end"}], "hand": "left"}""", "no \"challenge_start\" event")]
    [InlineData("""{"events": [{"t_s": 1, "type": "challenge_start"}, {"t_s": 5, "type": "challenge_end"}, {"t_s": 9, "type": "challenge_end"}], "hand": "left"}""", "2 \"challenge_end\" events")]
    [InlineData("""{"events": [{"t_s": 10, "type": "challenge_start"}, {"t_s": 5, "type": "challenge_end"}], "hand": "left"}""", "challenge_end (5 s) is before challenge_start (10 s)")]
    [InlineData("""{"events": [}""", "not valid JSON (line 1)")]
    [InlineData("""[1, 2]""", "top level must be an object")]
    public void Errors_name_the_field(string json, string problem)
    {
        var ex = Assert.Throws<SessionEventsFormatException>(() => SessionEventsJson.Parse(json, "session.json"));
        Assert.Contains(problem, ex.Message);
        Assert.StartsWith("session.json: ", ex.Message);
    }
}
