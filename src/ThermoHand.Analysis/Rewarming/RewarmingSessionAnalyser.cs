using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using static System.FormattableString;

namespace ThermoHand.Analysis.Rewarming;

/// <summary>
/// Analyses one hand's cold-challenge session. Frames go in one at a time (live, or replayed from a recording) and
/// through the region tracker; the trusted readings of each region are kept; <see cref="Snapshot"/> computes a
/// provisional result at any moment and <see cref="Complete"/> the final one. Every number is computed at snapshot
/// time from the kept series and the events known then, so a live session and a batch re-analysis of its recording
/// give identical results.
/// </summary>
public sealed class RewarmingSessionAnalyser
{
    private static readonly string[] RegionOrder =
        [RegionNames.Digit(1), RegionNames.Digit(2), RegionNames.Digit(3), RegionNames.Digit(4), RegionNames.Digit(5), RegionNames.Dorsum];

    private readonly IHandRegionTracker tracker;
    private readonly RewarmingSettings settings;
    private readonly List<SessionEvent> events = [];
    private readonly Dictionary<string, RegionSeries> regions = new(StringComparer.Ordinal);
    private readonly List<FrameNote> frames = [];
    private int framesOutOfOrder;
    private bool completed;

    public RewarmingSessionAnalyser(IHandRegionTracker tracker, RewarmingSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        this.tracker = tracker;
        this.settings = settings ?? RewarmingSettings.Default;
        foreach (var name in RegionOrder)
        {
            regions[name] = new RegionSeries();
        }
    }

    public Hand Hand => tracker.Hand;

    /// <summary>Session time of the last accepted frame, null before the first.</summary>
    public double? LastFrameTimeSeconds => frames.Count > 0 ? frames[^1].TimeSeconds : null;

    /// <summary>Re-analyses a whole recording: the same code path as live, with all events known from the start.</summary>
    public static AnalysisResult AnalyseRecording(
        IEnumerable<ThermalFrame> recording, SessionEvents sessionEvents, IHandRegionTracker tracker, RewarmingSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(sessionEvents);
        var analyser = new RewarmingSessionAnalyser(tracker, settings);
        foreach (var e in sessionEvents.Events)
        {
            analyser.AddEvent(e);
        }

        foreach (var frame in recording)
        {
            analyser.AddFrame(frame);
        }

        return analyser.Complete();
    }

    /// <summary>Records a protocol event (any time; unknown types are kept and ignored).</summary>
    public void AddEvent(SessionEvent sessionEvent)
    {
        ArgumentNullException.ThrowIfNull(sessionEvent);
        events.Add(sessionEvent);
    }

    /// <summary>
    /// Feeds one frame through the tracker and keeps its trusted, plausible readings. A frame not later than the
    /// previous one is counted as rejected and not shown to the tracker (it needs time order). Returns the tracker's
    /// result, or null for a rejected out-of-order frame.
    /// </summary>
    public RegionFrameResult? AddFrame(ThermalFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (completed)
        {
            throw new InvalidOperationException("The session was completed; start a new analyser for more frames.");
        }

        if (!double.IsFinite(frame.TimeSeconds) || (frames.Count > 0 && frame.TimeSeconds <= frames[^1].TimeSeconds))
        {
            framesOutOfOrder++;
            return null;
        }

        var result = tracker.Process(frame);
        var usable = false;
        foreach (var reading in result.Readings)
        {
            if (!regions.TryGetValue(reading.Name, out var series))
            {
                continue;
            }

            if (!reading.Trusted || !double.IsFinite(reading.TemperatureCelsius))
            {
                series.Untrusted.Add((frame.TimeSeconds, reading.Flag ?? (double.IsFinite(reading.TemperatureCelsius) ? "untrusted" : "not measurable")));
                continue;
            }

            if (reading.TemperatureCelsius < settings.PlausibleMinimumCelsius || reading.TemperatureCelsius > settings.PlausibleMaximumCelsius)
            {
                series.Implausible.Add(frame.TimeSeconds);
                continue;
            }

            series.Samples.Add(new TemperatureSample(frame.TimeSeconds, reading.TemperatureCelsius));
            series.Centres.Add((frame.TimeSeconds, reading.CentreX, reading.CentreY));
            usable = true;
        }

        frames.Add(new FrameNote(frame.TimeSeconds, usable, result.HandInView, result.Flags));
        return result;
    }

