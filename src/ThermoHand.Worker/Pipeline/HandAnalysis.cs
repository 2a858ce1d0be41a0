using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Worker.Health;

namespace ThermoHand.Worker.Pipeline;

/// <summary>Makes the region tracker of one hand. The real one needs OpenCvSharp's native library.</summary>
public interface IRegionTrackerFactory
{
    IHandRegionTracker Create(Hand hand);
}

public sealed class OpenCvRegionTrackerFactory : IRegionTrackerFactory
{
    public IHandRegionTracker Create(Hand hand) => new HandRegionTracker(hand);
}

/// <summary>
/// The live analysis of one hand in one session: region tracker + rewarming analyser, fed frames and protocol events.
/// If OpenCvSharp's native library cannot load (first use throws TypeInitializationException, DllNotFoundException …)
/// analysis is marked unavailable in <see cref="WorkerHealth"/> and this object stops analysing — recording goes on,
/// and the recording can be analysed later with <c>thermohand analyze</c>.
/// </summary>
public sealed class HandAnalysis : IDisposable
{
    private readonly WorkerHealth health;
    private IHandRegionTracker? tracker;
    private RewarmingSessionAnalyser? analyser;

    private HandAnalysis(IHandRegionTracker tracker, WorkerHealth health)
    {
        this.tracker = tracker;
        this.health = health;
        analyser = new RewarmingSessionAnalyser(tracker);
    }

    public bool IsRunning => analyser is not null;

    /// <summary>A live analysis, or null (and health marked) when analysis is unavailable on this device.</summary>
    public static HandAnalysis? TryStart(IRegionTrackerFactory factory, Hand hand, WorkerHealth health)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(health);
        if (!health.AnalysisAvailable)
        {
            return null;
        }

        try
        {
            return new HandAnalysis(factory.Create(hand), health);
        }
        catch (Exception e) when (IsNativeLoadFailure(e))
        {
            health.MarkAnalysisUnavailable(Describe(e));
            return null;
        }
    }

    /// <summary>The failures that mean "the native library is not there", as opposed to a bug in the analysis.</summary>
    public static bool IsNativeLoadFailure(Exception e) =>
        e is TypeInitializationException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException;

    public void AddEvent(SessionEvent e) => analyser?.AddEvent(e);

    /// <summary>The tracker's result for the frame, or null when analysis is not running (or just failed to load).</summary>
    public RegionFrameResult? AddFrame(ThermalFrame frame)
    {
        if (analyser is null)
        {
            return null;
        }

        try
        {
            return analyser.AddFrame(frame);
        }
        catch (Exception e) when (IsNativeLoadFailure(e))
        {
            health.MarkAnalysisUnavailable(Describe(e));
            Stop();
            return null;
        }
    }

    public AnalysisResult? Snapshot() => analyser?.Snapshot();

    public AnalysisResult? Complete()
    {
        AnalysisResult? result = analyser?.Complete();
        Stop();
        return result;
    }

    public void Dispose() => Stop();

    private static string Describe(Exception e)
    {
        Exception root = e;
        while (root.InnerException is not null)
        {
            root = root.InnerException;
        }

        return $"OpenCvSharp's native library could not be loaded ({root.GetType().Name}: {root.Message}); frames are still recorded and can be analysed later";
    }

    private void Stop()
    {
        analyser = null;
        (tracker as IDisposable)?.Dispose();
        tracker = null;
    }
}
