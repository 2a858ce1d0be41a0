using System.Diagnostics;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Cli.Commands;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Accuracy;

/// <summary>
/// Simulates and analyses the sessions of an accuracy design. Each session: the simulated patient under the
/// emulated MLX90640, read by the real driver (<see cref="SimulateAcquisition"/>, the code of <c>thermohand
/// simulate</c>), each frame straight into <see cref="HandRegionTracker"/> + <see cref="RewarmingSessionAnalyser"/>
/// (the code of <c>thermohand analyze</c>), then compared with the truth (<see cref="SessionComparison"/>).
/// Sessions are independent and run in parallel; results come back in design order whatever the scheduling.
/// </summary>
public sealed class AccuracyRunner(ProtocolTimeline protocol, double refreshRateHz = 2)
{
    public RewarmingSettings Settings { get; init; } = RewarmingSettings.Default;

    /// <summary>Sessions run at once; the default uses every core.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    public IReadOnlyList<SessionAccuracy> RunAll(IReadOnlyList<AccuracySession> design, Action<int, SessionAccuracy>? finished = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        var results = new SessionAccuracy[design.Count];
        var done = 0;
        var gate = new object();
        Parallel.For(0, design.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Parallelism) }, i =>
        {
            results[i] = Run(design[i]);
            lock (gate)
            {
                done++;
                finished?.Invoke(done, results[i]);
            }
        });
        return results;
    }

    public SessionAccuracy Run(AccuracySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var watch = Stopwatch.StartNew();
        var scene = new SimulatedHandScene(session.Settings(protocol));
        var truth = new GroundTruthRecorder(scene);
        using var tracker = new HandRegionTracker(session.Hand);
        var analyser = new RewarmingSessionAnalyser(tracker, Settings);
        foreach (var e in protocol.Events)
        {
            analyser.AddEvent(e);
        }

        var acquisition = new SimulateAcquisition(scene.Settings, EmulatedMlx90640.DefaultEepromWords.ToArray(), refreshRateHz)
        {
            FrameReady = (frame, _) => analyser.AddFrame(frame),
        };
        acquisition.Run(truth);
        var result = analyser.Complete();

        var trueMetrics = SessionComparison.TrueMetrics(truth.Frames, protocol.ChallengeStartSeconds, protocol.ChallengeEndSeconds, Settings);
        var digits = SessionComparison.Compare(result, trueMetrics);
        return new SessionAccuracy(session, digits, watch.Elapsed.TotalSeconds, tracker.Baseline is not null);
    }
}