    /// <summary>The analysis so far, marked provisional unless the session was completed.</summary>
    public AnalysisResult Snapshot() => Analyse(provisional: !completed);

    /// <summary>Marks the end of the session (no more frames) and returns the final result.</summary>
    public AnalysisResult Complete()
    {
        completed = true;
        return Analyse(provisional: false);
    }

    private AnalysisResult Analyse(bool provisional)
    {
        var flags = new List<string>();
        var (start, end) = ReadChallenge(flags, provisional);
        var observedUntil = LastFrameTimeSeconds ?? double.NegativeInfinity;
        if (frames.Count == 0)
        {
            flags.Add("no frames: nothing to analyse");
        }

        if (provisional)
        {
            flags.Add(frames.Count > 0
                ? Invariant($"provisional: session still running, frames up to t = {observedUntil:0.0} s")
                : "provisional: session still running");
        }

        AddFrameFlags(flags, start, end);

        var regionFlags = new List<string>();
        var untrusted = new List<(string Region, string Reason, int Count)>();
        var rois = new List<RoiResult>();
        foreach (var name in RegionOrder)
        {
            var series = regions[name];
            int? digit = name == RegionNames.Dorsum ? null : name[1] - '0';
            if (series.Samples.Count == 0)
            {
                regionFlags.Add(Invariant($"{name}: never measured with a trusted reading: all metrics null"));
            }

            var rewarming = RewarmingCalculator.Compute(name, series.Samples, start, end, observedUntil, settings);
            regionFlags.AddRange(rewarming.Flags);
            // During the immersion the hand is in the water: readings missing then are expected, not a quality problem.
            bool Relevant(double t) => !(t >= start && t <= end);
            var implausible = series.Implausible.Count(Relevant);
            if (implausible > 0)
            {
                regionFlags.Add(Invariant($"{name}: {implausible} readings outside {settings.PlausibleMinimumCelsius:0}–{settings.PlausibleMaximumCelsius:0} °C rejected"));
            }

            // Out-of-view frames already have their own session flag; other reasons are listed per region.
            foreach (var group in series.Untrusted
                .Where(u => Relevant(u.Time) && u.Reason != RegionFlags.HandOutOfView)
                .GroupBy(u => u.Reason, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                untrusted.Add((name, group.Key, group.Count()));
            }

            var curve = end is { } e
                ? series.Samples.Where(s => s.TimeSeconds >= e).Select(s => new TemperatureSample(s.TimeSeconds - e, s.TemperatureCelsius)).ToList()
                : [];
            rois.Add(new RoiResult(name, digit, digit is null ? null : TipAtBaseline(series, start), rewarming.Metrics, curve));
        }

        regionFlags.AddRange(UntrustedFlags(untrusted));
        var ddd = HandSummary.DistalDorsalDifference(rois, settings);
        if (ddd.FingersMeasured is > 0 and < 4)
        {
            regionFlags.Add(Invariant($"ddd: mean over {ddd.FingersMeasured} of 4 fingers (baseline missing for the others)"));
        }
        else if (ddd.FingersMeasured == 0 && start is not null)
        {
            regionFlags.Add("ddd: not computed: no finger together with the dorsum has a baseline");
        }

        flags.AddRange(regionFlags);
        var used = frames.Count(f => f.Usable);
        var rejected = framesOutOfOrder + frames.Count(f => !f.Usable && !(f.TimeSeconds >= start && f.TimeSeconds <= end));
        return new AnalysisResult(
            tracker.Hand,
            rois,
            ddd,
            HandSummary.Averages(rois),
            new QualityReport(flags, used, rejected),
            new ChallengeTiming(start, end),
            provisional,
            LastFrameTimeSeconds);
    }

    private (double? Start, double? End) ReadChallenge(List<string> flags, bool provisional)
    {
        double? First(string type)
        {
            var matching = events.Where(e => e.Type == type).ToList();
            if (matching.Count > 1)
            {
                flags.Add(Invariant($"protocol: {matching.Count} {type} events; the first (t = {matching[0].TimeSeconds:0.0} s) is used"));
            }

            return matching.Count > 0 ? matching[0].TimeSeconds : null;
        }

        var start = First(SessionEventTypes.ChallengeStart);
        var end = First(SessionEventTypes.ChallengeEnd);
        if (!provisional && start is null)
        {
            flags.Add("missing event: no challenge_start: baseline, drop, recovery and DDD not computed");
        }

        if (!provisional && end is null)
        {
            flags.Add("missing event: no challenge_end: rewarming metrics not computed");
        }

        if (start is { } s && end is { } e)
        {
            if (e <= s)
            {
                flags.Add(Invariant($"protocol: challenge_end (t = {e:0.0} s) is not after challenge_start (t = {s:0.0} s): rewarming metrics not computed"));
                return (start, null);
            }

            var immersion = e - s;
            if (Math.Abs(immersion - settings.ImmersionSeconds) > settings.ImmersionToleranceSeconds)
            {
                flags.Add(Invariant($"protocol deviation: immersion lasted {immersion:0.0} s ({settings.ImmersionSeconds:0} ± {settings.ImmersionToleranceSeconds:0} s expected)"));
            }
        }

        return (start, end);
    }

    private void AddFrameFlags(List<string> flags, double? start, double? end)
    {
        if (framesOutOfOrder > 0)
        {
            flags.Add(Invariant($"frames: {framesOutOfOrder} frames not later than the previous frame were rejected"));
        }

        string Phase(double t) =>
            start is { } s && t >= s - settings.BaselineWindowSeconds && t < s ? "baseline"
            : end is { } e && t >= e && t <= e + settings.RewarmingWindowSeconds ? "rewarming"
            : "other";

        var outOfView = frames.Where(f => !f.HandInView).GroupBy(f => Phase(f.TimeSeconds)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var phase in new[] { "baseline", "rewarming" })
        {
            if (outOfView.TryGetValue(phase, out var count))
            {
                flags.Add(Invariant($"hand out of view in {count} frames during {phase}"));
            }
        }

        // Tracker flags (motion, region lost, …) are summarised per flag with where they happened; out of view has its own line.
        var trackerFlags = frames
            .SelectMany(f => f.Flags.Where(flag => flag != RegionFlags.HandOutOfView).Distinct().Select(flag => (Flag: flag, Phase: Phase(f.TimeSeconds))))
            .GroupBy(x => x.Flag, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in trackerFlags)
        {
            var byPhase = string.Join(", ", group.GroupBy(x => x.Phase).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Invariant($"{p.Key} {p.Count()}")));
            flags.Add(Invariant($"tracker: {group.Key} in {group.Count()} frames ({byPhase})"));
        }
    }

