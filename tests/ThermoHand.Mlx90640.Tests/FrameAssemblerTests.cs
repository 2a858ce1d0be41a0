using ThermoHand.Mlx90640.Emulation;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>Scene → emulated sensor → driver → assembler → temperatures, and the rules for merging two subpages.</summary>
public class FrameAssemblerTests
{
    /// <summary>Round-trip tolerance: the synthesiser's rounding of raw words (~0.03 K, see RawSubpageSynthesizer).</summary>
    private const float RoundTripToleranceCelsius = 0.05f;

    [Fact]
    public void Static_scene_round_trips_through_emulator_and_driver_within_50_mK()
    {
        using var rig = new EmulatedRig();
        var maximumError = 0.0;
        for (var image = 0; image < 3; image++)
        {
            Assert.True(rig.Assembler.TryReadImage(rig.Driver, rig.Buffer, CancellationToken.None));
            var temperatures = rig.Assembler.Image.TemperaturesCelsius;
            for (var p = 0; p < Mlx90640Image.PixelCount; p++)
            {
                maximumError = Math.Max(maximumError, Math.Abs(temperatures[p] - WarmingHandScene.Expected(p, 0, 0)));
            }

            Assert.Equal(0, rig.Assembler.Image.InvalidPixelCount);
        }

        Assert.InRange(maximumError, 0, RoundTripToleranceCelsius);
        Assert.Equal(3, rig.Assembler.Image.Sequence);
        Assert.Equal(0, rig.Assembler.RepeatedSubpageCount + rig.Assembler.SkippedSubpageCount);
        // The die temperature comes back as the emulator encoded it.
        Assert.Equal(31f, rig.Assembler.Image.DieTemperatureCelsius, 0.01f);
        Assert.Equal(3.3f, rig.Assembler.Image.SupplyVoltage, 0.01f);
    }

    [Fact]
    public void Image_time_is_the_second_subpage_and_images_come_at_half_the_refresh_rate()
    {
        using var rig = new EmulatedRig(rate: RefreshRate.EightHertz);
        Assert.True(rig.Assembler.TryReadImage(rig.Driver, rig.Buffer, CancellationToken.None));
        var first = rig.Assembler.Image.TimeSeconds;
        Assert.Equal(rig.Buffer.TimeSeconds, first);
        Assert.True(rig.Assembler.TryReadImage(rig.Driver, rig.Buffer, CancellationToken.None));

        // Two subpages of 125 ms per image; the poll adds at most a few ms of the auto-advancing test clock.
        Assert.Equal(0.25, rig.Assembler.Image.TimeSeconds - first, 0.01);
    }

    [Fact]
    public void Both_halves_of_a_warming_scene_come_from_consecutive_subpages()
    {
        const double warming = 2.0; // °C per second: halves 125 ms apart differ by 0.25 °C
        using var rig = new EmulatedRig(warmingPerSecond: warming);
        for (var image = 0; image < 4; image++)
        {
            Assert.True(rig.Assembler.TryReadImage(rig.Driver, rig.Buffer, CancellationToken.None));
            var end = rig.Assembler.Image.TimeSeconds;
            var temperatures = rig.Assembler.Image.TemperaturesCelsius;
            for (var p = 0; p < Mlx90640Image.PixelCount; p++)
            {
                // Every pixel is at the scene's level of the second subpage or of the one 125 ms before.
                var late = WarmingHandScene.Expected(p, end, warming);
                Assert.InRange(temperatures[p], late - (0.125 * warming) - 0.08, late + 0.08);
            }
        }
    }

    [Fact]
    public void A_repeated_subpage_discards_the_earlier_half()
    {
        var (assembler, first, second) = TwoRealSubpages();
        Assert.Equal(FrameAssemblyOutcome.Pending, assembler.Add(first));
        Assert.Equal(FrameAssemblyOutcome.DiscardedRepeatedSubpage, assembler.Add(first));
        Assert.Equal(FrameAssemblyOutcome.Completed, assembler.Add(second));
        Assert.Equal(1, assembler.RepeatedSubpageCount);
        Assert.Equal(0, assembler.Image.InvalidPixelCount);
    }

