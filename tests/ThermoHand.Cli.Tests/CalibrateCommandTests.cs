using System.Text.Json;
using ThermoHand.Cli.Commands;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;

namespace ThermoHand.Cli.Tests;

/// <summary>
/// The calibration workflow end to end: emulated sensor with realistic pixel errors → <c>thermohand calibrate</c> →
/// calibration file and report → <c>thermohand calibration check</c>.
/// </summary>
public sealed class CalibrateCommandTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "thcal-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static (int Code, string Output, string Error) Run(ICliCommand command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CommandTable([command]).Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private (int Code, string Output, string Error) Calibrate(PixelResponseErrors? errors, params string[] extra)
        => Run(new CalibrateCommand { EmulatedPixelErrors = errors }, ["calibrate", "--emulated", "--library", Path.Combine(root, "lib"), "--report", Path.Combine(root, "report"), .. extra]);

    private static (int Code, string Output, string Error) Check(params string[] args) => Run(new CalibrationCheckCommand(), ["calibration", "check", .. args]);

    [Fact]
    public void Emulated_sensor_is_calibrated_errors_shrink_planted_bad_pixels_are_found_and_the_file_checks()
    {
        var (code, output, error) = Calibrate(null);
        Assert.True(code == ExitCodes.Ok, output + error);
        Assert.Contains("PASSED — stored as 1710A2240185/v1", output, StringComparison.Ordinal);
        Assert.Contains("warming up", error, StringComparison.Ordinal);
        Assert.Contains("image 32/32", error, StringComparison.Ordinal);

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "report", "report.json")));
        var quality = report.RootElement.GetProperty("quality");
        var before = quality.GetProperty("meanAbsoluteErrorBeforeCelsius").GetDouble();
        var after = quality.GetProperty("meanAbsoluteErrorAfterCelsius").GetDouble();
        Assert.InRange(before, 0.6, 1.6);
        Assert.True(after < 0.1, $"mean error after calibration {after} °C");

        // Exactly the pixels the emulator planted (same default errors, same EEPROM) are found, each of the right kind.
        var planted = PlantedPixelErrors.Draw(new PixelResponseErrors(), Mlx90640Calibration.Extract(EmulatedMlx90640.DefaultEepromWords.Span));
        var found = report.RootElement.GetProperty("badPixels").EnumerateArray()
            .Select(b => (Pixel: b.GetProperty("pixel").GetInt32(), Kind: b.GetProperty("kind").GetString()))
            .ToArray();
        Assert.Equal(planted.DeadPixels, found.Where(f => f.Kind == "dead").Select(f => f.Pixel));
        Assert.Equal(planted.NoisyPixels, found.Where(f => f.Kind == "noisy").Select(f => f.Pixel));
        foreach (var picture in new[] { "error-before-after.png", "gain.png", "offset.png", "noise.png", "bad-pixels.png", "report.md" })
        {
            Assert.True(new FileInfo(Path.Combine(root, "report", picture)).Length > 100, picture);
        }

        var file = Path.Combine(root, "lib", "1710A2240185", "v0001.thcal.json");
        var (checkCode, checkOutput, _) = Check(file);
        Assert.Equal(ExitCodes.Ok, checkCode);
        Assert.Contains("checksum OK", checkOutput, StringComparison.Ordinal);
        Assert.Contains("calibration 1710A2240185/v1", checkOutput, StringComparison.Ordinal);

        // A second run of the same sensor becomes version 2; the first is never overwritten.
        Assert.Equal(ExitCodes.Ok, Calibrate(null, "--frames", "16").Code);
        Assert.True(File.Exists(Path.Combine(root, "lib", "1710A2240185", "v0002.thcal.json")));
    }

    [Fact]
    public void A_sensor_with_too_many_bad_pixels_fails_says_why_and_stores_nothing()
    {
        var (code, output, _) = Calibrate(new PixelResponseErrors { DeadPixels = 3, NoisyPixels = 3 }, "--frames", "16");
        Assert.Equal(CalibrationExitCodes.FailedLimits, code);
        Assert.Contains("FAILED — not stored", output, StringComparison.Ordinal);
        Assert.Contains("6 bad pixels (3 dead, 3 noisy) are more than the 4 allowed", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "lib")));
        Assert.Contains("FAILED", File.ReadAllText(Path.Combine(root, "report", "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_too_close_together_are_refused_before_anything_runs()
    {
        var (code, _, error) = Calibrate(null, "--targets", "25,35", "--verify", "34");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("the verification target (34.0 °C) is only 1.0 °C from the fit target 35.0 °C", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "report")));
    }

    [Fact]
    public void Damaged_and_expired_files_are_refused_or_flagged()
    {
        Assert.Equal(ExitCodes.Ok, Calibrate(null, "--frames", "16", "--expires-days", "30").Code);
        var file = Path.Combine(root, "lib", "1710A2240185", "v0001.thcal.json");

        var (expiredCode, expiredOutput, _) = Check(file, "--at", DateTimeOffset.UtcNow.AddDays(31).ToString("yyyy-MM-dd"));
        Assert.Equal(CalibrationExitCodes.Expired, expiredCode);
        Assert.Contains("EXPIRED", expiredOutput, StringComparison.Ordinal);
        var (soonCode, soonOutput, _) = Check(file, "--at", DateTimeOffset.UtcNow.AddDays(20).ToString("yyyy-MM-dd"));
        Assert.Equal(ExitCodes.Ok, soonCode);
        Assert.Contains("expires within 30 days", soonOutput, StringComparison.Ordinal);

        var text = File.ReadAllText(file);
        var at = text.IndexOf("\"gain\":[", StringComparison.Ordinal) + 8;
        var damaged = Path.Combine(root, "damaged.thcal.json");
        File.WriteAllText(damaged, string.Concat(text.AsSpan(0, at), text[at] == '1' ? "2" : "1", text.AsSpan(at + 1)));
        var (damagedCode, _, damagedError) = Check(damaged);
        Assert.Equal(ExitCodes.InvalidInput, damagedCode);
        Assert.Contains("REFUSED", damagedError, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch", damagedError, StringComparison.Ordinal);

        var (missingCode, _, missingError) = Check(Path.Combine(root, "nothing.thcal.json"));
        Assert.Equal(ExitCodes.InvalidInput, missingCode);
        Assert.Contains("no such calibration file", missingError, StringComparison.Ordinal);
    }
}

/// <summary>The technician's side of a real-sensor run: prompts on the terminal, re-asked until a number is typed.</summary>
public sealed class CalibrationPromptTests
{
    [Fact]
    public void Interactive_prompt_waits_for_Enter_and_asks_again_until_a_temperature_is_typed()
    {
        var shown = new StringWriter();
        var prompt = new InteractiveCalibrationPrompt(new StringReader("\nthirty\n30.02\n"), shown);
        var target = new ThermoHand.Calibration.CalibrationTarget(2, 3, 28, ThermoHand.Calibration.TargetRole.Verification);
        prompt.PresentTarget(target);
        Assert.Equal(30.02, prompt.ReadReferenceTemperature(target));
        Assert.Contains("target 2 of 3 (28 °C, verification): bring the blackbody or stirred bath to about 28 °C", shown.ToString(), StringComparison.Ordinal);
        Assert.Contains("'thirty' is not a temperature", shown.ToString(), StringComparison.Ordinal);
        Assert.Throws<ThermoHand.Calibration.CalibrationProcedureException>(() => prompt.ReadReferenceTemperature(target));
    }
}
