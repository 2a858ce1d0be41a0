using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Vectors;
using ThermoHand.TestSupport;
using Xunit.Abstractions;

namespace ThermoHand.Analysis.Tests.Reanalysis;

/// <summary>
/// Re-deriving a stored temperature at another emissivity against the exact answer: the real driver recomputing the
/// same raw subpage at the new emissivity (docs/reanalysis.md quotes the numbers printed here).
/// </summary>
public sealed class EmissivityRederivationTests(ITestOutputHelper output)
{
    private const ushort ChessEighteenBitTwoHertz = 0x1901;

    [Theory]
    [InlineData(0.98, 0.95)]
    [InlineData(0.98, 1.00)]
    [InlineData(0.95, 0.90)]
    public void Rederived_temperatures_match_a_recompute_from_raw_within_0_01_C(double from, double to)
    {
        var vector = SensorVector.Load(Path.Combine(SharedData.VectorsDirectory, "real_melexis_sample_chess18.json"));
        var calibration = Mlx90640Calibration.Extract(vector.EepromWords);
        var calculator = new TemperatureCalculator(calibration);
        // A hand-like scene: 15–36 °C skin on a 23 °C room, sensor die at 31 °C.
        var scene = new float[768];
        for (var i = 0; i < scene.Length; i++)
        {
            scene[i] = i % 32 < 8 ? 23f : 15f + (21f * (i % 97) / 96f);
        }

        var subpage = new RawSubpage();
        var atFrom = new float[768];
        var atTo = new float[768];
        var worst = 0.0;
        double sum = 0;
        var n = 0;
        const float Ambient = 31f;
        for (var page = 0; page < 2; page++)
        {
            RawSubpageSynthesizer.Synthesize(calibration, scene, page, ChessEighteenBitTwoHertz, Ambient, 3.3f, (float)from, Ambient - 8, subpage);
            var ta = calculator.GetAmbientTemperature(subpage);
            var tr = ta - 8;
            calculator.CalculateObjectTemperatures(subpage, (float)from, tr, atFrom);
            calculator.CalculateObjectTemperatures(subpage, (float)to, tr, atTo);
            foreach (var p in Enumerable.Range(0, 768).Where(p => (p / 32 + p % 32) % 2 == page && !calibration.IsDeviatingPixel(p)))
            {
                var rederived = EmissivityRederivation.Rederive(atFrom[p], from, to, tr);
                var error = Math.Abs(rederived - atTo[p]);
                worst = Math.Max(worst, error);
                sum += error;
                n++;
            }
        }

        output.WriteLine($"ε {from} → {to}: {n} pixels, mean |error| {sum / n:0.00000} °C, worst {worst:0.00000} °C");
        Assert.True(n > 700);
        Assert.True(worst < 0.01, $"worst re-derivation error {worst:0.0000} °C");
    }

    [Fact]
    public void Lower_emissivity_raises_a_temperature_above_the_reflected_one_and_the_same_emissivity_changes_nothing()
    {
        Assert.True(EmissivityRederivation.Rederive(32f, 0.98, 0.95, 20) > 32f);
        Assert.True(EmissivityRederivation.Rederive(15f, 0.98, 0.95, 20) < 15f);
        Assert.Equal(32f, EmissivityRederivation.Rederive(32f, 0.98, 0.98, 20), 4);
        Assert.True(float.IsNaN(EmissivityRederivation.Rederive(float.NaN, 0.98, 0.95, 20)));
    }

    [Fact]
    public void An_error_in_the_reflected_temperature_moves_the_result_little()
    {
        // Sensitivity dT2/dTr = (1 − ε1/ε2)·Tr³/T2³: for 0.98 → 0.95 about −0.03 °C per °C.
        var atTwenty = EmissivityRederivation.Rederive(32f, 0.98, 0.95, 20);
        var atTwentyFive = EmissivityRederivation.Rederive(32f, 0.98, 0.95, 25);
        output.WriteLine($"Tr 20 → 25 °C moves a 32 °C skin pixel re-derived 0.98 → 0.95 by {atTwentyFive - atTwenty:0.0000} °C");
        Assert.InRange(Math.Abs(atTwentyFive - atTwenty), 0.05, 0.3);
    }

    [Fact]
    public void Impossible_emissivities_are_refused_with_the_reason()
    {
        var image = new float[768];
        var problem = Assert.Throws<ArgumentOutOfRangeException>(() => EmissivityRederivation.Rederive(image, 0.98, 0, 20));
        Assert.Contains("above 0 and at most 1", problem.Message);
    }
}
