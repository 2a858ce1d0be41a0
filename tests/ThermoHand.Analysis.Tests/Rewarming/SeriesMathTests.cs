using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Tests.Rewarming;

public class SeriesMathTests
{
    [Fact]
    public void Successive_difference_noise_ignores_slow_drift()
    {
        // 0.2 °C white noise on a 3 °C/min drift: the estimate must see the noise, not the drift.
        var random = new Random(3);
        var samples = Enumerable.Range(0, 4000)
            .Select(i => new TemperatureSample(i * 0.25, 25 + (i * 0.25 * 0.05) + (0.2 * AnalyticCurve.Gaussian(random))))
            .ToList();
        Assert.Equal(0.2, SeriesMath.SuccessiveDifferenceNoise(samples), 0.01);
    }

    [Fact]
    public void Least_squares_slope_of_a_line_is_exact()
    {
        var samples = Enumerable.Range(0, 50).Select(i => new TemperatureSample(100 + (i * 0.7), 20 + (0.03 * i * 0.7))).ToList();
        Assert.Equal(0.03, SeriesMath.LeastSquaresSlope(samples, 5, 40), 12);
    }

    [Fact]
    public void Value_at_interpolates_but_not_across_a_gap()
    {
        TemperatureSample[] samples = [new(0, 20), new(10, 22), new(50, 30), new(51, 31)];
        Assert.Equal(21, SeriesMath.ValueAt(samples, 5, 30, 2)!.Value, 12);
        Assert.Null(SeriesMath.ValueAt(samples, 30, 30, 2)); // inside the 40 s gap
        Assert.Equal(22, SeriesMath.ValueAt(samples, 11, 30, 2)!.Value, 12); // beside the gap: nearest within 2 s
        Assert.Equal(31, SeriesMath.ValueAt(samples, 52.5, 30, 2)!.Value, 12);
        Assert.Null(SeriesMath.ValueAt(samples, 54, 30, 2));
    }

    [Fact]
    public void Smoothing_keeps_lines_and_damps_spikes_and_gaps_are_found()
    {
        // A straight line comes back unchanged, also at the one-sided ends (a moving mean would give 2.5 at t = 0).
        var line = Enumerable.Range(0, 21).Select(i => new TemperatureSample(i, 20 + (0.5 * i))).ToList();
        var smoothLine = SeriesMath.LocalLinearSmooth(line, 5);
        Assert.Equal(20, smoothLine[0].TemperatureCelsius, 9);
        Assert.Equal(25, smoothLine[10].TemperatureCelsius, 9);
        Assert.Equal(30, smoothLine[20].TemperatureCelsius, 9);

        // Inside the series it is the moving mean: a single spike of 11 °C is spread over the 11 samples of its window.
        var spike = Enumerable.Range(0, 21).Select(i => new TemperatureSample(i, i == 10 ? 11 : 0)).ToList();
        Assert.Equal(1, SeriesMath.LocalLinearSmooth(spike, 5)[10].TemperatureCelsius, 9);

        var gaps = SeriesMath.FindGaps([new(5, 1), new(50, 1), new(60, 1)], 0, 100, 30);
        Assert.Equal([new SampleGap(5, 50), new SampleGap(60, 100)], gaps);
    }
}
