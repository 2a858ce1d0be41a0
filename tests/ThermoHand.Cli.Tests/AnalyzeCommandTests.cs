using System.IO.Compression;
using System.Text.Json;
using SkiaSharp;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Cli.Commands;
using ThermoHand.Recording.Csv;
using ThermoHand.Recording.Events;

namespace ThermoHand.Cli.Tests;

/// <summary>
/// <c>thermohand analyze</c> end to end: a CSV and events file written here, read by the real readers, regions from a
/// pixel-reading fake tracker (each region has its own pixel), then the JSON checked field by field against
/// shared/formats.md §4 and the closed-form curve values.
/// </summary>
public sealed class AnalyzeCommandTests : IDisposable
{
    private const double ChallengeStart = 120;
    private const double ChallengeEnd = 180;
    private const double Background = 23;

    // Fingertip Dd sits at pixel (row 3, column 5·d); the dorsum at (row 16, column 16).
    private static readonly (string Name, int Row, int Column, double Baseline, double Minimum, double Lag, double Tau)[] Regions =
    [
        ("D1", 3, 5, 31.0, 24.0, 20, 100),
        ("D2", 3, 10, 29.0, 22.0, 30, 150),
        ("D3", 3, 15, 29.5, 22.5, 40, 180),
        ("D4", 3, 20, 30.0, 23.0, 30, 200),
        ("D5", 3, 25, 28.0, 21.0, 60, 250),
        (RegionNames.Dorsum, 16, 16, 31.0, 27.0, 0, 120),
    ];

