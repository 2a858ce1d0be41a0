using ThermoHand.Analysis;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Tests.Protocol;

public sealed class ProtocolSessionTests
{
    private const double Exact = 1e-9;

    [Fact]
    public void A_whole_manchester_session_emits_every_transition_at_its_time()
    {
        var h = new SessionHarness();
        Assert.Equal(ProtocolState.SetUp, h.Session.State);
        h.Start();
        Assert.Equal(ProtocolState.Acclimatising, h.Session.State);

        h.Wait(1199);
        Assert.Equal(ProtocolState.Acclimatising, h.Session.State);
        h.Wait(1);
        Assert.Equal(ProtocolState.BaselineCapture, h.Session.State);
        h.Wait(120);
        Assert.Equal(ProtocolState.ReadyForChallenge, h.Session.State);

        h.Session.RecordBathTemperature(15.3);
        h.Wait(80); // the clinician takes 80 s to get the gloves on: t = 1400 s
        Assert.True(h.Session.HandsIn().Accepted);
        h.Wait(61);
        Assert.True(h.Session.HandsOut().Accepted);
        Assert.Equal(ProtocolState.Rewarming, h.Session.State);
        h.Wait(899);
        Assert.Equal(ProtocolState.Rewarming, h.Session.State);
        h.Wait(1);
        Assert.Equal(ProtocolState.Complete, h.Session.State);

        Assert.Equal(
            ["acclimatisation_start", "baseline_start", "baseline_end", "challenge_start", "challenge_end", "rewarming_end"],
            h.EventTypes);
        Assert.Equal(0, h.TimeOf("acclimatisation_start")!.Value, Exact);
        Assert.Equal(1200, h.TimeOf("baseline_start")!.Value, Exact);
        Assert.Equal(1320, h.TimeOf("baseline_end")!.Value, Exact);
        Assert.Equal(1400, h.TimeOf(SessionEventTypes.ChallengeStart)!.Value, Exact);
        Assert.Equal(1461, h.TimeOf(SessionEventTypes.ChallengeEnd)!.Value, Exact);
        Assert.Equal(2361, h.TimeOf("rewarming_end")!.Value, Exact);
        Assert.Empty(h.Session.Deviations);
        Assert.Equal(
            [ProtocolCue.AcclimatisationStarted, ProtocolCue.BaselineStarted, ProtocolCue.ReadyForChallenge, ProtocolCue.ImmersionStarted,
             ProtocolCue.ImmersionEndingSoon, ProtocolCue.ImmersionTimeUp, ProtocolCue.RewarmingStarted, ProtocolCue.SessionComplete],
            h.Cues.Requested);
    }

    [Fact]
    public void A_late_tick_ends_several_phases_and_stamps_each_at_its_deadline()
    {
        var h = new SessionHarness();
        h.Start();
        h.Wait(2000); // one tick long after both acclimatisation (1200 s) and baseline (1320 s) ended
        Assert.Equal(ProtocolState.ReadyForChallenge, h.Session.State);
        Assert.Equal(1200, h.TimeOf("baseline_start")!.Value, Exact);
        Assert.Equal(1320, h.TimeOf("baseline_end")!.Value, Exact);
    }

    [Fact]
    public void Immersion_cues_come_at_start_ten_seconds_before_end_and_at_end_once_each()
    {
        var h = new SessionHarness();
        h.RunToReady();
        h.Cues.Requested.Clear();
        h.Session.HandsIn();
        Assert.Equal([ProtocolCue.ImmersionStarted], h.Cues.Requested);
        h.Wait(49.9);
        Assert.DoesNotContain(ProtocolCue.ImmersionEndingSoon, h.Cues.Requested);
        h.Wait(0.1);
        Assert.Contains(ProtocolCue.ImmersionEndingSoon, h.Cues.Requested);
        h.Wait(9.9);
        Assert.DoesNotContain(ProtocolCue.ImmersionTimeUp, h.Cues.Requested);
        h.Wait(0.1);
        h.Wait(5);
        Assert.Equal([ProtocolCue.ImmersionStarted, ProtocolCue.ImmersionEndingSoon, ProtocolCue.ImmersionTimeUp], h.Cues.Requested);
        Assert.Equal(ProtocolState.Immersion, h.Session.State); // only the clinician ends immersion: hands-out is a real moment
    }

