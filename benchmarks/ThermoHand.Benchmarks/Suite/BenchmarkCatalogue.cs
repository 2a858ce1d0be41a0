namespace ThermoHand.Benchmarks.Suite;

/// <summary>A limit a figure is judged against, with where the limit comes from.</summary>
/// <param name="Limit">Largest acceptable value, in the row's unit (nanoseconds for timings).</param>
/// <param name="Text">The budget as a reader sees it, with its reason.</param>
internal sealed record Budget(double Limit, string Text);

/// <summary>One BenchmarkDotNet row of RESULTS.md: which benchmark, what one operation is, the vendor C figure and the budget.</summary>
/// <param name="Benchmark">"Class.Method" as BenchmarkDotNet exports it.</param>
/// <param name="Group">Table group ("To maths", "live", …).</param>
/// <param name="What">What one operation is, in a few words.</param>
/// <param name="VendorCNanoseconds">The vendor's C reference (gcc -O2, same machine class), when the operation compares.</param>
/// <param name="Budget">The limit for the mean, or null when the row is information only.</param>
/// <param name="PerOperation">How many units one operation is (2400 images for a re-analysis), for a per-unit figure; 1 otherwise.</param>
/// <param name="Unit">Name of that unit ("image").</param>
internal sealed record BenchmarkRow(string Benchmark, string Group, string What, double? VendorCNanoseconds, Budget? Budget, int PerOperation = 1, string? Unit = null);

/// <summary>
/// Every figure the suite reports and what it is judged against. The budgets are derived, not picked: the sensor's
/// maximum image rate, the worker's provisional-analysis interval, and an assumed Raspberry Pi 4 that is up to 5×
/// slower than this x64 machine (not measured: no ARM machine; shared/reference/mlx90640.md says "a few times slower").
/// </summary>
internal static class BenchmarkCatalogue
{
    /// <summary>Assumed slowdown of a Raspberry Pi 4 core against the x64 build machine (upper end of "3–5×").</summary>
    public const double PiSlowdown = 5;

    // The vendor's C reference (shared/reference/mlx90640.md, "Reference speed on a machine like ours", gcc -O2).
    private const double CExtract = 120_200;
    private const double CVddTa = 160;
    private const double CSubpage = 19_900;
    private const double CFullImage = 39_300;

    /// <summary>One image at the sensor's maximum 64 subpages/s = 32 images/s, on a Pi 5× slower: 31.25 ms / 5.</summary>
    private static readonly Budget ImageAtMaximumRate = new(31.25e6 / PiSlowdown,
        "≤ 6.25 ms: one image at the sensor's maximum 32 images/s (31.25 ms) on a Pi assumed 5× slower");

    /// <summary>The worker snapshots every 30 s of session time (Pipeline:ProvisionalAnalysisSeconds); a tenth of that on the Pi.</summary>
    private static readonly Budget Snapshot = new(3e9 / PiSlowdown,
        "≤ 0.6 s: a tenth of the worker's 30 s provisional-analysis interval on a Pi assumed 5× slower");

    /// <summary>Re-analysis runs on the clinic server on request; beyond 10 s a user waits visibly.</summary>
    private static readonly Budget Reanalysis = new(10e9, "≤ 10 s for a 20-min recording (on request at the clinic; longer needs a progress bar)");

    private static Budget NotSlowerThanC(double c) => new(c, "≤ the vendor's C (ours / C ≤ 1)");

    public static IReadOnlyList<BenchmarkRow> Rows { get; } =
    [
        new("CalibrationBenchmarks.Extract", "To maths", "EEPROM → calibration parameters (once per connection)", CExtract, NotSlowerThanC(CExtract)),
        new("TemperatureBenchmarks.SupplyVoltageAndAmbient", "To maths", "Vdd + Ta of one subpage", CVddTa, NotSlowerThanC(CVddTa)),
        new("TemperatureBenchmarks.ObjectTemperaturesOneSubpage", "To maths", "To of one subpage (384 px, incl. Ta for tr)", CSubpage, NotSlowerThanC(CSubpage)),
        new("TemperatureBenchmarks.FullImage", "To maths", "full image: 2 subpages + deviating-pixel correction", CFullImage, NotSlowerThanC(CFullImage)),
        new("TemperatureBenchmarks.SynthesizeOneSubpage", "To maths", "emulator: RAM words of one subpage (not on the device)", null, null),
        new("RegionTrackerBenchmarks.ProcessFrame", "live", "region tracker, one image, baseline fixed", null, ImageAtMaximumRate),
        new("AnalysisLiveBenchmarks.LiveFrame", "live", "one image: tracker + analyser (`AddFrame`)", null, ImageAtMaximumRate),
        new("AnalysisLiveBenchmarks.ProvisionalSnapshotTenMinutes", "live", "provisional `Snapshot()` at 10 min (1200 images, 6 regions)", null, Snapshot),
        new("AnalysisLiveBenchmarks.ProvisionalSnapshotTwentyMinutes", "live", "provisional `Snapshot()` at 20 min (2400 images)", null, Snapshot),
        new("AnalysisRecordingBenchmarks.ReanalyseInMemory", "re-analysis", "20-min session (2400 images) already in memory", null, Reanalysis, 2400, "image"),
        new("AnalysisRecordingBenchmarks.ReanalyseThrecFile", "re-analysis", "20-min session from its .threc: read, recompute To, track, analyse", null, Reanalysis, 2400, "image"),
        new("AnalysisRecordingBenchmarks.ReplayThrecFileOnly", "re-analysis", "only the read + recompute half of it", null, null, 2400, "image"),
        new("AnalysisPipelineBenchmarks.DevicePipelineImage", "device pipeline", "one image unthrottled: emulated sensor (scene rendering) → driver → assembler → tracker → analyser", null, null),
        new("AnalysisPipelineBenchmarks.DevicePipelineImageWithoutSceneRendering", "device pipeline", "the same on a pre-rendered scene: the device-side cost", null, ImageAtMaximumRate),
        new("AnalysisPipelineBenchmarks.SensorDriverAssemblerImage", "device pipeline", "emulated sensor → driver → assembler only (with scene rendering)", null, null),
        new("AnalysisPipelineBenchmarks.SceneRenderOneSubpage", "device pipeline", "rendering the simulated hand once (emulator only)", null, null),
    ];

    /// <summary>Viewers must get every frame, 95 % of them within a second (the dashboard's live-view promise).</summary>
    public static Budget FanOutLag { get; } = new(1000, "0 frames missed, p95 lag < 1 s");

    public static Budget WorkerPeakWorkingSet { get; } = new(256, "≤ 256 MB: a quarter of a 1 GB Pi, room for the OS and page cache");

    /// <summary>10 % of one Pi core at ×1 = 6 CPU-s per minute there = 1.2 CPU-s here with the 5× assumption.</summary>
    public static Budget WorkerCpu { get; } = new(60 * 0.10 / PiSlowdown, "≤ 1.2 CPU-s per simulated minute: 10 % of one Pi core (assumed 5× slower) at real time");

    /// <summary>Resident memory at the end may exceed the half-way figure by at most 10 % (no leak per session).</summary>
    public static Budget WorkerGrowth { get; } = new(1.10, "end ≤ 1.1 × half-way (no growth per session)");
}
