using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Cli.Accuracy;
using ThermoHand.Cli.Commands;
using ThermoHand.Simulation;
using Xunit.Abstractions;

namespace ThermoHand.Cli.Tests;

/// <summary>
/// <c>thermohand accuracy</c> end to end on a tiny design (two short sessions of the easy case: 55° sensor at
/// 30 cm, where the whole hand is in view and a fingertip spans ~1.6 px), and its pure parts on known numbers.
/// </summary>
public sealed class AccuracyCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("thermohand-accuracy-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Two_short_sessions_give_a_complete_table_with_small_finite_errors()
    {
        var markdown = Path.Combine(directory, "accuracy.md");
        var json = Path.Combine(directory, "accuracy.json");
        // A hand-written document around the markers must survive the run.
        File.WriteAllText(markdown, "# Accuracy\n\nMethod text.\n\n" + AccuracyReport.BeginMarker + "\nold table\n" + AccuracyReport.EndMarker + "\n\nDiscussion text.\n");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = new CommandTable([new AccuracyCommand()]).Run(
            ["accuracy", "--sessions", "2", "--seed", "1", "--baseline-s", "70", "--rewarming-s", "330", "--out", markdown, "--json", json], output, error);

        Assert.True(code == ExitCodes.Ok, error.ToString());
        log.WriteLine(output.ToString());
        Assert.Contains("session 1/2", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("session 2/2", error.ToString(), StringComparison.Ordinal);

        var document = File.ReadAllText(markdown);
        Assert.StartsWith("# Accuracy\n\nMethod text.", document, StringComparison.Ordinal);
        Assert.EndsWith("Discussion text.\n", document, StringComparison.Ordinal);
        Assert.DoesNotContain("old table", document, StringComparison.Ordinal);
        foreach (var metric in AccuracyMetric.All)
        {
            // One row per metric with a cell for all, the three groups and the two sensors.
            var row = document.Split('\n').Single(l => l.StartsWith($"| {metric.Name} ({metric.Unit}) | ≤ ", StringComparison.Ordinal));
            Assert.Equal(AccuracyColumn.Standard.Count + 3, row.Split('|').Length - 1);
        }

        Assert.Contains("| mislabelled digits | 0 | 0/10 (0.0 %) ✓", document, StringComparison.Ordinal);

        using var parsed = JsonDocument.Parse(File.ReadAllText(json));
        var sessions = parsed.RootElement.GetProperty("sessions");
        Assert.Equal(2, sessions.GetArrayLength());
        var digits = sessions.EnumerateArray().SelectMany(s => s.GetProperty("digits").EnumerateArray()).ToList();
        Assert.Equal(10, digits.Count);
        Assert.All(sessions.EnumerateArray(), s => Assert.True(s.GetProperty("baseline_found").GetBoolean()));
        foreach (var digit in digits)
        {
            var name = "D" + digit.GetProperty("digit").GetInt32();
            // The easy case: every tip found within the finder's stated 1 px, and named right.
            Assert.True(digit.GetProperty("detected").GetBoolean(), name);
            Assert.False(digit.GetProperty("mislabelled").GetBoolean(), name);
            Assert.InRange(digit.GetProperty("position_error_px").GetDouble(), 0, 1.0);
            // Baseline within 1.5 °C (partial volume of a 1.6 px fingertip, worst placed digit; docs/accuracy.md).
            Assert.InRange(digit.GetProperty("baseline_error_c").GetDouble(), -1.5, 1.5);
            // Recovery at 300 s is a ratio: partial volume cancels while the hand keeps its place; 15 points covers the
            // re-placed hand after the water.
            Assert.InRange(digit.GetProperty("recovery_300_error_pct").GetDouble(), -15, 15);
            // 600 and 900 s lie beyond this shortened session: null on both sides, not a made-up number.
            Assert.Equal(JsonValueKind.Null, digit.GetProperty("recovery_900_error_pct").ValueKind);
        }
    }

    [Fact]
    public void Design_covers_every_group_sensor_and_distance_with_both_hands()
    {
        var design = AccuracyDesign.Build(36, 100);

        Assert.Equal(36, design.Select(s => (s.Group, s.FovDegrees, s.DistanceCm)).Distinct().Count());
        Assert.Equal(36, design.Select(s => s.Seed).Distinct().Count());
        foreach (var cell in design.GroupBy(s => (s.Group, s.FovDegrees)))
        {
            Assert.Equal(3, cell.Count(s => s.Hand == Hand.Left));
            Assert.Equal(3, cell.Count(s => s.Hand == Hand.Right));
        }

        // Any prefix of six has all three groups on both sensors.
        Assert.Equal(6, design.Take(6).Select(s => (s.Group, s.FovDegrees)).Distinct().Count());
        Assert.All(design, s => Assert.InRange(s.DistanceCm, 15, 40));
        // Beyond 36 the cells repeat with new patients.
        var longer = AccuracyDesign.Build(40, 1);
        Assert.Equal((longer[0].Group, longer[0].FovDegrees, longer[0].DistanceCm), (longer[36].Group, longer[36].FovDegrees, longer[36].DistanceCm));
        Assert.NotEqual(longer[0].Seed, longer[36].Seed);
    }

    [Fact]
    public void Quantiles_interpolate_between_order_statistics()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5.5, ErrorSummary.Quantile(sorted, 0.5), 12);
        Assert.Equal(9.1, ErrorSummary.Quantile(sorted, 0.9), 12);
        Assert.Equal(3.0, ErrorSummary.Quantile([3.0], 0.9), 12);

        var summary = ErrorSummary.Of([-2.0, 1.0, -4.0, 3.0])!;
        Assert.Equal(4, summary.Count);
        Assert.Equal(2.5, summary.Median, 12);
        Assert.Equal(-0.5, summary.MeanSigned, 12);
        Assert.Equal("2.50 ✓ / 3.70 ✗", summary.Cell(3.0, "0.00"));
        Assert.Null(ErrorSummary.Of([]));
    }

    [Fact]
    public void A_tip_nearest_to_another_digits_true_tip_counts_as_mislabelled()
    {
        PixelPoint?[] truth = [new(25, 12), new(20, 4), new(17, 3), new(15, 3.5), new(12.5, 6)];
        var protocolSettings = RewarmingSettings.Default;
        var flat = new RewarmingMetrics { BaselineCelsius = 30 };
        var trueMetrics = new TrueSessionMetrics(truth, Enumerable.Repeat(flat, 5).ToList(), new RewarmingMetrics { BaselineCelsius = 31 });

        // The thumb found twice (as D1 and D2), the others shifted by one finger: what the finder did on the 110° sensor.
        PixelPoint?[] found = [new(25.1, 12), new(24.8, 11.9), new(20.2, 4.1), new(17.1, 3.0), new(15.0, 3.4)];
        var rois = found.Select((p, i) => new RoiResult(RegionNames.Digit(i + 1), i + 1, p, new RewarmingMetrics { BaselineCelsius = 29.5 }, [])).ToList();
        rois.Add(new RoiResult(RegionNames.Dorsum, null, null, new RewarmingMetrics { BaselineCelsius = 31.2 }, []));
        var result = new AnalysisResult(
            Hand.Right, rois, HandSummary.DistalDorsalDifference(rois, protocolSettings), [], new QualityReport([], 0, 0), new ChallengeTiming(120, 180), false, 1080);

        var comparison = SessionComparison.Compare(result, trueMetrics);

        Assert.Equal([false, true, true, true, true], comparison.Select(c => c.Mislabelled));
        Assert.Equal(0.1, comparison[0].PositionErrorPixels!.Value, 6);
        Assert.Equal(-0.5, comparison[2].BaselineErrorCelsius!.Value, 6);
        // DDD: (31.2 − 29.5) − (31 − 30) = +0.7 °C.
        Assert.Equal(0.7, comparison[3].DddErrorCelsius!.Value, 6);
    }
}
