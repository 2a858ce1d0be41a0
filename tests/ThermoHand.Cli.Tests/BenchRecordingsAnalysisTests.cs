using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Cli.Commands;
using ThermoHand.Recording.Bench;
using ThermoHand.Recording.Events;
using ThermoHand.TestSupport;
using Xunit.Abstractions;

namespace ThermoHand.Cli.Tests;

/// <summary>
/// The two real MLX90640 bench recordings (shared/data/mlx90640-bench-recordings: a heated strip of material, not a
/// hand) through the whole analysis with the real region finder and made-up protocol events. Real sensor data the
/// analysis was not designed for must neither crash it nor come out as invented fingertip numbers: the result has to
/// say that no hand was found and leave every metric null with a reason.
/// </summary>
public sealed class BenchRecordingsAnalysisTests(ITestOutputHelper log) : IDisposable
{
    /// <summary>Made-up protocol on the importer's clock (t = frame index in seconds; both files last over 11 min).</summary>
    private const double ChallengeStart = 120;

    private const double ChallengeEnd = 180;

    private readonly string directory = Directory.CreateTempSubdirectory("thermohand-bench-").FullName;

    public static TheoryData<string, int> Recordings => new()
    {
        // File name and frame count stated in shared/data/mlx90640-bench-recordings/SOURCE.txt.
        { "ds-16-55-20200521-DSN200uG.raw", 708 },
        { "ds-16-55-20200525-DSN200u.raw", 683 },
    };

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static SessionEvents MadeUpEvents() => new(Hand.Left,
    [
        new SessionEvent(ChallengeStart, SessionEventTypes.ChallengeStart),
        new SessionEvent(ChallengeEnd, SessionEventTypes.ChallengeEnd),
    ]);

    [Theory]
    [MemberData(nameof(Recordings))]
    public void Real_bench_recording_goes_through_tracker_and_analyser_and_reports_no_hand(string file, int frameCount)
    {
        var report = new BenchImportReport();
        var frames = BenchRawImporter.Read(Path.Combine(SharedData.RecordingsDirectory, file), report).ToList();

        // The first frame is the sensor's first-read glitch (a whole subpage never computed): rejected and counted.
        Assert.Equal(frameCount, report.FramesRead);
        Assert.Equal(frameCount - 1, report.FramesKept);
        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(0, rejected.Index);
        Assert.Contains("exactly 0 °C", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(1.0, frames[0].TimeSeconds);

        using var tracker = new HandRegionTracker(Hand.Left);
        var analyser = new RewarmingSessionAnalyser(tracker);
        foreach (var e in MadeUpEvents().Events)
        {
            analyser.AddEvent(e);
        }

        var handFrames = 0;
        var trustedReadings = 0;
        foreach (var frame in frames)
        {
            var regions = analyser.AddFrame(frame);
            Assert.NotNull(regions); // every imported frame is in time order
            handFrames += regions.HandInView ? 1 : 0;
            trustedReadings += regions.Readings.Count(r => r.Trusted);
        }

        var result = analyser.Complete();
        log.WriteLine($"{file}: {handFrames} frames with a 'hand', {trustedReadings} trusted readings");
        foreach (var flag in result.Quality.Flags)
        {
            log.WriteLine("  " + flag);
        }

        AssertHonestNoHandResult(result, frames.Count);
        Assert.Equal(0, trustedReadings);
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public void Real_bench_recording_through_import_bench_and_analyze_commands(string file, int frameCount)
    {
        var csv = Path.Combine(directory, "frames.csv");
        var eventsPath = Path.Combine(directory, "events.json");
        var resultPath = Path.Combine(directory, "result.json");
        SessionEventsJson.Write(eventsPath, MadeUpEvents());
        var table = new CommandTable([new ImportBenchCommand(), new AnalyzeCommand()]);

        var (importCode, importOutput, importError) = Run(table, "import", "bench", Path.Combine(SharedData.RecordingsDirectory, file), "--out", csv);
        Assert.Equal(ExitCodes.Ok, importCode);
        Assert.Contains($"{frameCount} frames read, {frameCount - 1} kept, 1 rejected", importOutput, StringComparison.Ordinal);
        Assert.Contains("frame 0 rejected", importError, StringComparison.Ordinal);

        var (analyzeCode, _, analyzeError) = Run(table, "analyze", csv, "--events", eventsPath, "--out", resultPath);
        Assert.Equal(ExitCodes.Ok, analyzeCode);
        // Frames in the made-up immersion (t = 120…180 s, 61 frames) are expected to show no hand and are not rejected.
        Assert.Contains($"0 frames used, {frameCount - 1 - 61} rejected", analyzeError, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(resultPath));
        var root = json.RootElement;
        Assert.Equal(AnalysisResult.Schema, root.GetProperty("schema").GetString());
        var flags = root.GetProperty("quality").GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains(flags, f => f.StartsWith("D2: never measured", StringComparison.Ordinal));
        Assert.Contains(flags, f => f.StartsWith("dorsum: never measured", StringComparison.Ordinal));
        Assert.Equal(0, root.GetProperty("quality").GetProperty("frames_used").GetInt32());
        foreach (var roi in root.GetProperty("rois").EnumerateArray())
        {
            // Everything but the region's identity is null (recovery_pct holds only nulls), except the baseline
            // coverage, which is honestly 0 s.
            Assert.Equal(0, roi.GetProperty("baseline_coverage_s").GetDouble());
            foreach (var field in roi.EnumerateObject().Where(f => f.Name is not ("name" or "digit" or "baseline_coverage_s")))
            {
                var values = field.Value.ValueKind switch
                {
                    JsonValueKind.Object => field.Value.EnumerateObject().Select(v => v.Value).ToList(),
                    JsonValueKind.Array => field.Value.EnumerateArray().ToList(),
                    _ => [field.Value],
                };
                Assert.True(values.All(v => v.ValueKind == JsonValueKind.Null), $"{roi.GetProperty("name")}: {field.Name} = {field.Value}");
            }
        }

        Assert.Equal(JsonValueKind.Null, root.GetProperty("ddd_c").GetProperty("mean").ValueKind);
    }

    /// <summary>No region measured → every metric null, each region says why, and no frame counted as used.</summary>
    private static void AssertHonestNoHandResult(AnalysisResult result, int framesGiven)
    {
        Assert.False(result.Provisional);
        Assert.Equal(0, result.Quality.FramesUsed);
        Assert.Equal(framesGiven - FramesInWater(result), result.Quality.FramesRejected);
        Assert.Equal(6, result.Rois.Count);
        foreach (var roi in result.Rois)
        {
            Assert.Contains(result.Quality.Flags, f => f.StartsWith(roi.Name + ": never measured with a trusted reading", StringComparison.Ordinal));
            Assert.All(roi.Metrics.NamedValues(), m => Assert.Null(m.Value));
            Assert.Null(roi.Metrics.Fit);
            Assert.Null(roi.Tip);
            Assert.Empty(roi.Curve);
        }

        Assert.Null(result.Ddd.Mean);
        Assert.Null(result.Ddd.Thumb);
        Assert.Equal(0, result.Ddd.FingersMeasured);
        Assert.All(result.DigitAverages, a => Assert.Null(a.Mean));
    }

    /// <summary>Frames during the (made-up) immersion are expected to have no hand and are not counted as rejected.</summary>
    private static int FramesInWater(AnalysisResult result)
        => (int)(result.Challenge.EndSeconds!.Value - result.Challenge.StartSeconds!.Value) + 1;

    private static (int Code, string Output, string Error) Run(CommandTable table, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = table.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
