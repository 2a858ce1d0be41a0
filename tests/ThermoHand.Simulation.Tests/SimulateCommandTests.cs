using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Cli;
using ThermoHand.Cli.Commands;
using ThermoHand.Recording.Csv;
using ThermoHand.Recording.Events;
using ThermoHand.Recording.Native;
using ThermoHand.TestSupport;

namespace ThermoHand.Simulation.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "thermohand-simulate-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void WritesEverySessionFileThroughTheDriver()
    {
        var (code, output, error) = Run(
            "simulate", "--group", "ssc", "--seed", "5", "--hand", "left", "--out", directory, "--png",
            "--baseline-s", "6", "--challenge-s", "4", "--rewarming-s", "10", "--noise-c", "0",
            "--sensor-vector", SharedData.PathOf("vectors", "mlx90640", "real_melexis_sample_chess18.json"));
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("20 frames", output);
        Assert.Contains("100 %", error); // progress goes to stderr

        // 2 Hz refresh = 1 full frame per second for 20 s.
        var frames = FrameCsv.Read(Path.Combine(directory, "frames.csv")).ToList();
        Assert.Equal(20, frames.Count);
        Assert.Equal(1.0, frames[1].TimeSeconds - frames[0].TimeSeconds, 1e-9);

        var events = SessionEventsJson.Read(Path.Combine(directory, "events.json"));
        Assert.Equal(Hand.Left, events.Hand);
        Assert.Equal(6.0, events.TimeOf(SessionEventTypes.ChallengeStart));
        Assert.Equal(10.0, events.TimeOf(SessionEventTypes.ChallengeEnd));

        using var truthDocument = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "truth.json")));
        var truthFrames = truthDocument.RootElement.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(frames.Count, truthFrames.Count);

        // The measured baseline frame agrees with the truth where the region is wide (the dorsum): only the seeded
        // fixed-pattern noise (SD 0.1 °C) and the driver's rounding separate them.
        var baseline = frames[2];
        var truth = truthFrames[2];
        Assert.Equal(baseline.TimeSeconds, truth.GetProperty("t_s").GetDouble(), 1e-6);
        var dorsumXy = truth.GetProperty("dorsum_xy");
        var measured = baseline[(int)Math.Round(dorsumXy[1].GetDouble()), (int)Math.Round(dorsumXy[0].GetDouble())];
        Assert.Equal(truth.GetProperty("dorsum_c").GetDouble(), measured, 0.4);

        // While the hands are in the water the sensor sees only the room.
        var immersed = frames.First(f => f.TimeSeconds is > 7 and < 9);
        Assert.All(immersed.TemperaturesCelsius, t => Assert.InRange(t, 22.4, 23.6));

        // The native recording holds the raw subpages and both events.
        using var reader = SessionRecordingReader.Open(Path.Combine(directory, "session" + RecordingFormat.FileExtension));
        var entries = reader.ReadAll().ToList();
        Assert.Equal(40, entries.OfType<SubpageEntry>().Count());
        Assert.Equal(2, entries.OfType<EventEntry>().Count());
        Assert.Equal(Hand.Left, reader.Header.Hand);

        var png = File.ReadAllBytes(Path.Combine(directory, "strip.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public void RefusesToOverwriteAnEarlierSession()
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "frames.csv"), "earlier");
        var (code, _, error) = Run(
            "simulate", "--group", "healthy", "--out", directory, "--baseline-s", "2", "--challenge-s", "2", "--rewarming-s", "6");
        Assert.Equal(ExitCodes.IoError, code);
        Assert.Contains("already exists", error);
        Assert.Equal("earlier", File.ReadAllText(Path.Combine(directory, "frames.csv")));
    }

    [Theory]
    [InlineData("--group", "sick", "must be healthy, primary or ssc")]
    [InlineData("--distance-cm", "90", "--distance-cm must be 15 to 40")]
    [InlineData("--fov", "60", "--fov must be 55")]
    [InlineData("--rate-hz", "3", "--rate-hz must be a sensor refresh rate")]
    public void RejectsABadCommandLineNamingTheOption(string option, string value, string expected)
    {
        var args = new List<string> { "simulate", "--group", "healthy", "--out", directory };
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (code, _, error) = Run([.. args]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(expected, error);
        Assert.False(Directory.Exists(directory));
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CommandTable([new SimulateCommand()]).Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
