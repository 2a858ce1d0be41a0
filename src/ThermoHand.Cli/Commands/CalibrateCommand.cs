using System.Device.I2c;
using System.Globalization;
using ThermoHand.Calibration;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Commands;

/// <summary>Exit codes of the calibration commands beyond <see cref="ExitCodes"/>: the run worked but the result must not be used.</summary>
public static class CalibrationExitCodes
{
    /// <summary><c>calibrate</c> finished, but the calibration did not meet its limits (nothing stored).</summary>
    public const int FailedLimits = 4;

    /// <summary><c>calibration check</c>: the file is intact but past its expiry date.</summary>
    public const int Expired = 5;
}

/// <summary>
/// <c>thermohand calibrate</c>: the guided site calibration of one sensor (docs/calibration.md) on a real sensor
/// (<c>--i2c-bus</c>) or the emulated one (<c>--emulated</c>, realistic pixel errors, fast clock). Progress goes to
/// stderr, the summary to stdout; a passing calibration is stored in <c>--library</c>, a report written to <c>--report</c>.
/// </summary>
public sealed class CalibrateCommand : ICliCommand
{
    public string Name => "calibrate";

    public string Usage =>
        "(--emulated [--seed N] | --i2c-bus N [--address 0x33] [--reference-temps T1,T2,T3]) [--targets 20,36] [--verify 28] " +
        "[--frames 32] [--target blackbody|water] [--emissivity E] [--expires-days 180] [--library DIR] [--report DIR]";

    public string Summary => "Calibrate a sensor against reference targets: per-pixel gain/offset, bad pixels, verified report.";

    /// <summary>Where interactive answers come from (the terminal; tests give their own).</summary>
    internal TextReader Input { get; init; } = Console.In;

    /// <summary>The emulated sensor's pixel errors; null = <c>new PixelResponseErrors { Seed = --seed }</c>. Tests plant their own.</summary>
    internal PixelResponseErrors? EmulatedPixelErrors { get; init; }

    /// <summary>"Now" for the file's creation date (tests fix it).</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var emulated = args.Flag("emulated");
        var bus = args.IntOption("i2c-bus");
        var addressText = args.Option("address");
        var seed = args.IntOption("seed");
        var referenceTemps = args.Option("reference-temps");
        var targetWord = args.Option("target") ?? "blackbody";
        var kind = targetWord switch
        {
            "blackbody" => ReferenceTargetKind.Blackbody,
            "water" => ReferenceTargetKind.StirredWaterBath,
            _ => throw new CommandLineException($"--target must be blackbody or water, not '{targetWord}'"),
        };
        var emissivity = args.DoubleOption("emissivity") ?? ReferenceTargetScene.EmissivityOf(kind);
        var plan = new CalibrationPlan
        {
            FitTargetsCelsius = Numbers(args.Option("targets"), "targets") ?? CalibrationPlan.DefaultFitTargetsCelsius,
            VerificationTargetCelsius = args.DoubleOption("verify") ?? CalibrationPlan.DefaultVerificationTargetCelsius,
            ImagesPerTarget = args.IntOption("frames") ?? 32,
            TargetEmissivity = (float)emissivity,
        };
        var expiresDays = args.IntOption("expires-days") ?? 180;
        var library = args.Option("library");
        var reportDirectory = args.Option("report");
        args.EnsureAllConsumed(0);

        if (emulated == (bus is not null))
        {
            throw new CommandLineException("give either --emulated or --i2c-bus N (the sensor to calibrate)");
        }

        if (emulated && (addressText is not null || referenceTemps is not null))
        {
            throw new CommandLineException("--address and --reference-temps are for a real sensor (--i2c-bus); the emulated bench reads its own thermometer");
        }

        if (!emulated && seed is not null)
        {
            throw new CommandLineException("--seed is for the emulated sensor (--emulated)");
        }

        if (expiresDays is < 1 or > 3650)
        {
            throw new CommandLineException($"--expires-days must be 1 to 3650, not {expiresDays}");
        }

        var problems = plan.Validate();
        if (problems.Count > 0)
        {
            throw new CommandLineException("the calibration plan cannot work: " + string.Join("; ", problems));
        }