    [Fact]
    public void Iso_immersion_warns_at_290_seconds()
    {
        var h = new SessionHarness(ProtocolPresets.Iso14835);
        h.RunToReady();
        h.Session.HandsIn();
        h.Wait(289);
        Assert.DoesNotContain(ProtocolCue.ImmersionEndingSoon, h.Cues.Requested);
        h.Wait(1);
        Assert.Contains(ProtocolCue.ImmersionEndingSoon, h.Cues.Requested);
        h.Wait(10);
        Assert.True(h.Session.HandsOut().Accepted);
        Assert.Empty(h.Session.Deviations);
    }

    [Fact]
    public void Pause_stops_the_acclimatisation_timer_and_resume_continues_it()
    {
        var h = new SessionHarness();
        h.Start();
        h.Wait(600);
        Assert.True(h.Session.Pause().Accepted);
        TimeSpan? remainingAtPause = h.Session.PhaseRemaining;
        Assert.Equal(TimeSpan.FromSeconds(600), remainingAtPause);
        h.Wait(300);
        Assert.Equal(remainingAtPause, h.Session.PhaseRemaining);
        Assert.Equal(ProtocolState.Acclimatising, h.Session.State);
        Assert.True(h.Session.Resume().Accepted);
        h.Wait(599);
        Assert.Equal(ProtocolState.Acclimatising, h.Session.State);
        h.Wait(1);
        Assert.Equal(ProtocolState.BaselineCapture, h.Session.State);
        Assert.Equal(["acclimatisation_start", "paused", "resumed", "baseline_start"], h.EventTypes);
        Assert.Equal(600, h.TimeOf("paused")!.Value, Exact);
        Assert.Equal(900, h.TimeOf("resumed")!.Value, Exact);
        Assert.Equal(1500, h.TimeOf("baseline_start")!.Value, Exact);
    }

    [Fact]
    public void Pausing_the_rewarming_extends_it_and_is_a_deviation()
    {
        var h = new SessionHarness();
        h.RunToReady();
        h.Session.HandsIn();
        h.Wait(60);
        h.Session.HandsOut(); // t = 1380
        h.Wait(300);
        Assert.True(h.Session.Pause().Accepted);
        h.Wait(120);
        Assert.True(h.Session.Resume().Accepted);
        h.Wait(599);
        Assert.Equal(ProtocolState.Rewarming, h.Session.State);
        h.Wait(1);
        Assert.Equal(ProtocolState.Complete, h.Session.State);
        Assert.Equal(1380 + 900 + 120, h.TimeOf("rewarming_end")!.Value, Exact);
        ProtocolDeviation d = Assert.Single(h.Session.Deviations);
        Assert.Equal(DeviationKind.RewarmingInterrupted, d.Kind);
        Assert.Equal("rewarming_interrupted", d.Code);
        Assert.Equal(300, d.Measured, Exact);
    }

    [Fact]
    public void Pause_is_refused_during_immersion_and_when_no_timer_runs()
    {
        var h = new SessionHarness();
        Assert.Contains("nothing to pause", h.Session.Pause().Reason);
        h.RunToReady();
        Assert.Contains("no timer", h.Session.Pause().Reason);
        h.Session.HandsIn();
        CommandResult refused = h.Session.Pause();
        Assert.False(refused.Accepted);
        Assert.Contains("hands are in the water", refused.Reason);
        Assert.Contains(ProtocolCue.CommandRefused, h.Cues.Requested);
    }

    [Fact]
    public void Resume_without_pause_and_double_pause_are_refused()
    {
        var h = new SessionHarness();
        h.Start();
        Assert.Contains("resume without pause", h.Session.Resume().Reason);
        Assert.True(h.Session.Pause().Accepted);
        Assert.Contains("already paused", h.Session.Pause().Reason);
        Assert.Contains("paused: resume first", h.Session.BeginBaselineNow().Reason);
    }