    /// <summary>
    /// "D3: 14 frames not used (motion)" per region — collapsed to one "all regions: …" line when every region lost
    /// the same number of frames for the same reason (a whole-frame problem such as motion).
    /// </summary>
    private static IEnumerable<string> UntrustedFlags(List<(string Region, string Reason, int Count)> untrusted)
    {
        foreach (var reason in untrusted.Select(u => u.Reason).Distinct().Order(StringComparer.Ordinal))
        {
            var entries = untrusted.Where(u => u.Reason == reason).ToList();
            if (entries.Count == RegionOrder.Length && entries.All(e => e.Count == entries[0].Count))
            {
                yield return Invariant($"all regions: {entries[0].Count} frames not used ({reason})");
                continue;
            }

            foreach (var e in entries)
            {
                yield return Invariant($"{e.Region}: {e.Count} frames not used ({reason})");
            }
        }
    }

    /// <summary>Mean fingertip centre over the baseline window; before challenge_start when that window is empty.</summary>
    private PixelPoint? TipAtBaseline(RegionSeries series, double? start)
    {
        if (series.Centres.Count == 0)
        {
            return null;
        }

        var limit = start ?? double.PositiveInfinity;
        var window = series.Centres.Where(c => c.Time < limit && c.Time >= limit - settings.BaselineWindowSeconds).ToList();
        if (window.Count == 0)
        {
            window = series.Centres.Where(c => c.Time < limit).ToList();
        }

        return window.Count == 0 ? null : new PixelPoint(window.Average(c => c.X), window.Average(c => c.Y));
    }

    private sealed record FrameNote(double TimeSeconds, bool Usable, bool HandInView, IReadOnlyList<string> Flags);

    private sealed class RegionSeries
    {
        public List<TemperatureSample> Samples { get; } = [];

        public List<(double Time, double X, double Y)> Centres { get; } = [];

        public List<double> Implausible { get; } = [];

        public List<(double Time, string Reason)> Untrusted { get; } = [];
    }
}
