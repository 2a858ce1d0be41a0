namespace ThermoHand.Calibration.Tests;

public sealed class WarmUpMonitorTests
{
    [Fact]
    public void Stable_once_the_image_mean_drifts_less_than_the_limit_over_a_full_window()
    {
        // An offset of 1.5 °C decaying with τ = 180 s drifts 0.5·e^(−t/τ) °C/min: below 0.01 °C/min after ≈ 11.7 min.
        var monitor = new WarmUpMonitor(new WarmUpCriteria());
        var state = WarmUpState.Settling;
        var t = 0.0;
        for (; t < 1800 && state == WarmUpState.Settling; t += 1)
        {
            state = monitor.Add(t, 30 + (1.5 * Math.Exp(-t / 180)));
        }

        Assert.Equal(WarmUpState.Stable, state);
        Assert.InRange(t / 60, 11.7, 13.5);
        Assert.True(Math.Abs(monitor.DriftCelsiusPerMinute) < 0.01);
    }

    [Fact]
    public void A_steady_sensor_needs_one_full_window_and_a_drifting_one_times_out()
    {
        var steady = new WarmUpMonitor(new WarmUpCriteria());
        Assert.Equal(WarmUpState.Settling, steady.Add(0, 30));
        Assert.Equal(WarmUpState.Settling, steady.Add(60, 30));
        Assert.True(double.IsNaN(steady.DriftCelsiusPerMinute));
        Assert.Equal(WarmUpState.Settling, steady.Add(119, 30));
        Assert.Equal(WarmUpState.Stable, steady.Add(120, 30));

        var drifting = new WarmUpMonitor(new WarmUpCriteria { Timeout = TimeSpan.FromMinutes(5) });
        var state = WarmUpState.Settling;
        for (var t = 0; t <= 300; t += 1)
        {
            state = drifting.Add(t, 30 + (0.05 * t / 60));
        }

        Assert.Equal(WarmUpState.TimedOut, state);
        Assert.Equal(0.05, drifting.DriftCelsiusPerMinute, 4);
    }
}
