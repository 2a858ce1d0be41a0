using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Tests.Rewarming;

/// <summary>
/// The first-order rewarming curve with known parameters, for checking every metric against its closed form:
/// flat at the baseline before immersion, flat at the minimum until the lag, then
/// T(u) = baseline − drop·exp(−(u − lag)/τ), u = seconds after challenge_end.
/// </summary>
internal sealed record AnalyticCurve(double Baseline, double Minimum, double LagSeconds, double TauSeconds)
{
    public const double ChallengeStart = 120;
    public const double ChallengeEnd = 180;

    public double Drop => Baseline - Minimum;

    /// <summary>Temperature at session time t (NaN during the immersion, when the hand is in the water).</summary>
    public double At(double t)
    {
        if (t < ChallengeStart)
        {
            return Baseline;
        }

        if (t < ChallengeEnd)
        {
            return double.NaN;
        }

        var u = t - ChallengeEnd;
        return u <= LagSeconds ? Minimum : Baseline - (Drop * Math.Exp(-(u - LagSeconds) / TauSeconds));
    }

    /// <summary>Recovery % at u seconds after challenge_end.</summary>
    public double RecoveryAt(double u) => u <= LagSeconds ? 0 : 100 * (1 - Math.Exp(-(u - LagSeconds) / TauSeconds));

    /// <summary>Time to X % recovery: lag + τ·ln(1/(1 − X/100)).</summary>
    public double TimeTo(double percent) => LagSeconds + (TauSeconds * Math.Log(1 / (1 - (percent / 100))));

    /// <summary>∫₀^W (T − min) du in °C·min: drop·[(W − lag) − τ(1 − e^{−(W − lag)/τ})] / 60.</summary>
    public double AreaAboveMinimum(double window)
    {
        var span = window - LagSeconds;
        return Drop * (span - (TauSeconds * (1 - Math.Exp(-span / TauSeconds)))) / 60;
    }

    /// <summary>
    /// Least-squares slope (°C/min) of the continuous curve over [lag, lag + W]: −drop·I/(W³/12)·60 with
    /// I = ∫₀^W (v − W/2)·e^{−v/τ} dv = τ²[1 − e^{−W/τ}(1 + W/τ)] − (W/2)·τ·(1 − e^{−W/τ}).
    /// </summary>
    public double RegressionSlopeFromLag(double window)
    {
        var tau = TauSeconds;
        var e = Math.Exp(-window / tau);
        var integral = (tau * tau * (1 - (e * (1 + (window / tau))))) - (window / 2 * tau * (1 - e));
        return -Drop * integral / (window * window * window / 12) * 60;
    }

    /// <summary>Samples every <paramref name="step"/> s from <paramref name="from"/> to <paramref name="to"/>, skipping the immersion; optional Gaussian noise.</summary>
    public List<TemperatureSample> Sample(double from = 0, double to = ChallengeEnd + 960, double step = 0.25, double noise = 0, int seed = 1)
    {
        var random = new Random(seed);
        var samples = new List<TemperatureSample>();
        var count = (int)Math.Round((to - from) / step);
        for (var i = 0; i <= count; i++)
        {
            var t = from + (i * step);
            var value = At(t);
            if (double.IsNaN(value))
            {
                continue;
            }

            samples.Add(new TemperatureSample(t, value + (noise * Gaussian(random))));
        }

        return samples;
    }

    public static double Gaussian(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