        var readings = Numbers(referenceTemps, "reference-temps");
        if (readings is not null && readings.Count != plan.Targets().Count)
        {
            throw new CommandLineException($"--reference-temps needs {plan.Targets().Count} readings, one per target in ascending order ({string.Join(", ", plan.Targets().Select(t => t.NominalCelsius.ToString("0.#", CultureInfo.InvariantCulture)))} °C), not {readings.Count}");
        }

        try
        {
            CalibrationResult result;
            string description;
            if (emulated)
            {
                var errors = EmulatedPixelErrors ?? new PixelResponseErrors() with { Seed = seed ?? 1 };
                var scene = new ReferenceTargetScene(plan.Targets()[0].NominalCelsius, kind, seed ?? 1);
                using var bench = new ReferenceTargetBench(scene, errors);
                description = $"emulated MLX90640 (Melexis sample EEPROM, pixel errors seed {errors.Seed}) looking at an emulated {(kind == ReferenceTargetKind.Blackbody ? "blackbody" : "stirred water bath")}";
                result = Calibrate(plan, bench, new EmulatedCalibrationPrompt(scene, error), error);
            }
            else
            {
                var address = ParseAddress(addressText);
                using var sensor = new Mlx90640.Mlx90640(I2cDevice.Create(new I2cConnectionSettings(bus!.Value, address)));
                sensor.ReadingPattern = ReadingPattern.Chess;
                sensor.RefreshRate = RefreshRate.TwoHertz;
                description = $"MLX90640 on I2C bus {bus} at 0x{address:X2}";
                ICalibrationPrompt prompt = readings is null ? new InteractiveCalibrationPrompt(Input, error) : new ScriptedCalibrationPrompt(readings, error);
                result = Calibrate(plan, sensor, prompt, error);
            }

            return Finish(result, description, expiresDays, library, reportDirectory, output, error);
        }
        catch (CalibrationProcedureException e)
        {
            error.WriteLine($"thermohand calibrate: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Mlx90640EepromException e)
        {
            error.WriteLine($"thermohand calibrate: the sensor's EEPROM is not usable: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // On a real sensor the usual causes are wiring, I2C not enabled, or permissions: say where to look.
            var hint = emulated ? "" : " Check that I2C is enabled (dtparam=i2c_arm=on, hardware/), the sensor's wiring and supply, and that this user may open /dev/i2c-* (group i2c).";
            error.WriteLine($"thermohand calibrate: {e.Message}{hint}");
            return ExitCodes.IoError;
        }
    }

    private static CalibrationResult Calibrate(CalibrationPlan plan, ISubpageSource source, ICalibrationPrompt prompt, TextWriter error)
    {
        var lastWarmUpReport = double.NegativeInfinity;
        void Report(CalibrationProgress p)
        {
            // One warm-up line per sensor minute and a few per target: a technician can follow it, a log stays short.
            var show = p.Stage switch
            {
                CalibrationStage.WarmingUp => p.SensorSeconds - lastWarmUpReport >= 60 || p.DriftCelsiusPerMinute is var d && Math.Abs(d) < plan.WarmUp.MaxDriftCelsiusPerMinute,
                CalibrationStage.Capturing => p.ImagesCaptured == 1 || p.ImagesCaptured == p.ImagesWanted || p.ImagesCaptured % 8 == 0,
                _ => true,
            };
            if (show)
            {
                if (p.Stage == CalibrationStage.WarmingUp)
                {
                    lastWarmUpReport = p.SensorSeconds;
                }

                error.WriteLine(p.Message);
            }
        }

        return new CalibrationWorkflow(plan, prompt, Report).Run(source);
    }

    private int Finish(CalibrationResult result, string description, int expiresDays, string? libraryRoot, string? reportDirectory, TextWriter output, TextWriter error)
    {
        var c = CultureInfo.InvariantCulture;
        var created = Clock.GetUtcNow();
        created = new DateTimeOffset(created.Year, created.Month, created.Day, created.Hour, created.Minute, created.Second, TimeSpan.Zero);
        var expires = created.AddDays(expiresDays);
        var q = result.Quality;
        (string Id, string Path)? saved = null;
        if (q.Passed && libraryRoot is not null)
        {
            var library = new CalibrationLibrary(libraryRoot);
            var calibration = result.ToSiteCalibration(library.NextVersion(result.SensorId), created, expires);
            saved = (calibration.Id, library.Save(calibration));
        }

        if (reportDirectory is not null)
        {
            CalibrationReport.Write(reportDirectory, result, description, saved, created, expires);
        }

        output.WriteLine($"sensor {result.SensorId}: {description}");
        output.WriteLine(string.Create(c, $"warm-up until stable: {result.WarmUpSeconds / 60:0.0} min"));
        output.WriteLine(string.Create(c, $"verification at {q.VerificationTargetCelsius:0.00} °C: mean abs error {q.MeanAbsoluteErrorBeforeCelsius:0.000} °C before → {q.MeanAbsoluteErrorAfterCelsius:0.000} °C after; largest {q.MaxAbsoluteErrorBeforeCelsius:0.000} → {q.MaxAbsoluteErrorAfterCelsius:0.000} °C"));
        output.WriteLine(string.Create(c, $"median noise {q.MedianNoiseCelsius:0.000} °C, uniformity {q.UniformityCelsius:0.000} °C, bad pixels {q.BadPixelCount} ({string.Join(", ", result.Fit.BadPixels.Select(b => $"{b.Pixel} {(b.Kind == BadPixelKind.Dead ? "dead" : "noisy")}"))})"));
        if (reportDirectory is not null)
        {
            output.WriteLine($"report: {Path.Combine(reportDirectory, CalibrationReport.MarkdownName)}");
        }

        if (!q.Passed)
        {
            output.WriteLine("FAILED — not stored:");
            foreach (var failure in q.Failures)
            {
                output.WriteLine($"  - {failure}");
            }

            return CalibrationExitCodes.FailedLimits;
        }

        output.WriteLine(saved is { } s
            ? $"PASSED — stored as {s.Id} in {s.Path} (valid until {expires:yyyy-MM-dd})"
            : "PASSED — not stored (give --library DIR to store it)");
        if (saved is null && libraryRoot is null)
        {
            error.WriteLine("note: without --library the calibration is only reported, never applied.");
        }

        return ExitCodes.Ok;
    }

    private static List<double>? Numbers(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        var values = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            values.Add(double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v
                : throw new CommandLineException($"--{option} must be numbers separated by commas (°C), not '{text}'"));
        }

        return values;
    }

    private static int ParseAddress(string? text)
    {
        if (text is null)
        {
            return Mlx90640.Mlx90640.DefaultI2cAddress;
        }

        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return int.TryParse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address) && address is >= 0x08 and <= 0x77
            ? address
            : throw new CommandLineException($"--address must be a 7-bit I2C address in hex (0x08–0x77), not '{text}'");
    }
}
