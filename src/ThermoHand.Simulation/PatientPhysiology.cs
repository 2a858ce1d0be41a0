namespace ThermoHand.Simulation;

/// <summary>One digit's drawn parameters: what this simulated patient's finger does.</summary>
public sealed record DigitPhysiology(
    int Digit,
    double BaselineFingertipCelsius,
    double RewarmingLagSeconds,
    double RewarmingTauSeconds,
    double RewarmingCompleteness,
    double VasomotionPeriodSeconds,
    double VasomotionPhaseRadians);

/// <summary>
/// The skin temperatures of one simulated patient through the protocol: a baseline, exponential cooling towards the
/// water while immersed, then a lag and first-order rewarming towards an end point
/// (clinical.md §3, curve model <c>T(t) = T∞ − (T∞ − Tmin)·exp(−(t − tlag)/τ)</c>). Per-finger values are drawn
/// from the group's typical values with the seed, so the same seed always gives the same patient.
/// Pure computation: no state changes after construction.
/// </summary>
public sealed class PatientPhysiology
{
    public PatientPhysiology(GroupPhysiology group, ProtocolTimeline protocol, int seed)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(protocol);
        protocol.Validate();
        Group = group;
        Protocol = protocol;

        var digits = new DigitPhysiology[5];
        for (var digit = 1; digit <= 5; digit++)
        {
            ulong key = (ulong)digit * 16;
            double Normal(ulong k) => SeededNoise.Gaussian(seed, SeededNoise.Stream.FingerVariation, key + k);

            var tip = group.FingertipBaselineCelsius + (group.FingertipBaselineSpreadCelsius * Normal(0));
            if (digit == 1)
            {
                tip += group.ThumbSparingCelsius;
            }

            // A fingertip is not warmer than the core-side dorsum by more than a little at 23 °C room (our assumption).
            tip = Math.Min(tip, group.DorsumBaselineCelsius + 0.3);

            // Log-normal variation keeps lags and time constants positive and skewed like real recovery times.
            var lag = group.RewarmingLagSeconds * Math.Exp(group.RewarmingVariation * Normal(1));
            var tau = group.RewarmingTauSeconds * Math.Exp(group.RewarmingVariation * Normal(2));
            var completeness = Math.Clamp(group.RewarmingCompleteness + (0.05 * Normal(3)), 0.3, 1.0);
            var period = SeededNoise.Uniform(seed, SeededNoise.Stream.Vasomotion, key, 60, 150);
            var phase = SeededNoise.Uniform(seed, SeededNoise.Stream.Vasomotion, key + 1, 0, 2 * Math.PI);
            digits[digit - 1] = new DigitPhysiology(digit, tip, lag, tau, completeness, period, phase);
        }

        Digits = digits;
    }

    public GroupPhysiology Group { get; }

    public ProtocolTimeline Protocol { get; }

    /// <summary>D1 … D5.</summary>
    public IReadOnlyList<DigitPhysiology> Digits { get; }

    /// <summary>True skin temperature of the fingertip (distal phalanx) of <paramref name="digit"/> at a time.</summary>
    public double FingertipTemperature(int digit, double timeSeconds)
    {
        var d = Digits[digit - 1];
        var curve = ChallengeCurve(d.BaselineFingertipCelsius, timeSeconds, Group.FingertipCoolingTauSeconds, d.RewarmingLagSeconds, d.RewarmingTauSeconds, d.RewarmingCompleteness);

        // Vasomotion fades with the cold (a fingertip at water temperature has no flow to swing); scaling it by how
        // warm the tip is keeps the curve continuous through immersion.
        var warmth = Math.Clamp((curve - Protocol.WaterTemperatureCelsius) / (d.BaselineFingertipCelsius - Protocol.WaterTemperatureCelsius), 0, 1);
        var swing = Group.VasomotionAmplitudeCelsius * Math.Sin((2 * Math.PI * timeSeconds / d.VasomotionPeriodSeconds) + d.VasomotionPhaseRadians);
        return curve + (warmth * swing);
    }

    /// <summary>True skin temperature of the dorsum of the hand at a time (rewarms without lag, completely).</summary>
    public double DorsumTemperature(double timeSeconds)
        => ChallengeCurve(Group.DorsumBaselineCelsius, timeSeconds, Group.DorsumCoolingTauSeconds, 0, Group.DorsumRewarmingTauSeconds, 1.0);

    /// <summary>
    /// Forearm skin. The gloved immersion reaches the wrist, so the forearm stays at its baseline (our assumption).
    /// </summary>
    public double ForearmTemperature() => Group.DorsumBaselineCelsius + Group.ForearmAboveDorsumCelsius;

    /// <summary>
    /// Skin temperature along a digit: the dorsum temperature at the knuckle, the fingertip temperature over the
    /// distal phalanx, and a gradient in between that steepens towards the tip ([S17][S18] measure it MCP→DIP).
    /// </summary>
    public static double AlongDigit(double dorsumCelsius, double fingertipCelsius, double alongDigit, double distalFraction)
    {
        var distalStart = 1 - distalFraction;
        if (alongDigit >= distalStart)
        {
            return fingertipCelsius;
        }

        var f = Math.Max(0, alongDigit) / distalStart;
        return dorsumCelsius + ((fingertipCelsius - dorsumCelsius) * f * Math.Sqrt(f));
    }

    private double ChallengeCurve(double baseline, double t, double coolingTau, double lag, double tau, double completeness)
    {
        var start = Protocol.ChallengeStartSeconds;
        var end = Protocol.ChallengeEndSeconds;
        var water = Protocol.WaterTemperatureCelsius;
        if (t < start)
        {
            return baseline;
        }

        if (t < end)
        {
            return water + ((baseline - water) * Math.Exp(-(t - start) / coolingTau));
        }

        var minimum = water + ((baseline - water) * Math.Exp(-(end - start) / coolingTau));
        var endPoint = minimum + (completeness * (baseline - minimum));
        var sinceLag = t - end - lag;
        return sinceLag <= 0 ? minimum : endPoint - ((endPoint - minimum) * Math.Exp(-sinceLag / tau));
    }
}
