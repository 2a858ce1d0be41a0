using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Analysis;
using ThermoHand.Streaming;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;
using ThermoHand.Worker.Tests.Pipeline;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>
/// The dashboard command poller against a fake dashboard, carrying commands out in a real worker pipeline (simulated
/// patient, no auto-clinician): a start command starts a stored session with the clinician's patient reference, a
/// second start is refused with the reason, abort closes the session as aborted, and a command is carried out once
/// even when its answer is lost and the worker restarts.
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed class DashboardCommandPollerTests
{
    private const string Patient = "QX-5521";

    private static PipelineHost Worker(string? folder = null) => PipelineHost.Build(folder, overrides: [("Simulation:AutoClinician", "false")]);

    private static DashboardCommandPoller Poller(PipelineHost worker, FakeCommandDashboard dashboard, ExecutedCommandLog? log = null)
    {
        var executor = new DeviceCommandExecutor(worker.Pipeline.Coordinator, worker.Host.Services.GetRequiredService<ProtocolSession>(), PipelineHost.ShortPreset);
        var settings = new DashboardUplinkSettings
        {
            Url = new Uri("http://dashboard.test/"),
            DeviceId = dashboard.DeviceId,
            Secret = "s3cret",
            RetryInitial = TimeSpan.FromMilliseconds(20),
            RetryMax = TimeSpan.FromMilliseconds(100),
            CommandPoll = TimeSpan.FromMilliseconds(50),
        };
        var logger = worker.Host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<DashboardCommandPoller>>();
        return new DashboardCommandPoller(executor, log ?? ExecutedCommandLog.Open(Path.Combine(worker.Folder, "commands")), settings, logger, handler: dashboard);
    }

    private static string HandsOf(PipelineHost worker) => worker.Pipeline.Hands.Select(h => h.Hand).Distinct().Count() == 2 ? "both"
        : worker.Pipeline.Hands[0].Hand == Hand.Left ? "left" : "right";

    private static DeviceCommand Start(string id, PipelineHost worker) =>
        new(id, DeviceCommandKinds.StartSession, DateTimeOffset.UtcNow, Patient, PipelineHost.ShortPreset.Name, HandsOf(worker));

    [Fact]
    public async Task A_start_command_starts_a_session_a_second_is_refused_and_abort_stores_it_aborted()
    {
        await using PipelineHost worker = Worker();
        await worker.Host.StartAsync();
        var dashboard = new FakeCommandDashboard();
        using DashboardCommandPoller poller = Poller(worker, dashboard);

        dashboard.Queue(Start("c-start-1", worker));
        await poller.StartAsync(CancellationToken.None); // the real loop, polling every 50 ms
        await PipelineHost.Until(() => dashboard.AnswersSnapshot().Count == 1, "the answer to the start command", 30);
        var (id, started) = dashboard.AnswersSnapshot()[0];
        Assert.Equal(("c-start-1", DeviceCommandOutcomes.Done), (id, started.Outcome));
        string sessionId = Assert.IsType<string>(worker.Pipeline.Coordinator.OpenSessionId);
        Assert.Equal(sessionId, started.SessionId);
        Assert.StartsWith($"started session {sessionId}", started.Message, StringComparison.Ordinal);

        // The reference travels into the session and back to the dashboard in session_started, as with the auto-clinician.
        Assert.Equal(Patient, worker.Store.Find(sessionId)!.PatientReference);
        await PipelineHost.Until(() => worker.Outbox.Of(DeviceMessageKinds.SessionStarted).Any(), "session_started to be queued", 10);
        Assert.Equal(Patient, worker.Outbox.Of(DeviceMessageKinds.SessionStarted).Single().GetProperty("patient_ref").GetString());

        dashboard.Queue(Start("c-start-2", worker));
        await PipelineHost.Until(() => dashboard.AnswersSnapshot().Count == 2, "the answer to the second start", 30);
        DeviceCommandResult second = dashboard.AnswersSnapshot()[1].Answer;
        Assert.Equal(DeviceCommandOutcomes.Refused, second.Outcome);
        Assert.Contains("already running", second.Message, StringComparison.Ordinal);
        Assert.Contains(sessionId, second.Message, StringComparison.Ordinal);

        dashboard.Queue(new DeviceCommand("c-abort-1", DeviceCommandKinds.AbortSession, DateTimeOffset.UtcNow, null, null, null));
        await PipelineHost.Until(() => dashboard.AnswersSnapshot().Count == 3, "the answer to abort", 30);
        Assert.Equal(DeviceCommandOutcomes.Done, dashboard.AnswersSnapshot()[2].Answer.Outcome);
        await PipelineHost.Until(() => worker.Store.Find(sessionId)!.State == SessionStates.Aborted, "the session to be stored as aborted", 30);
        Assert.Equal(DeviceCommandExecutor.AbortReason, worker.Store.Find(sessionId)!.Reason);

        dashboard.Queue(new DeviceCommand("c-abort-2", DeviceCommandKinds.AbortSession, DateTimeOffset.UtcNow, null, null, null));
        await PipelineHost.Until(() => dashboard.AnswersSnapshot().Count == 4, "the answer to the second abort", 30);
        Assert.Equal(DeviceCommandOutcomes.Refused, dashboard.AnswersSnapshot()[3].Answer.Outcome);
        Assert.Contains("nothing to abort", dashboard.AnswersSnapshot()[3].Answer.Message, StringComparison.Ordinal);

        await poller.StopAsync(CancellationToken.None);
        Assert.Single(worker.Store.All());
        Assert.Equal(4, poller.Executed);
        Assert.DoesNotContain(worker.Logs.Lines, line => line.Contains(Patient, StringComparison.Ordinal));
        Assert.Contains(worker.Logs.Lines, line => line.Contains("Dashboard command c-start-1 (start_session): done", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_command_whose_answer_was_lost_is_carried_out_once_across_a_restart_and_answered_again()
    {
        string folder = PipelineHost.NewFolder();
        await using PipelineHost worker = Worker(folder);
        await worker.Host.StartAsync();
        var dashboard = new FakeCommandDashboard { LoseAnswers = true };
        dashboard.Queue(Start("c-once", worker));

        using (DashboardCommandPoller first = Poller(worker, dashboard))
        {
            Assert.False(await first.CycleAsync(CancellationToken.None)); // carried out, but the answer did not arrive
            Assert.Equal(1, first.Executed);
        }

        string sessionId = Assert.IsType<string>(worker.Pipeline.Coordinator.OpenSessionId);
        Assert.Empty(dashboard.AnswersSnapshot());

        // "Restart": a new poller over the same folder; the dashboard still hands the command out and now keeps answers.
        dashboard.LoseAnswers = false;
        using DashboardCommandPoller second = Poller(worker, dashboard, ExecutedCommandLog.Open(Path.Combine(folder, "commands")));
        Assert.True(await second.CycleAsync(CancellationToken.None));
        Assert.True(await second.CycleAsync(CancellationToken.None));

        Assert.Equal(0, second.Executed);
        var answer = Assert.Single(dashboard.AnswersSnapshot());
        Assert.Equal(("c-once", DeviceCommandOutcomes.Done, sessionId), (answer.CommandId, answer.Answer.Outcome, answer.Answer.SessionId));
        Assert.Single(worker.Store.All());
    }

    [Fact]
    public async Task An_unreachable_dashboard_is_retried_with_backoff_and_the_command_runs_when_it_is_back()
    {
        await using PipelineHost worker = Worker();
        await worker.Host.StartAsync();
        var dashboard = new FakeCommandDashboard { Down = true };
        dashboard.Queue(new DeviceCommand("c-check", DeviceCommandKinds.AbortSession, DateTimeOffset.UtcNow, null, null, null));
        using DashboardCommandPoller poller = Poller(worker, dashboard);
        await poller.StartAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.Empty(dashboard.AnswersSnapshot());
        dashboard.Down = false;
        await PipelineHost.Until(() => dashboard.AnswersSnapshot().Count == 1, "the answer after the outage", 30);
        await poller.StopAsync(CancellationToken.None);
        Assert.Equal(DeviceCommandOutcomes.Refused, dashboard.AnswersSnapshot()[0].Answer.Outcome); // nothing was running
        Assert.Single(worker.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("not reachable", StringComparison.Ordinal)); // once per outage
        Assert.Contains(worker.Logs.Lines, line => line.Contains("reachable again", StringComparison.Ordinal));
    }
}

/// <summary>The device's memory of commands, on its own (no pipeline).</summary>
public sealed class ExecutedCommandLogTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("thermohand-commands-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_command_taken_but_never_answered_is_answered_refused_at_the_next_open_and_never_repeated()
    {
        ExecutedCommandLog log = ExecutedCommandLog.Open(folder);
        log.MarkTaken("c-1", DeviceCommandKinds.StartSession);
        log.MarkTaken("c-2", DeviceCommandKinds.ReferenceCheck);
        log.RecordAnswer("c-2", DeviceCommandKinds.ReferenceCheck, new DeviceCommandResult(DeviceCommandOutcomes.Done, "reference check: passed", null));
        log.MarkAcknowledged("c-2");
        File.AppendAllText(log.FilePath, "{\"id\":\"c-3\",\"kind\":\"start_se"); // torn by a crash while writing

        ExecutedCommandLog reopened = ExecutedCommandLog.Open(folder);
        Assert.Equal(["c-1"], reopened.Interrupted);
        Assert.True(reopened.Knows("c-1") && reopened.Knows("c-2"));
        Assert.False(reopened.Knows("c-3")); // its "taken" step never reached the disk, so it was never carried out
        var pending = Assert.Single(reopened.Unacknowledged());
        Assert.Equal(("c-1", DeviceCommandOutcomes.Refused, ExecutedCommandLog.InterruptedMessage), (pending.CommandId, pending.Answer.Outcome, pending.Answer.Message));
        Assert.Equal("reference check: passed", reopened.AnswerOf("c-2")!.Message);
    }

    [Fact]
    public void The_log_is_compacted_to_the_newest_commands_when_it_grows()
    {
        ExecutedCommandLog log = ExecutedCommandLog.Open(folder);
        for (int i = 0; i < 700; i++)
        {
            log.MarkTaken($"c-{i}", DeviceCommandKinds.AbortSession);
            log.RecordAnswer($"c-{i}", DeviceCommandKinds.AbortSession, new DeviceCommandResult(DeviceCommandOutcomes.Refused, "nothing to abort", null));
            log.MarkAcknowledged($"c-{i}");
        }

        ExecutedCommandLog reopened = ExecutedCommandLog.Open(folder);
        Assert.Equal(ExecutedCommandLog.KeepWhenCompacting, reopened.Count);
        Assert.True(reopened.Knows("c-699"));
        Assert.False(reopened.Knows("c-0"));
        Assert.Equal(ExecutedCommandLog.KeepWhenCompacting, File.ReadAllLines(reopened.FilePath).Length);
        Assert.Empty(reopened.Unacknowledged());
    }

    [Fact]
    public void The_dashboard_offers_exactly_the_presets_and_reference_rule_of_the_device()
    {
        Assert.Equal(ProtocolPresets.All.Select(p => p.Name), DeviceCommandChoices.PresetNames);
        Assert.Equal(DeviceCommandChoices.MaximumReferenceLength, SessionSetup.MaximumReferenceLength);
        string?[] samples = ["", " ", null, "RP-0042", "JaneDoe", "Jane Doe 1", "rp_7", new string('1', 32), new string('1', 33), "Zoë-1", "A1;", "123"];
        foreach (string? sample in samples)
        {
            Assert.Equal(SessionSetup.ValidatePatientReference(sample) is null, DeviceCommandChoices.CheckPatientReference(sample) is null);
        }
    }
}
