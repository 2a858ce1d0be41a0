using System.Globalization;
using ThermoHand.Mlx90640;

namespace ThermoHand.Calibration;

/// <summary>
/// How the workflow talks to the technician: asks for each reference target and for the reference thermometer's
/// reading. The command line implements it interactively, from a list given up front, or (emulated sensor) by
/// setting the emulated target itself.
/// </summary>
public interface ICalibrationPrompt
{
    /// <summary>
    /// Asks for <paramref name="target"/> to be set up (bath or blackbody at its temperature, sensor looking at it) and
    /// returns when it is. Called before the warm-up for the first target.
    /// </summary>
    void PresentTarget(CalibrationTarget target);

    /// <summary>The reference thermometer's reading (°C) for the images just captured at <paramref name="target"/>.</summary>
    double ReadReferenceTemperature(CalibrationTarget target);
}

/// <summary>The steps of a calibration, in order.</summary>
public enum CalibrationStage
{
    WarmingUp,
    Capturing,
    Done,
}

/// <summary>One progress report: the stage, the target (while capturing), counts, and a line for the technician.</summary>
public sealed record CalibrationProgress(CalibrationStage Stage, string Message)
{
    public CalibrationTarget? Target { get; init; }

    public int ImagesCaptured { get; init; }

    public int ImagesWanted { get; init; }

    /// <summary>Seconds since the first image, on the sensor's clock.</summary>
    public double SensorSeconds { get; init; }

    /// <summary>During warm-up: the image mean's drift (°C/min), NaN until a full window.</summary>
    public double DriftCelsiusPerMinute { get; init; } = double.NaN;

    /// <summary>Mean of the latest image's valid pixels (°C).</summary>
    public double ImageMeanCelsius { get; init; } = double.NaN;
}

/// <summary>Everything a calibration run found: the sensor, every target's measurement, the fit and the verdict.</summary>
public sealed class CalibrationResult
{
    internal CalibrationResult(string sensorId, CalibrationPlan plan, double warmUpSeconds, IReadOnlyList<TargetMeasurement> measurements, PixelResponseFit fit, CalibrationQuality quality)
    {
        SensorId = sensorId;
        Plan = plan;
        WarmUpSeconds = warmUpSeconds;
        Measurements = measurements;
        Fit = fit;
        Quality = quality;
    }

    public string SensorId { get; }

    public CalibrationPlan Plan { get; }

    /// <summary>How long the warm-up took until the sensor was stable (s, sensor clock).</summary>
    public double WarmUpSeconds { get; }

    /// <summary>Every target in the order captured.</summary>
    public IReadOnlyList<TargetMeasurement> Measurements { get; }

    public TargetMeasurement Verification => Measurements.Single(m => m.Target.Role == TargetRole.Verification);

    public IReadOnlyList<TargetMeasurement> FitTargets => Measurements.Where(m => m.Target.Role == TargetRole.Fit).ToArray();

    public PixelResponseFit Fit { get; }

    public CalibrationQuality Quality { get; }

    /// <summary>The site calibration to store (whether or not it passed: the caller decides; the command line stores only a pass).</summary>
    public SiteCalibration ToSiteCalibration(int version, DateTimeOffset createdUtc, DateTimeOffset expiresUtc)
        => new(SensorId, version, createdUtc, expiresUtc, Fit.Gain, Fit.OffsetCelsius, Fit.BadPixels.Select(b => b.Pixel), Quality);

    /// <summary>Per-pixel error (°C, measured − reference) at the verification target: factory only, or after the site correction (bad pixels NaN).</summary>
    public float[] VerificationErrorMap(bool corrected)
    {
        var v = Verification;
        var map = new float[SiteCalibration.PixelCount];
        for (var p = 0; p < map.Length; p++)
        {
            var m = v.MeanCelsius[p];
            map[p] = Fit.IsBad(p) && corrected ? float.NaN
                : (float)((corrected ? (Fit.Gain[p] * m) + Fit.OffsetCelsius[p] : m) - v.ReferenceCelsius);
        }

        return map;
    }
}

/// <summary>
/// The guided calibration (docs/calibration.md): point the sensor at the first target and wait until it is warmed up
/// (<see cref="WarmUpMonitor"/>); at each target in ascending order, discard a few images, average
/// <see cref="CalibrationPlan.ImagesPerTarget"/> images and take the reference thermometer's reading; fit each pixel
/// over the fit targets; judge the fit at the verification target. The sensor is read through the real
/// <see cref="FrameAssembler"/> and <see cref="TemperatureCalculator"/>, with the target's emissivity.
/// </summary>
public sealed class CalibrationWorkflow
{
    private readonly CalibrationPlan plan;
    private readonly ICalibrationPrompt prompt;
    private readonly Action<CalibrationProgress> progress;

    public CalibrationWorkflow(CalibrationPlan plan, ICalibrationPrompt prompt, Action<CalibrationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(prompt);
        var problems = plan.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The calibration plan cannot be run: " + string.Join("; ", problems), nameof(plan));
        }

