namespace ThermoHand.Analysis.Rewarming;

/// <summary>One trusted temperature of one region at one time (seconds; which clock depends on the caller).</summary>
public readonly record struct TemperatureSample(double TimeSeconds, double TemperatureCelsius);

/// <summary>A stretch without trusted samples longer than the allowed gap, in the caller's time base.</summary>
public readonly record struct SampleGap(double FromSeconds, double ToSeconds)
{
    public double LengthSeconds => ToSeconds - FromSeconds;
}
