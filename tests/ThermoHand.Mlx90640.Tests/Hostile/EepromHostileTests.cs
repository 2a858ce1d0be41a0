using FsCheck.Xunit;
using ThermoHand.Mlx90640.Vectors;
using ThermoHand.TestSupport;

namespace ThermoHand.Mlx90640.Tests.Hostile;

/// <summary>
/// EEPROM extraction on hostile dumps: random words, a genuine dump with bits flipped, torn reads. The only allowed
/// failure is <see cref="Mlx90640EepromException"/>; a dump that is accepted must give temperatures that are a number
/// in the credible range or NaN (the documented "invalid pixel"), never an exception, an infinity or an index error.
/// </summary>
public sealed class EepromHostileTests
{
    private static readonly Lazy<SensorVector> Sample = new(() =>
        SensorVector.Load(Path.Combine(SharedData.VectorsDirectory, "real_melexis_sample_chess18.json")));

    /// <summary>Extracts; null when refused with the documented exception (then the message names the fault).</summary>
    private static Mlx90640Calibration? Extract(ushort[] words)
    {
        try
        {
            return Mlx90640Calibration.Extract(words);
        }
        catch (Mlx90640EepromException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.InRange(e.ReferenceErrorCode, -6, 0);
            return null;
        }
    }

    private static void AssertSaneTemperatures(Mlx90640Calibration calibration)
    {
        var calculator = new TemperatureCalculator(calibration);
        var image = new float[Mlx90640Calibration.PixelCount];
        foreach (var frame in Sample.Value.Frames)
        {
            var subpage = frame.ToRawSubpage();
            Assert.True(float.IsFinite(calculator.GetSupplyVoltage(subpage)), "Vdd is not a number");
            var ta = calculator.GetAmbientTemperature(subpage);
            calculator.CalculateObjectTemperatures(subpage, 0.98f, float.IsFinite(ta) ? ta - 8 : 22f, image);
        }

        calculator.CorrectDeviatingPixels(image, TemperatureCalculator.GetReadingPattern(Sample.Value.Frames[0].ControlRegister));
        Assert.All(image, t => Assert.True(float.IsNaN(t) || (t >= TemperatureCalculator.LowestCredibleTemperature && t <= TemperatureCalculator.HighestCredibleTemperature),
            $"temperature {t} is neither credible nor marked invalid"));
    }

    [Property(MaxTest = 200, Replay = "(6601,13203)")]
    public void Random_dumps_are_refused_with_the_documented_exception(int seed, byte style)
    {
        var random = new Random(seed);
        var words = new ushort[Mlx90640Calibration.EepromWordCount];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = (style % 4) switch
            {
                0 => (ushort)random.Next(0x10000),
                1 => (ushort)(random.Next(2) == 0 ? 0xFFFF : random.Next(0x10000)), // half a torn read
                2 => (ushort)random.Next(4),                                          // a bus stuck near zero
                _ => (ushort)(Sample.Value.EepromWords[i] ^ (random.Next(3) == 0 ? random.Next(0x10000) : 0)), // a third of the words scrambled
            };
        }

        if (Extract(words) is { } calibration)
        {
            AssertSaneTemperatures(calibration);
        }
    }

    [Property(MaxTest = 300, Replay = "(6603,13207)")]
    public void A_genuine_dump_with_flipped_bits_is_refused_or_still_gives_sane_temperatures(int seed, byte flips)
    {
        var random = new Random(seed);
        var words = (ushort[])Sample.Value.EepromWords.Clone();
        for (var i = 0; i < 1 + (flips % 4); i++)
        {
            words[random.Next(words.Length)] ^= (ushort)(1 << random.Next(16));
        }

        if (Extract(words) is { } calibration)
        {
            AssertSaneTemperatures(calibration);
        }
    }

    [Fact]
    public void A_byte_swapped_dump_is_refused()
    {
        var swapped = Sample.Value.EepromWords.Select(w => (ushort)((w << 8) | (w >> 8))).ToArray();
        Assert.Null(Extract(swapped));
    }

    [Fact]
    public void A_dump_of_the_wrong_length_is_an_argument_error_naming_the_expected_size()
    {
        var error = Assert.Throws<ArgumentException>(() => Mlx90640Calibration.Extract(new ushort[831]));
        Assert.Contains("832 words", error.Message, StringComparison.Ordinal);
    }
}
