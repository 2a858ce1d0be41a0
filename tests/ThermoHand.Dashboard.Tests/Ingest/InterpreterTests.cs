using ThermoHand.Dashboard.Ingest;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Ingest;

public sealed class InterpreterTests
{
    private readonly StreamMessages messages = new();

    [Fact]
    public void A_frame_is_read_with_invalid_pixels_regions_and_state_and_not_logged_twice()
    {
        var frame = Assert.IsType<FrameMessage>(DeviceMessageInterpreter.Interpret(messages.Frame(7, "s", 12.5, "right", 28.0)));
        Assert.Equal(("right", 12.5, "rewarming"), (frame.Frame.Hand, frame.Frame.TimeSeconds, frame.Frame.ProtocolState));
        Assert.Null(frame.Frame.Temperatures[0]);
        Assert.Equal(29.23f, frame.Frame.Temperatures[1]!.Value, 1e-4f);
        Assert.Equal(2, frame.Frame.Regions.Count);
        Assert.Null(frame.LoggedPayload);
    }

    [Theory]
    [InlineData("frame", "{\"t_s\":1,\"hand\":\"left\",\"temps\":[1,2]}", "seq 5 (frame): 'temps' has 2 entries, expected 768")]
    [InlineData("frame", "{\"t_s\":1,\"hand\":\"middle\",\"temps\":[]}", "seq 5 (frame): 'hand' must be \"left\" or \"right\"")]
    [InlineData("frame", "{\"hand\":\"left\"}", "seq 5 (frame): 't_s' is required")]
    [InlineData("session_started", "{\"hands\":[\"left\"],\"preset\":{}}", "seq 5 (session_started): 'patient_ref' is required")]
    [InlineData("session_started", "{\"patient_ref\":\"P\",\"hands\":[\"left\",\"left\"],\"preset\":{}}", "seq 5 (session_started): 'hands' must be")]
    [InlineData("session_ended", "{\"t_s\":1,\"outcome\":\"exploded\"}", "seq 5 (session_ended): 'outcome' is 'exploded', expected one of completed, aborted, recovered")]
    [InlineData("analysis", "{\"hand\":\"left\",\"final\":\"yes\",\"result\":{}}", "seq 5 (analysis): 'final' must be true or false")]
    [InlineData("teleport", "{}", "seq 5 (teleport): 'kind' 'teleport' is not a known message kind")]
    [InlineData("event", "[1,2]", "seq 5 (event): 'payload' must be a JSON object")]
    public void A_payload_that_breaks_the_contract_names_sequence_kind_and_field(string kind, string payload, string expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(payload);
        var message = new DeviceMessage(5, kind, "s", DateTimeOffset.UnixEpoch, document.RootElement.Clone());
        var unreadable = Assert.IsType<UnreadableMessage>(DeviceMessageInterpreter.Interpret(message));
        Assert.StartsWith(expected, unreadable.Problem);
        Assert.Equal(payload, unreadable.RawPayload);
    }

    [Fact]
    public void A_session_message_without_a_session_id_is_unreadable_but_status_needs_none()
    {
        var frame = messages.Frame(1, "s", 1, "left", 30) with { SessionId = null };
        Assert.Contains("'session_id' is required", Assert.IsType<UnreadableMessage>(DeviceMessageInterpreter.Interpret(frame)).Problem);
        Assert.IsType<DeviceStatusMessage>(DeviceMessageInterpreter.Interpret(messages.Status(2)));
    }

    [Fact]
    public void The_frame_codec_keeps_hundredths_of_a_degree_and_invalid_pixels()
    {
        var temperatures = Enumerable.Range(0, 768).Select(i => i % 97 == 0 ? (float?)null : -40f + i * 0.4537f).ToArray();
        var bytes = FrameTemperatureCodec.Encode(temperatures);
        Assert.Equal(1536, bytes.Length);
        var decoded = FrameTemperatureCodec.Decode(bytes);
        for (var i = 0; i < 768; i++)
        {
            if (temperatures[i] is null)
            {
                Assert.Null(decoded[i]);
            }
            else
            {
                Assert.InRange(decoded[i]!.Value - temperatures[i]!.Value, -0.005f - 1e-4f, 0.005f + 1e-4f);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => FrameTemperatureCodec.Encode(Enumerable.Repeat<float?>(400f, 768).ToArray()));
        Assert.Throws<ArgumentException>(() => FrameTemperatureCodec.Encode(new float?[10]));
    }
}
