using ThermoHand.Mlx90640.Vectors;
using ThermoHand.TestSupport;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>
/// EEPROM extraction beyond the reference vectors: the plausibility checks (pitfall 18) refuse corrupt dumps but
/// no genuine one, and the deviating-pixel rules behave as the reference's @f6be7ca (2023 adjacency rule).
/// </summary>
public class CalibrationTests
{
    private static ushort[] MelexisSample()
        => SensorVector.Load(Path.Combine(SharedData.VectorsDirectory, "real_melexis_sample_chess18.json")).EepromWords;

    public static TheoryData<string> AcceptedDumps()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(SharedData.VectorsDirectory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (SensorVector.Load(file).Expected is not { ExtractError: not 0 })
            {
                data.Add(Path.GetRelativePath(SharedData.VectorsDirectory, file));
            }
        }

        return data;
    }

    public static TheoryData<string> RealDumps() => ["real_melexis_sample_chess18.json", "real_signaloid_chess16.json", "datasheet_worked_example.json"];

    [Theory]
    [MemberData(nameof(AcceptedDumps))]
    public void Every_genuine_dump_passes_the_plausibility_checks(string file)
    {
        var vector = SensorVector.Load(Path.Combine(SharedData.VectorsDirectory, file));
        var calibration = Mlx90640Calibration.Extract(vector.EepromWords);
        Assert.InRange(calibration.KtPtat, EepromPlausibility.KtPtatMin, EepromPlausibility.KtPtatMax);
    }

    [Fact]
    public void All_ones_dump_is_refused()
    {
        var ex = Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(Enumerable.Repeat((ushort)0xFFFF, 832).ToArray()));
        Assert.Equal("EEPROM implausible: all 832 words are 0xFFFF (no sensor answered, or the I2C read buffer was too short)", ex.Message);
        Assert.Equal(Mlx90640EepromException.Implausible, ex.ReferenceErrorCode);
    }

    [Fact]
    public void All_zero_dump_is_refused()
    {
        var ex = Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(new ushort[832]));
        Assert.Contains("all 832 words are 0x0000", ex.Message);
    }

    [Theory]
    [MemberData(nameof(RealDumps))]
    public void Byte_swapped_dump_is_refused(string file)
    {
        var words = SensorVector.Load(Path.Combine(SharedData.VectorsDirectory, file)).EepromWords;
        var swapped = words.Select(w => (ushort)((w >> 8) | (w << 8))).ToArray();
        var ex = Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(swapped));
        Assert.StartsWith("EEPROM implausible: ", ex.Message);
    }

    [Theory]
    [InlineData(50, 9, "KtPTAT")] // sign bit of KtPTAT: 42.625 becomes −21.4
    [InlineData(50, 15, "KvPTAT")] // sign bit of KvPTAT
    [InlineData(51, 15, "kVdd")] // sign bit of Kvdd: the supply sensitivity turns positive
    [InlineData(51, 7, "vdd25")]
    [InlineData(48, 15, "gainEE")]
    [InlineData(48, 12, "gainEE")]
    [InlineData(49, 15, "vPTAT25")]
    [InlineData(49, 13, "vPTAT25")]
    [InlineData(57, 9, "cpAlpha[0]")] // sign bit of the compensation pixel's sensitivity
    [InlineData(60, 15, "KsTa")]
    public void Bit_flip_in_a_key_word_is_refused_naming_the_parameter(int word, int bit, string parameter)
    {
        var words = MelexisSample();
        words[word] ^= (ushort)(1 << bit);
        var ex = Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(words));
        Assert.StartsWith($"EEPROM implausible: {parameter} ", ex.Message);
        Assert.Contains($"(word 0x{0x2400 + word:X4})", ex.Message);
    }

    [Fact]
    public void Corrupt_real_dump_values_from_the_field_are_refused()
    {
        // The two corrupt real dumps of pitfall 18 extract with error 0 in the reference: KtPTAT −4.125 and kVdd −32.
        var words = MelexisSample();
        words[50] = (ushort)((words[50] & 0xFC00) | (1024 - 33));
        var ex = Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(words));
        Assert.Equal("EEPROM implausible: KtPTAT -4.125 outside 30..60 (word 0x2432)", ex.Message);

        words = MelexisSample();
        words[51] = (ushort)(0xFF00 | (words[51] & 0x00FF));
        ex = Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(words));
        Assert.Equal("EEPROM implausible: kVdd -32 outside -4600..-2000 (word 0x2433)", ex.Message);
    }

    [Fact]
    public void Foreign_dumps_of_random_words_are_all_refused()
    {
        var random = new Random(90640);
        for (var i = 0; i < 200; i++)
        {
            var words = new ushort[832];
            for (var w = 0; w < words.Length; w++)
            {
                words[w] = (ushort)random.Next(0x10000);
            }

            Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(words));
        }
    }

    [Fact]
    public void Torn_read_with_ffff_pixel_words_is_refused()
    {
        var words = MelexisSample();
        words.AsSpan(64 + 400).Fill(0xFFFF);
        var ex = Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(words));
        Assert.Contains("368 of 768 pixel calibration words are 0xFFFF", ex.Message);
    }

    [Fact]
    public void Wrong_length_is_an_argument_error()
        => Assert.Throws<ArgumentException>(() => Mlx90640Calibration.Extract(new ushort[831]));

    [Fact]
    public void Four_separated_deviating_pixels_are_listed_in_order()
    {
        var words = MelexisSample();
        words[64 + 100] = 0; // broken
        words[64 + 500] = 0; // broken
        words[64 + 300] |= 1; // outlier
        words[64 + 700] |= 1; // outlier
        var c = Mlx90640Calibration.Extract(words);
        Assert.Equal([100, 500, 0xFFFF, 0xFFFF, 0xFFFF], c.BrokenPixels.ToArray());
        Assert.Equal([300, 700, 0xFFFF, 0xFFFF, 0xFFFF], c.OutlierPixels.ToArray());
        Assert.True(c.IsDeviatingPixel(300));
        Assert.False(c.IsDeviatingPixel(301));
    }

    [Fact]
    public void Pixels_at_opposite_ends_of_consecutive_rows_are_not_adjacent_since_2023()
    {
        // Row 0 column 31 and row 1 column 0 are consecutive indices but 31 columns apart; the pre-2023 rule refused them.
        var words = MelexisSample();
        words[64 + 31] = 0;
        words[64 + 32] = 0;
        var c = Mlx90640Calibration.Extract(words);
        Assert.Equal([31, 32, 0xFFFF, 0xFFFF, 0xFFFF], c.BrokenPixels.ToArray());
    }

    [Theory]
    [InlineData(0, 33, false)] // diagonal neighbours: adjacent
    [InlineData(40, 41, true)] // same row
    [InlineData(40, 72, false)] // same column, next row
    public void Touching_deviating_pixels_give_code_minus_6(int first, int second, bool secondIsOutlier)
    {
        var words = MelexisSample();
        words[64 + first] = 0;
        if (secondIsOutlier)
        {
            words[64 + second] |= 1;
        }
        else
        {
            words[64 + second] = 0;
        }

        var ex = Assert.Throws<Mlx90640EepromException>(() => Mlx90640Calibration.Extract(words));
        Assert.Equal(Mlx90640EepromException.AdjacentDeviatingPixels, ex.ReferenceErrorCode);
        Assert.Contains($"adjacent deviating pixels {first}", ex.Message);
    }
}
