using ThermoHand.Analysis;

namespace ThermoHand.Simulation;

/// <summary>Everything that defines one simulated session. Same settings (including the seed) → identical frames.</summary>
public sealed record SimulationSettings
{
    public PatientGroup Group { get; init; } = PatientGroup.Healthy;

    public Hand Hand { get; init; } = Hand.Right;

    public int Seed { get; init; } = 1;

    /// <summary>Default: the 55° sensor at 30 cm, which frames fingertips and dorsum of an adult hand.</summary>
    public SensorOptics Optics { get; init; } = SensorOptics.Narrow55(300);

    public ProtocolTimeline Protocol { get; init; } = new();

    public HandMotionSettings Motion { get; init; } = new();

    /// <summary>Group physiology; null = the defaults of <see cref="Group"/>.</summary>
    public GroupPhysiology? Physiology { get; init; }

    /// <summary>0 = fingers closed, 1 = spread wide.</summary>
    public double FingerSpread { get; init; } = 0.6;

    /// <summary>
    /// Frame-to-frame noise per pixel, SD in °C. The datasheet gives NETD 0.1 K RMS at 1 Hz [S49]; it grows with the
    /// refresh rate, so 0.15 °C is our assumption for 2 Hz.
    /// </summary>
    public double TemporalNoiseCelsius { get; init; } = 0.15;

    /// <summary>Per-pixel offsets left after calibration, SD in °C (seeded, constant through the session). Our assumption.</summary>
    public double FixedPatternNoiseCelsius { get; init; } = 0.1;

    /// <summary>Sub-samples per pixel along each axis: 10 → 100 samples averaged per pixel.</summary>
    public int SubSamplesPerPixel { get; init; } = 10;

    /// <summary>Resting pose before the challenge; null = fingertips near the top of the view, hand centred.</summary>
    public HandPose? RestPose { get; init; }

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        Protocol.Validate();
        if (!(TemporalNoiseCelsius is >= 0 and <= 2))
        {
            throw new ArgumentException($"Temporal noise must be 0–2 °C, not {TemporalNoiseCelsius} °C.");
        }

        if (!(FixedPatternNoiseCelsius is >= 0 and <= 2))
        {
            throw new ArgumentException($"Fixed-pattern noise must be 0–2 °C, not {FixedPatternNoiseCelsius} °C.");
        }

        if (SubSamplesPerPixel is < 1 or > 40)
        {
            throw new ArgumentException($"Sub-samples per pixel must be 1–40, not {SubSamplesPerPixel}.");
        }

        if (!(FingerSpread is >= 0 and <= 1))
        {
            throw new ArgumentException($"Finger spread must be 0–1, not {FingerSpread}.");
        }
    }
}
