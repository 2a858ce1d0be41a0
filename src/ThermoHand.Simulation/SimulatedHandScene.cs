using ThermoHand.Mlx90640;

namespace ThermoHand.Simulation;

/// <summary>
/// The simulated patient under the sensor: a dorsal hand rendered at sub-pixel resolution, area-averaged to 32×24
/// (so a finger narrower than a pixel mixes with the background as it does on the real sensor), blurred by the
/// optics, with the sensor's fixed-pattern and temporal noise added. The emulated MLX90640 turns what
/// <see cref="Render"/> gives into raw words, so all downstream code runs through the real driver.
/// Thread-safe for concurrent renders (no mutable state after construction).
/// </summary>
public sealed class SimulatedHandScene : IThermalScene
{
    private const double Kelvin = 273.15;
    private const int Margin = 2; // rendered beyond the view so the blur at the edges sees the real scene
    private const int GridColumns = SensorOptics.Columns + (2 * Margin);
    private const int GridRows = SensorOptics.Rows + (2 * Margin);

    private readonly float[] fixedPattern = new float[SensorOptics.Columns * SensorOptics.Rows];
    private readonly double[] psf;

    public SimulatedHandScene(SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        Anatomy = new HandAnatomy(settings.Hand, settings.FingerSpread);
        Physiology = new PatientPhysiology(settings.Physiology ?? GroupPhysiology.For(settings.Group), settings.Protocol, settings.Seed);
        Motion = new HandMotion(settings.RestPose ?? DefaultRestPose(settings.Optics), settings.Motion, settings.Protocol, settings.Seed);
        for (var i = 0; i < fixedPattern.Length; i++)
        {
            fixedPattern[i] = (float)(settings.FixedPatternNoiseCelsius * SeededNoise.Gaussian(settings.Seed, SeededNoise.Stream.FixedPattern, (ulong)i));
        }

        psf = GaussianKernel(settings.Optics.PsfSigmaPixels);
    }

    public SimulationSettings Settings { get; }

    public HandAnatomy Anatomy { get; }

    public PatientPhysiology Physiology { get; }

    public HandMotion Motion { get; }

    public SensorOptics Optics => Settings.Optics;

    public ProtocolTimeline Protocol => Settings.Protocol;

    /// <summary>
    /// The resting pose used when none is given: hand centred across the view, middle fingertip 8 % of the view height
    /// below the top edge (fingertips matter most; at short distances the dorsum then runs off the bottom).
    /// </summary>
    public static HandPose DefaultRestPose(SensorOptics optics)
    {
        const double WristToMiddleTipMm = 185;
        var height = optics.ViewHeightMm;
        return new HandPose(0, (-height / 2) + (0.08 * height) + WristToMiddleTipMm, 0);
    }

    /// <inheritdoc />
    public void Render(TimeSpan elapsed, Span<float> objectTemperaturesCelsius)
    {
        RenderOptics(elapsed, objectTemperaturesCelsius);
        var temporal = Settings.TemporalNoiseCelsius;
        var key = (ulong)Math.Max(0, Math.Round(elapsed.TotalMilliseconds)) * (ulong)fixedPattern.Length;
        for (var i = 0; i < fixedPattern.Length; i++)
        {
            var noise = temporal > 0 ? temporal * SeededNoise.Gaussian(Settings.Seed, SeededNoise.Stream.TemporalNoise, key + (ulong)i) : 0;
            objectTemperaturesCelsius[i] += fixedPattern[i] + (float)noise;
        }
    }

