using ThermoHand.Mlx90640.Vectors;
using ThermoHand.TestSupport;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>
/// Calculator behaviour the reference vectors do not pin down on their own: the deviating-pixel neighbour rules for
/// both patterns, the NaN policy, the resolution correction of Vdd (pitfall 8) and argument checks.
/// </summary>
public class TemperatureCalculatorTests
{
    private static SensorVector Melexis() => SensorVector.Load(Path.Combine(SharedData.VectorsDirectory, "real_melexis_sample_chess18.json"));

    private static TemperatureCalculator CalculatorWithDeviating(params (int Pixel, bool Outlier)[] pixels)
    {
        var words = Melexis().EepromWords;
        foreach (var (pixel, outlier) in pixels)
        {
            if (outlier)
            {
                words[64 + pixel] |= 1;
            }
            else
            {
                words[64 + pixel] = 0;
            }
        }

        return new TemperatureCalculator(Mlx90640Calibration.Extract(words));
    }

    /// <summary>An image where pixel p holds p/10 °C, so every replacement value identifies its neighbours.</summary>
    private static float[] IndexImage() => [.. Enumerable.Range(0, 768).Select(p => p / 10f)];

    [Fact]
    public void Chess_correction_uses_the_median_of_the_four_diagonal_neighbours()
    {
        var calculator = CalculatorWithDeviating((200, false));
        var image = IndexImage();
        image[200 - 33] = 100f; // an extreme diagonal neighbour must not pull the median
        calculator.CorrectDeviatingPixels(image, ReadingPattern.Chess);

        // Diagonals of 200: 167 (now 100), 169, 231, 233 → sorted 16.9, 23.1, 23.3, 100 → median (23.1 + 23.3) / 2.
        Assert.Equal((float)((23.1f + 23.3f) / 2.0), image[200]);
    }

    [Theory]
    [InlineData(0, 33, -1)] // top-left corner: the single diagonal neighbour
    [InlineData(31, 62, -1)] // top-right corner
    [InlineData(736, 705, -1)] // bottom-left corner
    [InlineData(767, 734, -1)] // bottom-right corner
    [InlineData(5, 36, 38)] // top edge: mean of the two lower diagonals
    [InlineData(741, 708, 710)] // bottom edge: the two upper diagonals
    [InlineData(64, 33, 97)] // left edge
    [InlineData(95, 62, 126)] // right edge
    public void Chess_correction_at_the_border_follows_the_reference(int pixel, int neighbour1, int neighbour2)
    {
        var calculator = CalculatorWithDeviating((pixel, true));
        var image = IndexImage();
        calculator.CorrectDeviatingPixels(image, ReadingPattern.Chess);
        var expected = neighbour2 < 0 ? neighbour1 / 10f : (float)(((neighbour1 / 10f) + (neighbour2 / 10f)) / 2.0);
        Assert.Equal(expected, image[pixel]);
    }

    [Fact]
    public void Interleaved_correction_extrapolates_from_the_flatter_side_of_the_row()
    {
        var calculator = CalculatorWithDeviating((300, false));
        var image = IndexImage();
        image[302] = 50f; // steep on the right: 30.1 − 50 = −19.9, left 29.9 − 29.8 = 0.1 → extrapolate from the left
        calculator.CorrectDeviatingPixels(image, ReadingPattern.Interleaved);
        Assert.Equal(29.9f + (29.9f - 29.8f), image[300]);
    }

    [Fact]
    public void Interleaved_correction_averages_when_a_second_neighbour_is_also_deviating()
    {
        var calculator = CalculatorWithDeviating((300, false), (302, true));
        var image = IndexImage();
        calculator.CorrectDeviatingPixels(image, ReadingPattern.Interleaved);
        Assert.Equal((float)((29.9f + 30.1f) / 2.0), image[300]);
    }

