using ThermoHand.Mlx90640.Vectors;
using ThermoHand.TestSupport;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>
/// <see cref="RawSubpageSynthesizer"/> is the inverse of the calculator: scene → raw words → calculator must give the
/// scene back within 0.05 °C for 0–45 °C, both subpages, chess and interleaved, on the real calibrations.
/// </summary>
public class SynthesizerTests
{
    private const double RoundTripTolerance = 0.05;
    private const ushort ChessControl = 0x1901; // 2 Hz, 18 bit, chess (factory default)
    private const ushort InterleavedControl = 0x0901;

    public static TheoryData<string, ushort, int> Cases()
    {
        var data = new TheoryData<string, ushort, int>();
        foreach (var file in new[] { "real_melexis_sample_chess18.json", "real_signaloid_chess16.json", "datasheet_worked_example.json" })
        {
            foreach (var control in new[] { ChessControl, InterleavedControl, (ushort)0x1181, (ushort)0x1D01 })
            {
                data.Add(file, control, 0);
                data.Add(file, control, 1);
            }
        }

        return data;
    }

    private static Mlx90640Calibration Load(string file)
        => Mlx90640Calibration.Extract(SensorVector.Load(Path.Combine(SharedData.VectorsDirectory, file)).EepromWords);

    /// <summary>A scene spanning 0–45 °C: a gradient plus a warm "hand" block, every pixel different.</summary>
    private static float[] Scene()
    {
        var scene = new float[768];
        for (var p = 0; p < 768; p++)
        {
            var row = p / 32;
            var column = p % 32;
            scene[p] = 45f * p / 767f;
            if (row is > 6 and < 18 && column is > 8 and < 24)
            {
                scene[p] = 30f + (0.13f * column) + (0.07f * row);
            }
        }

        return scene;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scene_round_trips_through_raw_words_within_50_mK(string file, ushort control, int subpageNumber)
    {
        var calibration = Load(file);
        var scene = Scene();
        var raw = new RawSubpage();
        RawSubpageSynthesizer.Synthesize(calibration, scene, subpageNumber, control, 31.5f, 3.28f, 0.98f, 23f, raw, out var clamped);
        Assert.Equal(0, clamped);
        Assert.Equal(subpageNumber, raw.Subpage);
        Assert.Equal(control, raw.ControlRegister);

        var calculator = new TemperatureCalculator(calibration);
        Assert.InRange(Math.Abs(calculator.GetSupplyVoltage(raw) - 3.28f), 0, 0.001);
        Assert.InRange(Math.Abs(calculator.GetAmbientTemperature(raw) - 31.5f), 0, 0.01);

        var result = new float[768];
        Array.Fill(result, float.NaN);
        calculator.CalculateObjectTemperatures(raw, 0.98f, 23f, result);
        var pattern = TemperatureCalculator.GetReadingPattern(control);
        var worst = 0.0;
        for (var p = 0; p < 768; p++)
        {
            if (TemperatureCalculator.SubpageOfPixel(p, pattern) != subpageNumber)
            {
                Assert.True(float.IsNaN(result[p]), "pixels of the other subpage are not computed");
                continue;
            }

            worst = Math.Max(worst, Math.Abs(result[p] - scene[p]));
        }

        Assert.InRange(worst, 0, RoundTripTolerance);
    }

    [Fact]
    public void Other_subpage_pixels_keep_their_previous_words_and_aux_words_avoid_0x7FFF()
    {
        var calibration = Load("real_melexis_sample_chess18.json");
        var raw = new RawSubpage();
        Array.Fill(raw.Words, (ushort)1234);
        RawSubpageSynthesizer.Synthesize(calibration, Scene(), 0, ChessControl, 30f, 3.3f, 1f, 22f, raw);
        for (var p = 0; p < 768; p++)
        {
            if (TemperatureCalculator.SubpageOfPixel(p, ReadingPattern.Chess) == 1)
            {
                Assert.Equal(1234, raw.Words[p]);
            }
        }

        // The driver treats 0x7FFF in these aux words as "not ready" (reference ValidateAuxData).
        foreach (var index in new[] { 768, 776, 778, 800, 808, 810 })
        {
            Assert.NotEqual(0x7FFF, raw.Words[index]);
        }
    }

    [Fact]
    public void Unrepresentable_temperatures_are_clamped_and_counted()
    {
        var calibration = Load("real_melexis_sample_chess18.json");
        var scene = Scene();
        scene[0] = 2000f; // far beyond int16 raw range (chess subpage 0 holds pixel 0)
        scene[2] = float.NaN;
        var raw = new RawSubpage();
        RawSubpageSynthesizer.Synthesize(calibration, scene, 0, ChessControl, 30f, 3.3f, 1f, 22f, raw, out var clamped);
        Assert.Equal(2, clamped);
        Assert.Equal(short.MaxValue - 1, (short)raw.Words[0]);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_argument_named()
    {
        var calibration = Load("real_melexis_sample_chess18.json");
        var raw = new RawSubpage();
        Assert.Equal("subpageNumber", Assert.Throws<ArgumentOutOfRangeException>(() => RawSubpageSynthesizer.Synthesize(calibration, Scene(), 2, ChessControl, 30f, 3.3f, 1f, 22f, raw)).ParamName);
        Assert.Equal("emissivity", Assert.Throws<ArgumentOutOfRangeException>(() => RawSubpageSynthesizer.Synthesize(calibration, Scene(), 0, ChessControl, 30f, 3.3f, 0f, 22f, raw)).ParamName);
        Assert.Throws<ArgumentException>(() => RawSubpageSynthesizer.Synthesize(calibration, new float[10], 0, ChessControl, 30f, 3.3f, 1f, 22f, raw));
    }
}