    private readonly string directory = Directory.CreateTempSubdirectory("thermohand-analyze-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static double CurveAt(int region, double t)
    {
        var r = Regions[region];
        if (t < ChallengeStart)
        {
            return r.Baseline;
        }

        var u = t - ChallengeEnd;
        return u <= r.Lag ? r.Minimum : r.Baseline - ((r.Baseline - r.Minimum) * Math.Exp(-(u - r.Lag) / r.Tau));
    }

    private static IEnumerable<ThermalFrame> Frames(double until = ChallengeEnd + 920)
    {
        for (var t = 0.0; t <= until; t += 1)
        {
            var pixels = new float[ThermalFrame.PixelCount];
            var inWater = t >= ChallengeStart && t < ChallengeEnd;
            Array.Fill(pixels, inWater ? 15f : (float)Background);
            if (!inWater)
            {
                for (var i = 0; i < Regions.Length; i++)
                {
                    pixels[(Regions[i].Row * ThermalFrame.Columns) + Regions[i].Column] = (float)CurveAt(i, t);
                }
            }

            yield return new ThermalFrame(t, pixels);
        }
    }

    /// <summary>Reads each region from its own pixel; the hand is "in view" when the dorsum pixel is warm.</summary>
    private sealed class PixelTracker(Hand hand) : IHandRegionTracker
    {
        public Hand Hand { get; } = hand;

        public RegionFrameResult Process(ThermalFrame frame)
        {
            var inView = frame[16, 16] > 26;
            var readings = Regions.Select(r => new RegionReading(
                r.Name,
                r.Name == RegionNames.Dorsum ? null : r.Name[1] - '0',
                inView ? frame[r.Row, r.Column] : double.NaN,
                r.Column,
                r.Row,
                inView,
                inView ? null : RegionFlags.HandOutOfView)).ToList();
            return new RegionFrameResult(frame.TimeSeconds, inView, readings, inView ? [] : [RegionFlags.HandOutOfView]);
        }
    }

    private (string Csv, string Events) WriteSession(string csvName = "frames.csv", IEnumerable<ThermalFrame>? frames = null)
    {
        var csv = Path.Combine(directory, csvName);
        FrameCsv.Write(csv, frames ?? Frames());
        var events = Path.Combine(directory, "events.json");
        File.WriteAllText(events, """
            {"events": [{"t_s": 120.0, "type": "challenge_start"}, {"t_s": 180.0, "type": "challenge_end"},
                        {"t_s": 300.0, "type": "clinician_note"}],
             "hand": "right"}
            """);
        return (csv, events);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var table = new CommandTable([new AnalyzeCommand(hand => new PixelTracker(hand))]);
        var code = table.Run(["analyze", .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Writes_every_required_field_of_the_result_contract()
    {
        var (csv, events) = WriteSession();
        var resultPath = Path.Combine(directory, "result.json");
        var pngPath = Path.Combine(directory, "analysis.png");

        var (code, output, error) = Run(csv, "--events", events, "--out", resultPath, "--png", pngPath);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal("", output);
        using var json = JsonDocument.Parse(File.ReadAllText(resultPath));
        var root = json.RootElement;
        Assert.Equal("thermohand/analysis/v1", root.GetProperty("schema").GetString());
        Assert.Equal("right", root.GetProperty("hand").GetString());

        var rois = root.GetProperty("rois").EnumerateArray().ToList();
        Assert.Equal(["D1", "D2", "D3", "D4", "D5", "dorsum"], rois.Select(r => r.GetProperty("name").GetString()));
        for (var i = 0; i < Regions.Length; i++)
        {
            var roi = rois[i];
            var r = Regions[i];
            var isFinger = r.Name != RegionNames.Dorsum;
            if (isFinger)
            {
                Assert.Equal(r.Name[1] - '0', roi.GetProperty("digit").GetInt32());
                Assert.Equal(r.Column, roi.GetProperty("tip").GetProperty("x").GetDouble(), 9);
                Assert.Equal(r.Row, roi.GetProperty("tip").GetProperty("y").GetDouble(), 9);
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, roi.GetProperty("digit").ValueKind);
                Assert.Equal(JsonValueKind.Null, roi.GetProperty("tip").ValueKind);
            }

            // CSV temperatures carry 3 decimals: tolerances start at 0.001 °C.
            Assert.Equal(r.Baseline, roi.GetProperty("baseline_c").GetDouble(), 0.001);
            Assert.Equal(r.Minimum, roi.GetProperty("min_c").GetDouble(), 0.01);
            Assert.Equal(r.Baseline - r.Minimum, roi.GetProperty("drop_c").GetDouble(), 0.01);
            var recovery = roi.GetProperty("recovery_pct");
            foreach (var t in new[] { 300, 600, 900 })
            {
                var expected = 100 * (1 - Math.Exp(-(t - r.Lag) / r.Tau));
                Assert.Equal(expected, recovery.GetProperty(t.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetDouble(), 0.2);
            }

            // 1 Hz frames: t50 = lag + τ ln 2 within 0.6 s.
            Assert.Equal(r.Lag + (r.Tau * Math.Log(2)), roi.GetProperty("t50_s").GetDouble(), 0.6);
            Assert.True(roi.GetProperty("max_rate_c_per_min").GetDouble() > 0);
            var span = 900 - r.Lag;
            var area = (r.Baseline - r.Minimum) * (span - (r.Tau * (1 - Math.Exp(-span / r.Tau)))) / 60;
            Assert.Equal(area, roi.GetProperty("auc_above_min_c_min").GetDouble(), 0.05);

            var curve = roi.GetProperty("curve").EnumerateArray().ToList();
            Assert.Equal(921, curve.Count); // 0…920 s at 1 Hz
            Assert.Equal(2, curve[0].GetArrayLength());
            Assert.Equal(0, curve[0][0].GetDouble());
            Assert.Equal(r.Minimum, curve[0][1].GetDouble(), 0.001);
        }

        var ddd = root.GetProperty("ddd_c");
        Assert.Equal(2.0, ddd.GetProperty("D2").GetDouble(), 0.001);  // dorsum 31 − D2 29: fingers colder → positive
        Assert.Equal(1.5, ddd.GetProperty("D3").GetDouble(), 0.001);
        Assert.Equal(1.0, ddd.GetProperty("D4").GetDouble(), 0.001);
        Assert.Equal(3.0, ddd.GetProperty("D5").GetDouble(), 0.001);
        Assert.Equal(1.875, ddd.GetProperty("mean").GetDouble(), 0.001);
        Assert.Contains("positive = fingers colder", root.GetProperty("definitions").GetProperty("ddd_c").GetString());

        var quality = root.GetProperty("quality");
        Assert.Equal(JsonValueKind.Array, quality.GetProperty("flags").ValueKind);
        Assert.Equal(0, quality.GetProperty("flags").GetArrayLength());
        Assert.Equal(1101 - 60, quality.GetProperty("frames_used").GetInt32()); // 1101 frames, 60 in the water
        Assert.Equal(0, quality.GetProperty("frames_rejected").GetInt32());

        using var bitmap = SKBitmap.Decode(pngPath);
        Assert.Equal(1080, bitmap.Width);
        Assert.Equal(400, bitmap.Height);
        Assert.Contains("1041 frames used, 0 rejected", error);
    }

    [Fact]
    public void Writes_to_standard_output_and_reads_gzip_alike()
    {
        var (csv, events) = WriteSession();
        var gz = Path.Combine(directory, "frames.csv.gz");
        using (var source = File.OpenRead(csv))
        using (var target = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
        {
            source.CopyTo(target);
        }

        var plain = Run(csv, "--events", events, "--quiet");
        var zipped = Run(gz, "--events", events, "--quiet");

        Assert.Equal(ExitCodes.Ok, plain.Code);
        Assert.Equal("", plain.Error);
        Assert.Equal(plain.Output, zipped.Output);
        using var json = JsonDocument.Parse(plain.Output);
        Assert.Equal("thermohand/analysis/v1", json.RootElement.GetProperty("schema").GetString());
    }

    [Fact]
    public void Missing_file_is_an_io_error_naming_it()
    {
        var (_, events) = WriteSession();
        var missing = Path.Combine(directory, "nope.csv");
        var (code, output, error) = Run(missing, "--events", events);
        Assert.Equal(ExitCodes.IoError, code);
        Assert.Equal("", output);
        Assert.Contains(missing, error);
    }

    [Fact]
    public void Malformed_csv_names_the_line()
    {
        var (csv, events) = WriteSession();
        var lines = File.ReadAllLines(csv);
        lines[4] = lines[4].Replace(",23,", ",2x3,", StringComparison.Ordinal);
        File.WriteAllLines(csv, lines);

        var (code, output, error) = Run(csv, "--events", events);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal("", output);
        Assert.Contains("line 5", error);
        Assert.Contains("2x3", error);
    }

    [Fact]
    public void Missing_challenge_event_is_invalid_input()
    {
        var (csv, _) = WriteSession();
        var events = Path.Combine(directory, "no-end.json");
        File.WriteAllText(events, """{"events": [{"t_s": 120.0, "type": "challenge_start"}], "hand": "left"}""");

        var (code, output, error) = Run(csv, "--events", events);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal("", output);
        Assert.Contains("challenge_end", error);
    }

    [Fact]
    public void Csv_without_events_is_a_usage_error()
    {
        var (csv, _) = WriteSession();
        var (code, _, error) = Run(csv);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--events", error);
    }

    [Fact]
    public void Short_recording_nulls_late_metrics_and_flags_why()
    {
        var (csv, events) = WriteSession(frames: Frames(until: ChallengeEnd + 400));
        var (code, output, _) = Run(csv, "--events", events, "--quiet");

        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        var d2 = json.RootElement.GetProperty("rois")[1];
        Assert.Equal(JsonValueKind.Null, d2.GetProperty("recovery_pct").GetProperty("900").ValueKind);
        Assert.Equal(JsonValueKind.Null, d2.GetProperty("auc_above_min_c_min").ValueKind);
        Assert.Equal(JsonValueKind.Number, d2.GetProperty("t50_s").ValueKind);
        var flags = json.RootElement.GetProperty("quality").GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains(flags, f => f!.StartsWith("D2: recovery at 900 s not computed: data end 400 s", StringComparison.Ordinal));
    }
}