        this.plan = plan;
        this.prompt = prompt;
        this.progress = progress ?? (_ => { });
    }

    /// <summary>
    /// Runs the whole procedure on <paramref name="source"/>. Throws <see cref="CalibrationProcedureException"/> when it
    /// cannot finish (no warm-up, implausible reference, sensor ended), <see cref="IOException"/> for a sensor fault.
    /// </summary>
    public CalibrationResult Run(ISubpageSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var eeprom = source.EepromWords.ToArray();
        var sensorId = SensorIdentity.FromEeprom(eeprom);
        var assembler = new FrameAssembler(new TemperatureCalculator(Mlx90640Calibration.Extract(eeprom)), plan.TargetEmissivity);
        var reader = new ImageReader(source, assembler, cancellationToken);
        var targets = plan.Targets();

        prompt.PresentTarget(targets[0]);
        var warmUpSeconds = WarmUp(reader, targets[0]);

        var measurements = new List<TargetMeasurement>();
        foreach (var target in targets)
        {
            if (target != targets[0])
            {
                prompt.PresentTarget(target);
            }

            measurements.Add(Capture(reader, target));
        }

        var fitTargets = measurements.Where(m => m.Target.Role == TargetRole.Fit).ToArray();
        var verification = measurements.Single(m => m.Target.Role == TargetRole.Verification);
        var fit = PixelResponseFit.Fit(fitTargets, plan.BadPixels, verification);
        var quality = CalibrationVerifier.Assess(fit, fitTargets, verification, plan.Limits) with { ImagesPerTarget = plan.ImagesPerTarget };
        progress(new CalibrationProgress(CalibrationStage.Done, quality.Passed ? "calibration passed" : "calibration FAILED: " + string.Join("; ", quality.Failures)));
        return new CalibrationResult(sensorId, plan, warmUpSeconds, measurements, fit, quality);
    }

    private double WarmUp(ImageReader reader, CalibrationTarget target)
    {
        var monitor = new WarmUpMonitor(plan.WarmUp);
        var c = CultureInfo.InvariantCulture;
        while (true)
        {
            var image = reader.Next();
            var mean = ImageReader.Mean(image);
            if (double.IsNaN(mean))
            {
                throw new CalibrationProcedureException("every pixel of the image is invalid: the sensor is not measuring; check its supply and connection");
            }

            var state = monitor.Add(reader.TimeSeconds, mean);
            progress(new CalibrationProgress(CalibrationStage.WarmingUp, string.Create(c, $"warming up: {monitor.ElapsedSeconds / 60:0.0} min, image mean {mean:0.00} °C, drift {(double.IsNaN(monitor.DriftCelsiusPerMinute) ? "—" : monitor.DriftCelsiusPerMinute.ToString("0.000", c))} °C/min (stable below {plan.WarmUp.MaxDriftCelsiusPerMinute:0.###})"))
            {
                Target = target,
                SensorSeconds = monitor.ElapsedSeconds,
                DriftCelsiusPerMinute = monitor.DriftCelsiusPerMinute,
                ImageMeanCelsius = mean,
            });
            switch (state)
            {
                case WarmUpState.Stable:
                    return monitor.ElapsedSeconds;
                case WarmUpState.TimedOut:
                    throw new CalibrationProcedureException(string.Create(c,
                        $"the sensor did not settle within {plan.WarmUp.Timeout.TotalMinutes:0} min: the image mean still drifts {monitor.DriftCelsiusPerMinute:0.000} °C/min " +
                        $"(stable is below {plan.WarmUp.MaxDriftCelsiusPerMinute:0.###}). ") +
                        $"Check that the target is steady (bath stirred and at temperature), that no draught reaches the sensor, and its supply; then start again.");
            }
        }
    }

    private TargetMeasurement Capture(ImageReader reader, CalibrationTarget target)
    {
        var c = CultureInfo.InvariantCulture;
        for (var i = 0; i < plan.SettleImages; i++)
        {
            reader.Next();
        }

        var capture = new TargetCapture();
        while (capture.ImageCount < plan.ImagesPerTarget)
        {
            var image = reader.Next();
            capture.Add(image);
            progress(new CalibrationProgress(CalibrationStage.Capturing, string.Create(c, $"{target}: image {capture.ImageCount}/{plan.ImagesPerTarget}"))
            {
                Target = target,
                ImagesCaptured = capture.ImageCount,
                ImagesWanted = plan.ImagesPerTarget,
                ImageMeanCelsius = ImageReader.Mean(image),
            });
        }

        var reference = prompt.ReadReferenceTemperature(target);
        if (!double.IsFinite(reference) || reference is < -20 or > 100)
        {
            throw new CalibrationProcedureException(string.Create(c, $"{target}: the reference reading {reference} °C is not a plausible target temperature; nothing was saved — start again"));
        }

        var measurement = capture.Finish(target, reference);
        var sensorReads = measurement.MedianReadingCelsius;
        if (!(Math.Abs(sensorReads - reference) <= plan.MaxReferenceDisagreementCelsius))
        {
            throw new CalibrationProcedureException(string.Create(c,
                $"{target}: the sensor reads {sensorReads:0.00} °C but the reference thermometer {reference:0.00} °C — more than {plan.MaxReferenceDisagreementCelsius:0.#} °C apart. ") +
                "Is the sensor looking at the target (the target must fill its whole view), and was the reading typed correctly? Nothing was saved; start again.");
        }

        return measurement;
    }

    /// <summary>Reads whole images from the source; a source that ends mid-procedure is an error.</summary>
    private sealed class ImageReader(ISubpageSource source, FrameAssembler assembler, CancellationToken cancellationToken)
    {
        private readonly RawSubpage buffer = new();
        private readonly float[] image = new float[SiteCalibration.PixelCount];

        public double TimeSeconds => assembler.Image.TimeSeconds;

        public float[] Next()
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!assembler.TryReadImage(source, buffer, cancellationToken))
            {
                throw new CalibrationProcedureException("the sensor stopped delivering images before the calibration was finished; nothing was saved — check the connection and start again");
            }

            assembler.Image.TemperaturesCelsius.CopyTo(image, 0);
            return image;
        }

        public static double Mean(ReadOnlySpan<float> image)
        {
            double sum = 0;
            var n = 0;
            foreach (var t in image)
            {
                if (float.IsFinite(t))
                {
                    sum += t;
                    n++;
                }
            }

            return n == 0 ? double.NaN : sum / n;
        }
    }
}
