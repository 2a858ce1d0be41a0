using System.Text.Json;
using ThermoHand.Cli;
using ThermoHand.Cli.Commands;
using ThermoHand.Recording.Csv;
using ThermoHand.Recording.Native;
using ThermoHand.TestSupport;

namespace ThermoHand.Recording.Tests;

/// <summary>The recording, import and export commands run in-process, as `thermohand` would run them.</summary>
public sealed class RecordingCommandsTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("thermohand-cli-");

    public void Dispose() => folder.Delete(recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var table = new CommandTable([new RecordingInfoCommand(), new ImportBenchCommand(), new ExportCsvCommand()]);
        var code = table.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string WriteVectorRecording(bool close = true)
    {
        var path = Path.Combine(folder.FullName, "session.threc");
        var header = RecordingTestData.Header() with { Emissivity = 1.0f, ReflectedTemperature = ReflectedTemperatureRule.VendorDefault };
        var writer = SessionRecordingWriter.Create(path, header);
        var first = RecordingTestData.RealSubpage(0);
        first.TimeSeconds = 3.0;
        var second = RecordingTestData.RealSubpage(1);
        second.TimeSeconds = 3.5;
        writer.WriteSubpage(first);
        writer.WriteEvent(new Analysis.SessionEvent(3.2, Analysis.SessionEventTypes.ChallengeStart));
        writer.WriteSubpage(second);
        if (close)
        {
            writer.Dispose();
        }

        return path;
    }

    [Fact]
    public void Recording_info_reports_header_counts_and_a_normal_close()
    {
        var path = WriteVectorRecording();
        var (code, output, error) = Run("recording", "info", path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        Assert.Contains("subpages:      2 (1 of subpage 0, 1 of subpage 1)", output);
        Assert.Contains("duration:      0.5 s (3 .. 3.5)", output);
        Assert.Contains("3.2 s  challenge_start", output);
        Assert.Contains("state:         closed normally", output);
    }

    [Fact]
    public void Recording_info_on_a_truncated_file_still_reports_and_exits_with_invalid_input()
    {
        var path = WriteVectorRecording();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^30]); // cuts the end record and the tail of the last subpage
        var (code, output, error) = Run("recording", "info", path);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("subpages:      1 (", output);
        Assert.Contains("truncated", output);
        Assert.Contains("is damaged", error);
    }

    [Fact]
    public void Recording_info_refuses_a_file_that_is_not_a_recording()
    {
        var path = Path.Combine(folder.FullName, "notes.txt");
        File.WriteAllText(path, "hello");
        var (code, _, error) = Run("recording", "info", path);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("not a ThermoHand session recording", error);
        Assert.Equal(ExitCodes.IoError, Run("recording", "info", Path.Combine(folder.FullName, "missing.threc")).Code);
    }

    [Fact]
    public void Import_bench_writes_gzip_csv_and_lists_the_rejected_frame()
    {
        var raw = Path.Combine(SharedData.RecordingsDirectory, "ds-16-55-20200525-DSN200u.raw");
        var csv = Path.Combine(folder.FullName, "bench.csv.gz");
        var (code, output, error) = Run("import", "bench", raw, "--out", csv);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("683 frames read, 682 kept, 1 rejected", output);
        Assert.Contains("frame 0 rejected: 384 of 768 pixels are exactly 0", error);
        Assert.Equal(682, FrameCsv.Read(csv).Count());
        Assert.Equal(ExitCodes.Usage, Run("import", "bench", raw).Code); // --out is required
    }

    [Fact]
    public void Export_csv_recomputes_the_reference_image_from_the_raw_subpages()
    {
        var path = WriteVectorRecording(close: false); // a crashed session exports what it holds
        var csv = Path.Combine(folder.FullName, "frames.csv");
        var (code, output, error) = Run("export", "csv", path, "--out", csv);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("1 frames", output);
        Assert.Equal("", error); // not closed is not damage
        var frame = Assert.Single(FrameCsv.Read(csv));
        Assert.Equal(3.5, frame.TimeSeconds);
        var expected = RecordingTestData.VectorRoot.GetProperty("outputs").GetProperty("frames")[1]
            .GetProperty("to_accumulated_badpix_corrected").EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Number ? e.GetSingle() : float.NaN).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], frame.TemperaturesCelsius[i], 0.0015f); // CSV keeps 3 decimals
        }

        // Another emissivity changes the result: the raw data really is recomputed.
        var lowEmissivity = Path.Combine(folder.FullName, "frames-e095.csv");
        Assert.Equal(ExitCodes.Ok, Run("export", "csv", path, "--out", lowEmissivity, "--emissivity", "0.95").Code);
        var other = Assert.Single(FrameCsv.Read(lowEmissivity));
        Assert.True(Math.Abs(other.TemperaturesCelsius[400] - frame.TemperaturesCelsius[400]) > 0.1);

        Assert.Equal(ExitCodes.Usage, Run("export", "csv", path, "--out", csv, "--emissivity", "1.5").Code);
    }
}
