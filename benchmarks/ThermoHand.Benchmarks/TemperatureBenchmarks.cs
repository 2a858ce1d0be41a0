using BenchmarkDotNet.Attributes;
using ThermoHand.Mlx90640;

namespace ThermoHand.Benchmarks;

/// <summary>
/// Per-subpage cost of the temperature calculation on the Melexis sample (two real subpages), to compare with the
/// vendor C reference on the same machine class (gcc -O2: GetVdd+GetTa 160 ns, CalculateTo 19.9 µs per subpage,
/// full image 39.3 µs; shared/reference/mlx90640.md). Allocation must be zero per subpage.
/// </summary>
[MemoryDiagnoser]
public class TemperatureBenchmarks
{
    private readonly float[] image = new float[768];
    private readonly float[] scene = new float[768];
    private TemperatureCalculator calculator = null!;
    private Mlx90640Calibration calibration = null!;
    private RawSubpage subpage0 = null!;
    private RawSubpage subpage1 = null!;
    private RawSubpage synthesized = null!;

    [GlobalSetup]
    public void Setup()
    {
        var vector = CalibrationBenchmarkData.MelexisSample();
        calibration = Mlx90640Calibration.Extract(vector.EepromWords);
        calculator = new TemperatureCalculator(calibration);
        subpage0 = vector.Frames[0].ToRawSubpage();
        subpage1 = vector.Frames[1].ToRawSubpage();
        synthesized = new RawSubpage();
        for (var p = 0; p < scene.Length; p++)
        {
            scene[p] = 25f + (10f * p / 767f);
        }
    }

    [Benchmark]
    public float SupplyVoltageAndAmbient() => calculator.GetSupplyVoltage(subpage0) + calculator.GetAmbientTemperature(subpage0);

    /// <summary>Reference: tr = Ta − 8, then CalculateTo for one subpage (384 pixels).</summary>
    [Benchmark]
    public void ObjectTemperaturesOneSubpage()
    {
        var tr = calculator.GetAmbientTemperature(subpage0) - 8;
        calculator.CalculateObjectTemperatures(subpage0, 1f, tr, image);
    }

    /// <summary>Reference "full image": both subpages and the deviating-pixel correction.</summary>
    [Benchmark]
    public void FullImage()
    {
        calculator.CalculateObjectTemperatures(subpage0, 1f, calculator.GetAmbientTemperature(subpage0) - 8, image);
        calculator.CalculateObjectTemperatures(subpage1, 1f, calculator.GetAmbientTemperature(subpage1) - 8, image);
        calculator.CorrectDeviatingPixels(image, ReadingPattern.Chess);
    }

    /// <summary>The emulated sensor's cost per subpage (no reference equivalent).</summary>
    [Benchmark]
    public void SynthesizeOneSubpage()
        => RawSubpageSynthesizer.Synthesize(calibration, scene, 0, 0x1901, 31f, 3.3f, 0.98f, 23f, synthesized);
}