    [Theory]
    [InlineData(ProtocolState.SetUp, "before the session has started")]
    [InlineData(ProtocolState.Acclimatising, "wait for the baseline to finish")]
    [InlineData(ProtocolState.Immersion, "already in the water")]
    [InlineData(ProtocolState.Rewarming, "after the challenge")]
    public void Hands_in_outside_ready_is_refused_with_the_reason(ProtocolState state, string reason)
    {
        var h = new SessionHarness();
        DriveTo(h, state);
        CommandResult result = h.Session.HandsIn();
        Assert.False(result.Accepted);
        Assert.Contains(reason, result.Reason);
        Assert.Equal(state, h.Session.State);
    }

    [Theory]
    [InlineData(ProtocolState.SetUp)]
    [InlineData(ProtocolState.Acclimatising)]
    [InlineData(ProtocolState.ReadyForChallenge)]
    public void Hands_out_before_hands_in_is_refused(ProtocolState state)
    {
        var h = new SessionHarness();
        DriveTo(h, state);
        int eventsBefore = h.Session.Events.Count;
        CommandResult result = h.Session.HandsOut();
        Assert.False(result.Accepted);
        Assert.Contains("hands-out before hands-in", result.Reason);
        Assert.Equal(eventsBefore, h.Session.Events.Count);
    }

    [Theory]
    [InlineData(54.9, DeviationKind.ImmersionTooShort)]
    [InlineData(65.1, DeviationKind.ImmersionTooLong)]
    [InlineData(90, DeviationKind.ImmersionTooLong)]
    public void Immersion_outside_60_plus_minus_5_seconds_is_a_deviation(double seconds, DeviationKind kind)
    {
        var h = new SessionHarness();
        h.RunToReady();
        h.Session.HandsIn();
        h.Clock.Advance(TimeSpan.FromSeconds(seconds));
        Assert.True(h.Session.HandsOut().Accepted);
        ProtocolDeviation d = Assert.Single(h.Session.Deviations);
        Assert.Equal(kind, d.Kind);
        Assert.Equal(seconds, d.Measured, 1e-6);
        Assert.Equal(55, d.AllowedLow, Exact);
        Assert.Equal(65, d.AllowedHigh, Exact);
        Assert.Contains("60 ± 5 s", d.Message);
    }

    [Theory]
    [InlineData(55.0)]
    [InlineData(60.0)]
    [InlineData(65.0)]
    public void Immersion_within_tolerance_is_no_deviation(double seconds)
    {
        var h = new SessionHarness();
        h.RunToReady();
        h.Session.HandsIn();
        h.Clock.Advance(TimeSpan.FromSeconds(seconds));
        h.Session.HandsOut();
        Assert.Empty(h.Session.Deviations);
    }

    [Fact]
    public void Starting_the_baseline_early_records_the_acclimatisation_actually_done()
    {
        var h = new SessionHarness();
        h.Start();
        h.Wait(600);
        Assert.True(h.Session.BeginBaselineNow().Accepted);
        Assert.Equal(ProtocolState.BaselineCapture, h.Session.State);
        Assert.Equal(600, h.TimeOf("baseline_start")!.Value, Exact);
        ProtocolDeviation d = Assert.Single(h.Session.Deviations);
        Assert.Equal(DeviationKind.AcclimatisationCutShort, d.Kind);
        Assert.Equal(10, d.Measured, Exact);
        Assert.Equal(20, d.AllowedLow, Exact);
        h.Wait(120);
        Assert.Equal(ProtocolState.ReadyForChallenge, h.Session.State);
        Assert.Contains("during acclimatisation", h.Session.BeginBaselineNow().Reason);
    }

