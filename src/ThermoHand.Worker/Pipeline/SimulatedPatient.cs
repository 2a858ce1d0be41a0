using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Simulation;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// The simulated patient's hand under one emulated sensor, following the protocol instead of a fixed timeline: the
/// hand rests in view from the start of the session, leaves the view at the moment the state machine records
/// challenge_start (hands in the water) and returns after the preset immersion plus the simulator's 5 s return
/// delay. The physiology (cooling, rewarming of each finger) runs from the real challenge_start, so the rewarming
/// the analysis sees starts where the protocol says it does.
/// </summary>
/// <remarks>
/// Each session gets a new <see cref="SimulatedHandScene"/> whose baseline lasts acclimatisation + baseline + one hour
/// of waiting; scene time is session time until hands-in, then shifted so that hands-in is the scene's challenge
/// start. If a human presses hands-out late, the hand still returns at the preset immersion time (a limit of the
/// simulation). Between sessions the hand rests in view on an endless baseline.
/// </remarks>
public sealed class SimulatedPatient : IThermalScene
{
    private const double WaitingMarginSeconds = 3600;

    private readonly SimulationSettings baseSettings;
    private readonly PipelineClock clock;
    private readonly Lock gate = new();
    private SimulatedHandScene idle;
    private SimulatedHandScene? sessionScene;
    private double sessionOrigin;
    private double? handsInSessionTime;
    private double sensorCreated;
    private int sessions;
    private ReferenceTargetScene? referenceTarget;

    public SimulatedPatient(SimulationSettings baseSettings, PipelineClock clock)
    {
        this.baseSettings = baseSettings ?? throw new ArgumentNullException(nameof(baseSettings));
        this.clock = clock ?? throw new ArgumentNullException(nameof(clock));
        idle = new SimulatedHandScene(baseSettings with { Protocol = new ProtocolTimeline { BaselineSeconds = 1e9 } });
    }

    public Hand Hand => baseSettings.Hand;

    /// <summary>True while the hand is out of view (in the water or on its way back), for tests and the log.</summary>
    public bool HandInView(double sessionTimeSeconds)
    {
        lock (gate)
        {
            return sessionScene is null || sessionScene.Protocol.HandsInView(SceneTime(sessionTimeSeconds));
        }
    }

    /// <summary>
    /// For a reference check: the sensor sees a blackbody target at <paramref name="celsius"/> filling its view (with the
    /// sensor's temporal noise) instead of the hand, until <see cref="HideReferenceTarget"/>.
    /// </summary>
    public void ShowReferenceTarget(double celsius)
    {
        var target = new ReferenceTargetScene(celsius, ReferenceTargetKind.Blackbody, baseSettings.Seed);
        lock (gate)
        {
            referenceTarget = target;
        }
    }

    public void HideReferenceTarget()
    {
        lock (gate)
        {
            referenceTarget = null;
        }
    }

    /// <summary>Creates the emulated sensor that looks at this patient; call once per patient.</summary>
    public EmulatedMlx90640 CreateSensor(EmulatedMlx90640Options options)
    {
        sensorCreated = clock.Now;
        return new EmulatedMlx90640(this, options, clock.Clock);
    }

    /// <summary>Follows the protocol: a new scene at acclimatisation_start, the hands leave at challenge_start.</summary>
    public void OnProtocolEvent(SessionEvent e, ProtocolPreset preset, double originPipelineSeconds)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (gate)
        {
            switch (e.Type)
            {
                case SessionEventNames.AcclimatisationStart:
                    sessions++;
                    var timeline = new ProtocolTimeline
                    {
                        BaselineSeconds = preset.Acclimatisation.TotalSeconds + preset.BaselineCapture.TotalSeconds + WaitingMarginSeconds,
                        ChallengeSeconds = preset.Immersion.TotalSeconds,
                        RewarmingSeconds = preset.Rewarming.TotalSeconds + WaitingMarginSeconds,
                        WaterTemperatureCelsius = preset.BathSetPointCelsius,
                        RoomTemperatureCelsius = preset.RoomSetPointCelsius,
                    };
                    sessionScene = new SimulatedHandScene(baseSettings with { Protocol = timeline, Seed = baseSettings.Seed + sessions - 1 });
                    sessionOrigin = originPipelineSeconds;
                    handsInSessionTime = null;
                    break;
                case SessionEventTypes.ChallengeStart:
                    handsInSessionTime = e.TimeSeconds;
                    break;
                case SessionEventNames.RewarmingEnd:
                case SessionEventNames.Aborted:
                case SessionEventNames.Restarted:
                    sessionScene = null;
                    break;
            }
        }
    }

    public void Render(TimeSpan elapsed, Span<float> objectTemperaturesCelsius)
    {
        SimulatedHandScene scene;
        double sceneTime;
        lock (gate)
        {
            if (referenceTarget is { } target)
            {
                target.Render(elapsed, objectTemperaturesCelsius);
                return;
            }

            double pipelineTime = sensorCreated + elapsed.TotalSeconds;
            if (sessionScene is null)
            {
                scene = idle;
                sceneTime = pipelineTime;
            }
            else
            {
                scene = sessionScene;
                sceneTime = SceneTime(pipelineTime - sessionOrigin);
            }
        }

        scene.Render(TimeSpan.FromSeconds(Math.Max(0, sceneTime)), objectTemperaturesCelsius);
    }

    private double SceneTime(double sessionTime)
    {
        if (sessionScene is null)
        {
            return sessionTime;
        }

        return handsInSessionTime is { } handsIn
            ? sessionTime - handsIn + sessionScene.Protocol.ChallengeStartSeconds
            : Math.Min(sessionTime, sessionScene.Protocol.ChallengeStartSeconds - 1);
    }
}