    /// <summary>
    /// The scene as the optics deliver it to the pixels — area-averaged and blurred, before any sensor noise.
    /// Fills 768 values, row-major, row 0 at the top.
    /// </summary>
    public void RenderOptics(TimeSpan elapsed, Span<float> objectTemperaturesCelsius)
    {
        if (objectTemperaturesCelsius.Length != SensorOptics.Columns * SensorOptics.Rows)
        {
            throw new ArgumentException($"The scene fills {SensorOptics.Columns * SensorOptics.Rows} pixels, not {objectTemperaturesCelsius.Length}.", nameof(objectTemperaturesCelsius));
        }

        var t = elapsed.TotalSeconds;
        var skin = SkinAt(t);
        var inView = Protocol.HandsInView(t);
        var transform = new PoseTransform(Motion.PoseAt(t));
        var room = Protocol.RoomTemperatureCelsius;
        var n = Settings.SubSamplesPerPixel;
        var mmX = Optics.MillimetresPerPixelX;
        var mmY = Optics.MillimetresPerPixelY;

        // Scene-mm box that holds the whole hand: pixels outside it see only the room, no sub-sampling needed.
        double boxLeft = double.MaxValue, boxRight = double.MinValue, boxTop = double.MaxValue, boxBottom = double.MinValue;
        foreach (var (px, py) in Anatomy.ExtentPoints)
        {
            var (sx, sy) = transform.ToScene(px, py);
            boxLeft = Math.Min(boxLeft, sx - Anatomy.ExtentPaddingMm);
            boxRight = Math.Max(boxRight, sx + Anatomy.ExtentPaddingMm);
            boxTop = Math.Min(boxTop, sy - Anatomy.ExtentPaddingMm);
            boxBottom = Math.Max(boxBottom, sy + Anatomy.ExtentPaddingMm);
        }

        // Pixels average radiance (≈ T⁴), not temperature: that is what the thermopile integrates.
        var radiance = new double[GridColumns * GridRows];
        var roomRadiance = Radiance(room);
        for (var gr = 0; gr < GridRows; gr++)
        {
            var pixelTop = (gr - Margin - (SensorOptics.Rows / 2.0)) * mmY;
            for (var gc = 0; gc < GridColumns; gc++)
            {
                var pixelLeft = (gc - Margin - (SensorOptics.Columns / 2.0)) * mmX;
                var touchesHand = pixelLeft + mmX >= boxLeft && pixelLeft <= boxRight && pixelTop + mmY >= boxTop && pixelTop <= boxBottom;
                double sum = 0;
                if (inView && touchesHand)
                {
                    for (var j = 0; j < n; j++)
                    {
                        var yMm = (gr - Margin + ((j + 0.5) / n) - (SensorOptics.Rows / 2.0)) * mmY;
                        for (var i = 0; i < n; i++)
                        {
                            var xMm = (gc - Margin + ((i + 0.5) / n) - (SensorOptics.Columns / 2.0)) * mmX;
                            var (hx, hy) = transform.ToHand(xMm, yMm);
                            var temperature = SkinTemperature(hx, hy, skin, room);
                            sum += temperature == room ? roomRadiance : Radiance(temperature);
                        }
                    }

                    radiance[(gr * GridColumns) + gc] = sum / (n * n);
                }
                else
                {
                    radiance[(gr * GridColumns) + gc] = roomRadiance;
                }
            }
        }

        Blur(radiance);
        for (var r = 0; r < SensorOptics.Rows; r++)
        {
            for (var c = 0; c < SensorOptics.Columns; c++)
            {
                var value = radiance[((r + Margin) * GridColumns) + c + Margin];
                objectTemperaturesCelsius[(r * SensorOptics.Columns) + c] = (float)(Math.Sqrt(Math.Sqrt(value)) - Kelvin);
            }
        }
    }

    /// <summary>The ground truth at a moment: fingertip positions in sensor pixels and the true skin temperatures.</summary>
    public GroundTruthFrame TruthAt(TimeSpan elapsed)
    {
        var t = elapsed.TotalSeconds;
        var pose = Motion.PoseAt(t);
        var transform = new PoseTransform(pose);
        var skin = SkinAt(t);
        var tips = new SensorPoint[5];
        for (var d = 0; d < 5; d++)
        {
            var (hx, hy) = Anatomy.Digits[d].FingertipCentre();
            tips[d] = ToSensor(transform.ToScene(hx, hy));
        }

        var dorsum = ToSensor(transform.ToScene(Anatomy.DorsumCentre.X, Anatomy.DorsumCentre.Y));
        return new GroundTruthFrame(t, Protocol.HandsInView(t), pose, tips, skin.Fingertips, dorsum, skin.Dorsum);
    }

