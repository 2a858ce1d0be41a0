using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThermoHand.Analysis;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Services;

namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// Plays the clinician for the simulated patient (Simulation:AutoClinician): starts a session with the configured
/// pseudonymous reference, puts the hands in the water as soon as the protocol is ready, takes them out when the
/// immersion time is up, and after a pause restarts for the next session (up to Simulation:Sessions). It uses the
/// same commands as the button, on the worker's (scaled) clock, checked four times a second.
/// </summary>
public sealed class AutoClinician(
    WorkerPipeline pipeline, ProtocolSession protocol, ProtocolPreset preset, IOptions<WorkerOptions> options, TimeProvider clock, ILogger<AutoClinician> logger)
    : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    /// <summary>Sessions this auto-clinician started.</summary>
    public int SessionsStarted { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SimulationOptions sim = options.Value.Simulation;
        if (!sim.AutoClinician)
        {
            return;
        }

        IReadOnlyList<Hand> hands = pipeline.Hands.Select(h => h.Hand).Distinct().ToList();
        HandSelection selection = hands.Count == 2 ? HandSelection.Both : hands[0] == Hand.Left ? HandSelection.Left : HandSelection.Right;
        long nextStart = clock.GetTimestamp();
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                switch (protocol.State)
                {
                    case ProtocolState.SetUp when pipeline.Coordinator.OpenSessionId is null && clock.GetTimestamp() >= nextStart
                                                   && (sim.Sessions == 0 || SessionsStarted < sim.Sessions):
                        CommandResult started = await pipeline.Coordinator.StartSessionAsync(new SessionSetup(sim.PatientReference, selection, preset)).ConfigureAwait(false);
                        Log.AutoClinician(logger, "start session", started.ToString());
                        if (started.Accepted)
                        {
                            SessionsStarted++;
                        }
                        else
                        {
                            nextStart = After(sim.PauseBetweenSessionsSeconds);
                        }

                        break;
                    case ProtocolState.ReadyForChallenge when !protocol.IsPaused:
                        Log.AutoClinician(logger, "hands-in", protocol.HandsIn().ToString());
                        break;
                    case ProtocolState.Immersion when protocol.PhaseRemaining is { } left && left <= TimeSpan.Zero:
                        Log.AutoClinician(logger, "hands-out", protocol.HandsOut().ToString());
                        break;
                    case ProtocolState.Complete or ProtocolState.Aborted when pipeline.Coordinator.OpenSessionId is null:
                        Log.AutoClinician(logger, "restart", protocol.Restart().ToString());
                        nextStart = After(sim.PauseBetweenSessionsSeconds);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    private long After(double seconds) => clock.GetTimestamp() + (long)(seconds * clock.TimestampFrequency);
}
