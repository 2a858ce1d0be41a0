using ThermoHand.Mlx90640.Emulation;

namespace ThermoHand.Mlx90640.Tests.Emulation;

/// <summary>The emulated sensor's pixel errors, seen through the real driver: a uniform scene no longer reads uniform.</summary>
public sealed class PixelErrorsTests
{
    private sealed class UniformScene(float celsius) : IThermalScene
    {
        public void Render(TimeSpan elapsed, Span<float> objectTemperaturesCelsius) => objectTemperaturesCelsius.Fill(celsius);
    }

    /// <summary>Emulator with pixel errors + driver + assembler, on a clock that moves one subpage per read.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly EmulationTestClock clock = new(TimeSpan.Zero);
        private readonly Mlx90640 driver;
        private readonly FrameAssembler assembler;
        private readonly RawSubpage buffer = new();

        public Rig(PixelResponseErrors? errors, float sceneCelsius = 30f)
        {
            Emulator = new EmulatedMlx90640(new UniformScene(sceneCelsius), new EmulatedMlx90640Options { PixelErrors = errors }, clock);
            driver = new Mlx90640(Emulator, clock) { StatusPollInterval = TimeSpan.Zero };
            driver.RefreshRate = RefreshRate.TwoHertz;
            assembler = new FrameAssembler(new TemperatureCalculator(Emulator.Calibration), 0.98f);
        }

        public EmulatedMlx90640 Emulator { get; }

        /// <summary>The next full image, <paramref name="after"/> of sensor time from now.</summary>
        public float[] ImageAfter(TimeSpan after)
        {
            clock.Advance(after);
            while (true)
            {
                clock.Advance(TimeSpan.FromSeconds(0.5));
                Assert.True(driver.TryReadSubpage(buffer, TimeSpan.Zero));
                if (assembler.Add(buffer) == FrameAssemblyOutcome.Completed)
                {
                    return (float[])assembler.Image.TemperaturesCelsius.Clone();
                }
            }
        }

        public void Dispose() => driver.Dispose();
    }

    private static double Sd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        var mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Without_errors_a_uniform_scene_reads_uniform(bool explicitNone)
    {
        using var rig = new Rig(explicitNone ? PixelResponseErrors.None : null);
        var image = rig.ImageAfter(TimeSpan.Zero);
        Assert.All(image, t => Assert.Equal(30, t, 0.06));
    }

    [Fact]
    public void A_uniform_scene_reads_non_uniform_by_about_the_configured_spread()
    {
        var errors = new PixelResponseErrors { WarmUpOffsetCelsius = 0, OffsetDriftCelsiusPerHour = 0, DeadPixels = 0, NoisyPixels = 0 };
        using var rig = new Rig(errors);
        var image = rig.ImageAfter(TimeSpan.Zero);

        // gain·30 + offset + common: spread √((0.02·30)² + 0.6²) ≈ 0.85 °C around 30.8 °C.
        var expectedSpread = Math.Sqrt(Math.Pow(errors.GainSigma * 30, 2) + Math.Pow(errors.OffsetSigmaCelsius, 2));
        Assert.InRange(Sd(image.Select(t => (double)t)), 0.85 * expectedSpread, 1.15 * expectedSpread);
        Assert.InRange(image.Average(t => (double)t), 30.8 - 0.15, 30.8 + 0.15);

        // Pixel by pixel, the driver returns what the planted errors say (up to the raw words' rounding).
        var planted = rig.Emulator.PixelErrors!;
        for (var p = 0; p < image.Length; p++)
        {
            if (!rig.Emulator.Calibration.IsDeviatingPixel(p))
            {
                Assert.Equal(planted.ExpectedReading(p, 30, TimeSpan.Zero), image[p], 0.06);
            }
        }
    }

    [Fact]
    public void The_warm_up_offset_decays_with_its_time_constant_and_drift_adds_up()
    {
        var errors = new PixelResponseErrors { GainSigma = 0, OffsetSigmaCelsius = 0, CommonOffsetCelsius = 0, DeadPixels = 0, NoisyPixels = 0 };
        using var rig = new Rig(errors);
        var start = rig.ImageAfter(TimeSpan.Zero).Average(t => (double)t) - 30;
        var oneTau = rig.ImageAfter(errors.WarmUpTimeConstant).Average(t => (double)t) - 30;
        var hours = rig.ImageAfter(TimeSpan.FromHours(2)).Average(t => (double)t) - 30;

        Assert.Equal(1.5, start, 0.05);
        Assert.Equal(1.5 / Math.E, oneTau, 0.05);
        Assert.Equal(0.05 * 2.05, hours, 0.03);
    }

    [Fact]
    public void A_dead_pixel_is_stuck_whatever_the_scene_and_a_noisy_pixel_moves()
    {
        using var warm = new Rig(new PixelResponseErrors(), 35f);
        using var cold = new Rig(new PixelResponseErrors(), 20f);
        var planted = warm.Emulator.PixelErrors!;
        Assert.Single(planted.DeadPixels);
        Assert.Equal(planted.DeadPixels, cold.Emulator.PixelErrors!.DeadPixels);
        var dead = planted.DeadPixels[0];
        var noisy = planted.NoisyPixels[0];
        var warmImages = Enumerable.Range(0, 10).Select(_ => warm.ImageAfter(TimeSpan.Zero)).ToArray();
        var coldImage = cold.ImageAfter(TimeSpan.Zero);
        Assert.All(warmImages, image => Assert.Equal(planted.StuckCelsius[dead], image[dead], 0.06));
        Assert.Equal(planted.StuckCelsius[dead], coldImage[dead], 0.06);
        Assert.True(Sd(warmImages.Select(i => (double)i[noisy])) > 0.4, "a noisy pixel's reading moves from image to image");
        Assert.False(warm.Emulator.Calibration.IsDeviatingPixel(dead));
    }

    [Fact]
    public void Errors_are_drawn_once_from_the_seed()
    {
        var a = PlantedPixelErrors.Draw(new PixelResponseErrors { Seed = 5 });
        var b = PlantedPixelErrors.Draw(new PixelResponseErrors { Seed = 5 });
        var c = PlantedPixelErrors.Draw(new PixelResponseErrors { Seed = 6 });
        Assert.Equal(a.Gain, b.Gain);
        Assert.Equal(a.DeadPixels, b.DeadPixels);
        Assert.NotEqual(a.Gain, c.Gain);
        Assert.Throws<ArgumentException>(() => PlantedPixelErrors.Draw(new PixelResponseErrors { DeadPixels = -1 }));
    }
}