    [Fact]
    public void Room_excursions_are_flagged_once_each_and_rearm_when_back_in_band()
    {
        var h = new SessionHarness();
        h.Session.RecordRoomConditions(30, 45); // before start: not part of any session
        h.Start();
        h.Session.RecordRoomConditions(23.2, 45);
        h.Session.RecordRoomConditions(24.5, 45);
        h.Session.RecordRoomConditions(24.8, 45);
        h.Session.RecordRoomConditions(23.0, 45);
        h.Wait(100);
        h.Session.RecordRoomConditions(21.5, 80);
        IReadOnlyList<ProtocolDeviation> d = h.Session.Deviations;
        Assert.Equal(
            [DeviationKind.RoomTemperatureOutOfBand, DeviationKind.RoomTemperatureOutOfBand, DeviationKind.RoomHumidityOutOfBand],
            d.Select(x => x.Kind));
        Assert.Equal(24.5, d[0].Measured);
        Assert.Equal(22, d[0].AllowedLow);
        Assert.Equal(24, d[0].AllowedHigh);
        Assert.Equal(0, d[0].TimeSeconds, Exact);
        Assert.Equal(21.5, d[1].Measured);
        Assert.Equal(100, d[1].TimeSeconds, Exact);
        Assert.Equal(80, d[2].Measured);
    }

    [Fact]
    public void No_bath_reading_before_hands_in_is_a_deviation()
    {
        var h = new SessionHarness();
        h.Start();
        h.Wait(1320);
        h.Session.HandsIn();
        Assert.Equal(DeviationKind.BathTemperatureNotMeasured, Assert.Single(h.Session.Deviations).Kind);
    }

    [Fact]
    public void A_bath_reading_older_than_two_minutes_does_not_count()
    {
        var h = new SessionHarness();
        h.RunToReady(bathCelsius: 15.0);
        h.Wait(121);
        h.Session.HandsIn();
        Assert.Equal(DeviationKind.BathTemperatureNotMeasured, Assert.Single(h.Session.Deviations).Kind);
    }

    [Fact]
    public void A_bath_out_of_band_at_challenge_is_a_deviation_with_the_value()
    {
        var h = new SessionHarness();
        h.RunToReady(bathCelsius: 16.4);
        ProtocolDeviation d = Assert.Single(h.Session.Deviations);
        Assert.Equal(DeviationKind.BathTemperatureOutOfBand, d.Kind);
        Assert.Equal(16.4, d.Measured);
        Assert.Equal(14, d.AllowedLow);
        Assert.Equal(16, d.AllowedHigh);
        h.Session.HandsIn(); // same excursion: not flagged twice
        Assert.Single(h.Session.Deviations);
    }

    [Fact]
    public void The_bath_is_not_judged_while_it_may_still_be_settling()
    {
        var h = new SessionHarness();
        h.Start();
        h.Session.RecordBathTemperature(19); // during acclimatisation the bath is being prepared
        Assert.Empty(h.Session.Deviations);
    }

    [Theory]
    [InlineData(ProtocolState.Acclimatising)]
    [InlineData(ProtocolState.BaselineCapture)]
    [InlineData(ProtocolState.ReadyForChallenge)]
    [InlineData(ProtocolState.Immersion)]
    [InlineData(ProtocolState.Rewarming)]
    public void Abort_from_any_running_state_ends_the_attempt(ProtocolState state)
    {
        var h = new SessionHarness();
        DriveTo(h, state);
        h.Wait(3);
        double now = h.Session.Now.TotalSeconds;
        Assert.True(h.Session.Abort("patient felt faint").Accepted);
        Assert.Equal(ProtocolState.Aborted, h.Session.State);
        Assert.Equal("aborted", h.EventTypes.Last());
        Assert.Equal(now, h.TimeOf("aborted")!.Value, Exact);
        Assert.Equal("patient felt faint", h.Session.AbortReason);
        Assert.Contains("already ended", h.Session.Abort("again").Reason);
        Assert.False(h.Session.HandsIn().Accepted);
        h.Wait(3600); // nothing moves after an abort
        Assert.Equal(ProtocolState.Aborted, h.Session.State);
    }

    [Fact]
    public void Abort_before_start_is_refused()
    {
        var h = new SessionHarness();
        Assert.Contains("has not started", h.Session.Abort("x").Reason);
        Assert.Contains("has not started", h.Session.Restart().Reason);
    }

