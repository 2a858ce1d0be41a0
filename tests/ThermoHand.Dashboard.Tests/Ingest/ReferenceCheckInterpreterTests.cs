using System.Text.Json;
using ThermoHand.Dashboard.Ingest;
using ThermoHand.Streaming;
using static ThermoHand.Dashboard.Tests.Ingest.ReferenceCheckMessages;

namespace ThermoHand.Dashboard.Tests.Ingest;

/// <summary>Reading the reference check's numbers (docs/device-stream.md): what is kept, and what breaks the contract.</summary>
public sealed class ReferenceCheckInterpreterTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_real_workers_session_started_and_event_carry_the_same_check()
    {
        var started = Assert.IsType<SessionStartedMessage>(DeviceMessageInterpreter.Interpret(Message(1, DeviceMessageKinds.SessionStarted, "s", RealSessionStarted)));
        var e = Assert.IsType<SessionEventMessage>(DeviceMessageInterpreter.Interpret(Message(2, DeviceMessageKinds.Event, "s", RealFailedCheckEvent)));

        var fromStart = Assert.Single(started.ReferenceChecks);
        Assert.Equal(fromStart, e.ReferenceCheck);
        Assert.Equal((35.0, 36.398, 1.398, 0.5, false), (fromStart.TargetC, fromStart.MeasuredC, fromStart.ErrorC, fromStart.LimitC, fromStart.Passed));
        Assert.Equal(CheckedUtc, fromStart.CheckedUtc);
    }

    [Fact]
    public void Events_without_numbers_and_sessions_without_checks_read_as_before()
    {
        var e = Assert.IsType<SessionEventMessage>(DeviceMessageInterpreter.Interpret(
            new DeviceMessage(2, DeviceMessageKinds.Event, "s", Day, JsonSerializer.SerializeToElement(new { t_s = 3.0, type = "reference_check", hand = "left", detail = "words only" }))));
        Assert.Null(e.ReferenceCheck);
        Assert.Equal("words only", e.Event.Detail);

        var started = Assert.IsType<SessionStartedMessage>(DeviceMessageInterpreter.Interpret(SessionStarted(1, "s", Day, [Sensor("right", SensorId, null, "valid")])));
        Assert.Empty(started.ReferenceChecks);
    }

    public static TheoryData<string, Action<Dictionary<string, object?>>, string> BrokenChecks() => new()
    {
        { "a pass beyond the limit", c => c["pass"] = true, "seq 2 (event): 'reference_check.pass' is true but |error| 1.2 °C is beyond the ±0.5 °C limit" },
        { "a failure within the limit", c => { c["measured_c"] = 35.1; c["error_c"] = 0.1; }, "seq 2 (event): 'reference_check.pass' is false but |error| 0.1 °C is within the ±0.5 °C limit" },
        { "an error that is not measured − target", c => c["error_c"] = 0.2, "seq 2 (event): 'reference_check.error_c' is 0.2 °C but measured − reference is 1.2 °C" },
        { "measured without error", c => c["error_c"] = null, "seq 2 (event): 'reference_check.error_c' and 'measured_c' must both be numbers or both be null" },
        { "a pass with no image", c => { c["measured_c"] = null; c["error_c"] = null; c["pass"] = true; }, "seq 2 (event): 'reference_check.pass' is true but no image was measured" },
        { "no calibration id", c => c.Remove("calibration_id"), "seq 2 (event): 'reference_check.calibration_id' is required" },
        { "no target", c => c.Remove("reference_c"), "seq 2 (event): 'reference_check.reference_c' is required" },
        { "a zero limit", c => c["tolerance_c"] = 0.0, "seq 2 (event): 'reference_check.tolerance_c' must be more than 0 °C" },
        { "a word for a number", c => c["measured_c"] = "warm", "seq 2 (event): 'reference_check.measured_c' must be a number or null" },
        { "a negative image count", c => c["images"] = -1, "seq 2 (event): 'reference_check.images' must be a whole number" },
        { "a hand that is not one", c => c["hand"] = "both", "seq 2 (event): 'reference_check.hand' must be \"left\" or \"right\"" },
        { "no time", c => c["checked_utc"] = "yesterday", "seq 2 (event): 'reference_check.checked_utc' must be an ISO 8601 time" },
    };

    [Theory]
    [MemberData(nameof(BrokenChecks))]
    public void A_check_whose_numbers_break_the_contract_makes_its_message_unreadable_naming_the_field(string what, Action<Dictionary<string, object?>> breakIt, string problem)
    {
        var check = Check(SensorId, "right", CalibrationId, Day, 35, 36.2, pass: false);
        breakIt(check);

        var unreadable = Assert.IsType<UnreadableMessage>(DeviceMessageInterpreter.Interpret(CheckEvent(2, "s", 1.0, "right", check)));

        Assert.True(unreadable.Problem.StartsWith(problem, StringComparison.Ordinal), $"{what}: {unreadable.Problem}");
    }

    [Fact]
    public void A_broken_check_inside_session_started_names_its_index()
    {
        var good = Check(SensorId, "right", CalibrationId, Day, 35, 35.1, pass: true);
        var bad = Check(SensorId, "left", CalibrationId, Day, 35, 35.1, pass: true);
        bad["tolerance_c"] = "half a degree";

        var unreadable = Assert.IsType<UnreadableMessage>(DeviceMessageInterpreter.Interpret(
            SessionStarted(1, "s", Day, [Sensor("right", SensorId, CalibrationId, "valid")], good, bad)));

        Assert.StartsWith("seq 1 (session_started): 'reference_checks[1].tolerance_c' must be a number", unreadable.Problem, StringComparison.Ordinal);
    }
}
