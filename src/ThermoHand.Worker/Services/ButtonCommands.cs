using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThermoHand.Worker.Hardware;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Services;

/// <summary>
/// The one physical button marks the moments that must be timed exactly: a press when ready means hands in,
/// a press during immersion means hands out. Anything else is refused (with the refused cue) and logged.
/// </summary>
public static class ButtonCommands
{
    /// <summary>Hands-out while immersed, otherwise hands-in (whose refusal explains what to do in other states).</summary>
    public static (string Command, CommandResult Result) Apply(ProtocolSession session) =>
        session.State == ProtocolState.Immersion ? ("hands-out", session.HandsOut()) : ("hands-in", session.HandsIn());
}

/// <summary>Connects the button and the session's records to the log.</summary>
internal sealed class ProtocolObserver(ClinicHardware hardware, ProtocolSession session, ILogger<ProtocolObserver> logger) : IHostedService
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
        (string command, CommandResult result) = ButtonCommands.Apply(session);
        Log.ButtonCommand(logger, command, result.ToString());
    }

    private void OnEvent(Analysis.SessionEvent e) => Log.ProtocolEvent(logger, e.Type, e.TimeSeconds);

    private void OnDeviation(ProtocolDeviation d) => Log.ProtocolDeviation(logger, d.Code, d.TimeSeconds, d.Message);
}