    /// <summary>Skin temperature at a point in hand coordinates, or the room temperature off the hand.</summary>
    private double SkinTemperature(double hx, double hy, SkinState skin, double room)
    {
        var region = Anatomy.Locate(hx, hy, out var digit, out var along);
        return region switch
        {
            SkinRegion.Finger => PatientPhysiology.AlongDigit(skin.Dorsum, skin.Fingertips[digit - 1], along, Anatomy.Digits[digit - 1].DistalFraction),
            SkinRegion.Dorsum => skin.Dorsum,
            SkinRegion.Forearm => skin.Forearm,
            _ => room,
        };
    }

    private SkinState SkinAt(double t)
    {
        var tips = new double[5];
        for (var d = 0; d < 5; d++)
        {
            tips[d] = Physiology.FingertipTemperature(d + 1, t);
        }

        return new SkinState(tips, Physiology.DorsumTemperature(t), Physiology.ForearmTemperature());
    }

    private SensorPoint ToSensor((double X, double Y) sceneMm)
    {
        var (x, y) = Optics.ToPixel(sceneMm.X, sceneMm.Y);
        return new SensorPoint(x, y);
    }

    private static double Radiance(double celsius)
    {
        var k = celsius + Kelvin;
        var k2 = k * k;
        return k2 * k2;
    }

    /// <summary>Separable Gaussian point-spread function on the rendered grid (which includes the margin).</summary>
    private void Blur(double[] grid)
    {
        if (psf.Length == 1)
        {
            return;
        }

        var radius = psf.Length / 2;
        var temp = new double[grid.Length];
        for (var r = 0; r < GridRows; r++)
        {
            for (var c = 0; c < GridColumns; c++)
            {
                double sum = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    sum += psf[k + radius] * grid[(r * GridColumns) + Math.Clamp(c + k, 0, GridColumns - 1)];
                }

                temp[(r * GridColumns) + c] = sum;
            }
        }

        for (var r = 0; r < GridRows; r++)
        {
            for (var c = 0; c < GridColumns; c++)
            {
                double sum = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    sum += psf[k + radius] * temp[(Math.Clamp(r + k, 0, GridRows - 1) * GridColumns) + c];
                }

                grid[(r * GridColumns) + c] = sum;
            }
        }
    }

    private static double[] GaussianKernel(double sigma)
    {
        if (sigma <= 0)
        {
            return [1.0];
        }

        // Radius ≤ the render margin; at sigma 0.4 px the weight beyond 2 px is < 1e-5.
        var radius = Math.Min(Margin, (int)Math.Ceiling(3 * sigma));
        var kernel = new double[(2 * radius) + 1];
        for (var k = -radius; k <= radius; k++)
        {
            kernel[k + radius] = Math.Exp(-(k * k) / (2 * sigma * sigma));
        }

        var total = kernel.Sum();
        return kernel.Select(w => w / total).ToArray();
    }

    private sealed record SkinState(double[] Fingertips, double Dorsum, double Forearm);

    /// <summary>Hand coordinates (mm, right-hand layout, +y to the fingertips) ↔ scene mm (x right, y down).</summary>
    private readonly struct PoseTransform(HandPose pose)
    {
        private readonly double sin = Math.Sin(pose.RotationDegrees * Math.PI / 180);
        private readonly double cos = Math.Cos(pose.RotationDegrees * Math.PI / 180);

        public (double X, double Y) ToScene(double handX, double handY)
        {
            // The hand geometry is already mirrored for a left hand; +y (distal) points up the screen.
            var x = handX;
            var y = -handY;
            return (pose.XMm + (x * cos) - (y * sin), pose.YMm + (x * sin) + (y * cos));
        }

        public (double X, double Y) ToHand(double sceneX, double sceneY)
        {
            var dx = sceneX - pose.XMm;
            var dy = sceneY - pose.YMm;
            var x = (dx * cos) + (dy * sin);
            var y = (-dx * sin) + (dy * cos);
            return (x, -y);
        }
    }
}
