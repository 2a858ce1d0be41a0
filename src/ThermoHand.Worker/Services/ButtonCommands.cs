using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThermoHand.Worker.Hardware;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Services;

/// <summary>
/// The one physical button marks the moments that must be timed exactly: a press when ready means hands in,
/// a press during immersion means hands out. Between sessions (protocol in SetUp) the observer below turns a press into
/// the quick reference check instead. Anything else is refused (with the refused cue) and logged.
/// </summary>
public static class ButtonCommands
{
    /// <summary>Hands-out while immersed, otherwise hands-in (whose refusal explains what to do in other states).</summary>
    public static (string Command, CommandResult Result) Apply(ProtocolSession session) =>
        session.State == ProtocolState.Immersion ? ("hands-out", session.HandsOut()) : ("hands-in", session.HandsIn());
}

/// <summary>
/// Connects the button and the session's records to the log. Between sessions a press starts the per-session reference
/// check (docs/worker.md §10): the one way to offer it on a device whose only control is the button. The pipeline is
/// looked up optionally because hosts composed without sensors (protocol-only tests) have none.
/// </summary>
internal sealed class ProtocolObserver(ClinicHardware hardware, ProtocolSession session, ILogger<ProtocolObserver> logger, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        hardware.Button.Pressed += OnPressed;
        session.EventRecorded += OnEvent;
        session.DeviationRecorded += OnDeviation;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        hardware.Button.Pressed -= OnPressed;
        session.EventRecorded -= OnEvent;
        session.DeviationRecorded -= OnDeviation;
        return Task.CompletedTask;
    }

    private void OnPressed()
    {
        if (session.State == ProtocolState.SetUp && services.GetService<Pipeline.WorkerPipeline>() is { } pipeline)
        {
            _ = RunReferenceCheckAsync(pipeline);
            return;
        }

        (string command, CommandResult result) = ButtonCommands.Apply(session);
        Log.ButtonCommand(logger, command, result.ToString());
    }

    private async Task RunReferenceCheckAsync(Pipeline.WorkerPipeline pipeline)
    {
        try
        {
            (CommandResult result, _) = await pipeline.Coordinator.RunReferenceCheckAsync().ConfigureAwait(false);
            Log.ButtonCommand(logger, "reference-check", result.ToString()); // the check's own result is logged by the coordinator
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
        {
            Log.ButtonCommand(logger, "reference-check", $"not run: {e.Message}");
        }
    }

    private void OnEvent(Analysis.SessionEvent e) => Log.ProtocolEvent(logger, e.Type, e.TimeSeconds);

    private void OnDeviation(ProtocolDeviation d) => Log.ProtocolDeviation(logger, d.Code, d.TimeSeconds, d.Message);
}