    [Fact]
    public void Restart_archives_the_attempt_and_gives_a_fresh_clock_and_log()
    {
        var h = new SessionHarness();
        h.RunToReady();
        h.Session.HandsIn();
        h.Wait(10);
        Assert.True(h.Session.Restart().Accepted);

        Assert.Equal(ProtocolState.SetUp, h.Session.State);
        Assert.Equal(2, h.Session.AttemptNumber);
        Assert.Empty(h.Session.Events);
        Assert.Empty(h.Session.Deviations);
        ProtocolAttempt first = Assert.Single(h.Session.PreviousAttempts);
        Assert.Equal(1, first.Number);
        Assert.Equal(ProtocolState.Aborted, first.FinalState);
        Assert.Equal("restarted", first.AbortReason);
        Assert.Equal(["aborted", "restarted"], first.Events.TakeLast(2).Select(e => e.Type));

        h.Wait(50);
        h.Start();
        Assert.Equal(0, h.TimeOf("acclimatisation_start")!.Value, Exact);
        h.Wait(1320);
        Assert.Equal(ProtocolState.ReadyForChallenge, h.Session.State);
    }

    [Fact]
    public void A_started_session_cannot_be_started_again()
    {
        var h = new SessionHarness();
        h.Start();
        Assert.Contains("already started", h.Session.Start(h.Setup).Reason);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Jane Doe", "contains ' '")]
    [InlineData("JaneDoe", "looks like a name")]
    [InlineData("RP-0042-0000000000000000000000000", "33 characters")]
    [InlineData("RP/42", "contains '/'")]
    public void Non_pseudonymous_references_are_refused(string reference, string reason)
    {
        var h = new SessionHarness();
        CommandResult result = h.Session.Start(h.Setup with { PatientReference = reference });
        Assert.False(result.Accepted);
        Assert.Contains(reason, result.Reason);
        Assert.Equal(ProtocolState.SetUp, h.Session.State);
        Assert.Empty(h.Session.Events);
    }

    [Fact]
    public void Both_hands_give_one_analysis_record_per_hand_with_the_same_challenge_times()
    {
        var h = new SessionHarness(hands: HandSelection.Both);
        h.RunToReady();
        h.Session.HandsIn();
        h.Wait(60);
        h.Session.HandsOut();
        IReadOnlyList<SessionEvents> records = h.Session.Snapshot().ForAnalysis();
        Assert.Equal([Hand.Left, Hand.Right], records.Select(r => r.Hand));
        Assert.All(records, r =>
        {
            Assert.Equal(1320, r.TimeOf(SessionEventTypes.ChallengeStart)!.Value, Exact);
            Assert.Equal(1380, r.TimeOf(SessionEventTypes.ChallengeEnd)!.Value, Exact);
        });
    }

    [Fact]
    public void Events_and_deviations_are_announced_to_subscribers()
    {
        var h = new SessionHarness();
        var events = new List<SessionEvent>();
        var deviations = new List<ProtocolDeviation>();
        h.Session.EventRecorded += events.Add;
        h.Session.DeviationRecorded += deviations.Add;
        h.Start();
        h.Wait(60);
        h.Session.BeginBaselineNow();
        Assert.Equal(["acclimatisation_start", "baseline_start"], events.Select(e => e.Type));
        Assert.Equal(DeviationKind.AcclimatisationCutShort, Assert.Single(deviations).Kind);
    }

    private static void DriveTo(SessionHarness h, ProtocolState state)
    {
        if (state == ProtocolState.SetUp)
        {
            return;
        }

        h.Start();
        switch (state)
        {
            case ProtocolState.Acclimatising:
                h.Wait(100);
                break;
            case ProtocolState.BaselineCapture:
                h.Wait(1250);
                break;
            case ProtocolState.ReadyForChallenge:
                h.Wait(1320);
                break;
            case ProtocolState.Immersion:
                h.Wait(1320);
                h.Session.HandsIn();
                break;
            case ProtocolState.Rewarming:
                h.Wait(1320);
                h.Session.HandsIn();
                h.Wait(60);
                h.Session.HandsOut();
                break;
        }

        Assert.Equal(state, h.Session.State);
    }
}