    [Theory]
    [InlineData(320, 321, 321)] // column 0: right neighbour
    [InlineData(351, 350, 350)] // column 31: left neighbour
    [InlineData(321, 320, 322)] // column 1: mean of both
    [InlineData(350, 349, 351)] // column 30: mean of both
    public void Interleaved_correction_at_row_ends(int pixel, int left, int right)
    {
        var calculator = CalculatorWithDeviating((pixel, false));
        var image = IndexImage();
        calculator.CorrectDeviatingPixels(image, ReadingPattern.Interleaved);
        var expected = left == right ? left / 10f : (float)(((left / 10f) + (right / 10f)) / 2.0);
        Assert.Equal(expected, image[pixel]);
    }

    [Fact]
    public void Vdd_is_corrected_for_the_adc_resolution_in_the_control_register()
    {
        var vector = Melexis();
        var calculator = new TemperatureCalculator(Mlx90640Calibration.Extract(vector.EepromWords));
        var raw = vector.Frames[0].ToRawSubpage();
        var at18Bit = calculator.GetSupplyVoltage(raw);
        raw.Words[RawSubpage.ControlRegisterIndex] = 0x1D01; // same words, 19-bit setting
        var at19Bit = calculator.GetSupplyVoltage(raw);

        // Vdd = (corr·Vdd_pix − Vdd25)/Kvdd + 3.3 with corr 2^(2−3): the reading moves by Vdd_pix/2/Kvdd (≈ −1.96 V here).
        var vddPix = (short)raw.Words[810];
        Assert.InRange(at19Bit - at18Bit - (-0.5 * vddPix / -3200.0), -1e-5, 1e-5);
        Assert.InRange(at18Bit, 3.30, 3.31);
    }

    [Fact]
    public void Impossible_results_are_nan_by_default_and_kept_when_asked()
    {
        var vector = Melexis();
        var calibration = Mlx90640Calibration.Extract(vector.EepromWords);
        var raw = vector.Frames[0].ToRawSubpage();
        raw.Words[0] = unchecked((ushort)(short)-3000); // far below the offset: negative radicand → NaN
        raw.Words[2] = 20000; // a signal of several hundred °C
        var policed = new float[768];
        new TemperatureCalculator(calibration).CalculateObjectTemperatures(raw, 1f, 25f, policed);
        var faithful = new float[768];
        new TemperatureCalculator(calibration, OutOfRangePolicy.KeepReferenceValue).CalculateObjectTemperatures(raw, 1f, 25f, faithful);

        Assert.True(float.IsNaN(policed[0]));
        Assert.True(float.IsNaN(faithful[0]));
        Assert.True(float.IsNaN(policed[2]));
        Assert.InRange(faithful[2], 400f, 2000f);
        Assert.InRange(policed[4], 20f, 40f); // an ordinary neighbour is untouched by the policy
        Assert.Equal(policed[4], faithful[4]);
    }

    [Fact]
    public void Buffer_and_subpage_word_are_checked()
    {
        var vector = Melexis();
        var calculator = new TemperatureCalculator(Mlx90640Calibration.Extract(vector.EepromWords));
        var raw = vector.Frames[0].ToRawSubpage();
        Assert.Throws<ArgumentException>(() => calculator.CalculateObjectTemperatures(raw, 1f, 25f, new float[767]));
        raw.Words[RawSubpage.SubpageIndex] = 2;
        var ex = Assert.Throws<ArgumentException>(() => calculator.CalculateObjectTemperatures(raw, 1f, 25f, new float[768]));
        Assert.Contains("must be 0 or 1", ex.Message);
    }

    [Fact]
    public void Calculation_allocates_nothing_per_subpage()
    {
        var vector = Melexis();
        var calculator = new TemperatureCalculator(Mlx90640Calibration.Extract(vector.EepromWords));
        var raw = vector.Frames[0].ToRawSubpage();
        var image = new float[768];
        calculator.CalculateObjectTemperatures(raw, 1f, 25f, image); // warm up (JIT)
        calculator.CorrectDeviatingPixels(image, ReadingPattern.Chess);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            calculator.CalculateObjectTemperatures(raw, 1f, 25f, image);
            calculator.CorrectDeviatingPixels(image, ReadingPattern.Chess);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