    [Theory]
    [InlineData(0.99, FrameAssemblyOutcome.Completed)]
    [InlineData(1.01, FrameAssemblyOutcome.DiscardedSkippedSubpage)] // 2 Hz: two periods = 1 s
    [InlineData(3.0, FrameAssemblyOutcome.DiscardedSkippedSubpage)]
    [InlineData(-0.1, FrameAssemblyOutcome.DiscardedSkippedSubpage)] // time going backwards is not "consecutive"
    public void Halves_two_or_more_periods_apart_are_not_merged(double gapSeconds, FrameAssemblyOutcome expected)
    {
        var (assembler, first, second) = TwoRealSubpages();
        first.TimeSeconds = 10;
        second.TimeSeconds = 10 + gapSeconds;

        assembler.Add(first);
        Assert.Equal(expected, assembler.Add(second));
    }

    [Fact]
    public void A_settings_change_between_halves_discards_the_earlier_half()
    {
        var (assembler, first, second) = TwoRealSubpages();
        second.Words[RawSubpage.ControlRegisterIndex] = RegisterFields.WithRefreshRate(second.ControlRegister, RefreshRate.FourHertz);

        assembler.Add(first);
        Assert.Equal(FrameAssemblyOutcome.DiscardedSettingsChanged, assembler.Add(second));
        Assert.Equal(1, assembler.SettingsChangedCount);
    }

    [Fact]
    public void A_discarded_half_never_shows_through_in_a_later_image()
    {
        var (assembler, first, second) = TwoRealSubpages();
        assembler.Add(first);
        assembler.Add(second); // complete image
        var repeat = second.Clone();
        repeat.TimeSeconds += 2; // too late to pair with anything before
        Assert.Equal(FrameAssemblyOutcome.Pending, assembler.Add(repeat));
        var other = first.Clone();
        other.TimeSeconds = repeat.TimeSeconds + 5; // too late again: discard, start over with only subpage 0
        Assert.Equal(FrameAssemblyOutcome.DiscardedSkippedSubpage, assembler.Add(other));

        // The image still shows the last completed pair; the pending half starts from NaN, not from old pixels.
        Assert.Equal(0, assembler.Image.InvalidPixelCount);
        Assert.Equal(1, assembler.Image.Sequence);
    }

    [Fact]
    public void Assembling_an_image_allocates_nothing()
    {
        var (assembler, first, second) = TwoRealSubpages();
        assembler.Add(first);
        assembler.Add(second);
        var completed = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            first.TimeSeconds = second.TimeSeconds + 0.5;
            assembler.Add(first);
            second.TimeSeconds = first.TimeSeconds + 0.5;
            completed += assembler.Add(second) == FrameAssemblyOutcome.Completed ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10, completed);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Emissivity_outside_0_to_1_is_refused()
    {
        var calculator = new TemperatureCalculator(Mlx90640Calibration.Extract(EmulatedMlx90640.DefaultEepromWords.Span));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameAssembler(calculator, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameAssembler(calculator, 1.2f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameAssembler(calculator, 0.98f, float.NaN));
    }

    /// <summary>Subpage 0 then 1 of a static scene read through the emulator, 0.5 s apart (2 Hz).</summary>
    private static (FrameAssembler Assembler, RawSubpage First, RawSubpage Second) TwoRealSubpages()
    {
        using var rig = new EmulatedRig(rate: RefreshRate.TwoHertz);
        var first = new RawSubpage();
        var second = new RawSubpage();
        Assert.True(rig.Driver.TryReadSubpage(first, TimeSpan.FromSeconds(2)));
        Assert.True(rig.Driver.TryReadSubpage(second, TimeSpan.FromSeconds(2)));
        Assert.Equal(0, first.Subpage);
        Assert.Equal(1, second.Subpage);
        first.TimeSeconds = 0;
        second.TimeSeconds = 0.5;
        return (rig.Assembler, first, second);
    }
}
