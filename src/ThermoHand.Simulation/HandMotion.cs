namespace ThermoHand.Simulation;

/// <summary>Where the hand is: the centre of the wrist crease in mm from the centre of the view (x right, y down) and
/// its rotation in degrees (positive = clockwise on screen; 0 = fingers pointing to the top of the image).</summary>
public readonly record struct HandPose(double XMm, double YMm, double RotationDegrees);

/// <summary>How much a resting patient's hand moves. Our assumption (no published figures for a hand rest).</summary>
public sealed record HandMotionSettings
{
    /// <summary>Frame-to-frame tremor/breathing jitter, SD in mm.</summary>
    public double JitterMm { get; init; } = 0.5;

    /// <summary>Frame-to-frame rotation jitter, SD in degrees.</summary>
    public double JitterDegrees { get; init; } = 0.3;

    /// <summary>Slow drift amplitude over minutes, mm.</summary>
    public double DriftMm { get; init; } = 2.0;

    /// <summary>The hand returns from the water up to this far (mm) from where it was.</summary>
    public double ReturnOffsetMm { get; init; } = 10;

    /// <summary>… and turned by up to this many degrees.</summary>
    public double ReturnRotationDegrees { get; init; } = 4;

    /// <summary>A perfectly still hand: for tests that need exact geometry.</summary>
    public static HandMotionSettings Still { get; } = new() { JitterMm = 0, JitterDegrees = 0, DriftMm = 0, ReturnOffsetMm = 0, ReturnRotationDegrees = 0 };
}

/// <summary>
/// The hand's pose at any moment: a resting pose plus slow drift, per-frame jitter and, after the immersion, a new
/// resting place. Pure function of time and seed, so frames are reproducible in any rendering order.
/// </summary>
public sealed class HandMotion
{
    private readonly HandPose rest;
    private readonly HandMotionSettings settings;
    private readonly ProtocolTimeline protocol;
    private readonly int seed;
    private readonly double[] drift = new double[8];
    private readonly HandPose returnOffset;

    public HandMotion(HandPose rest, HandMotionSettings settings, ProtocolTimeline protocol, int seed)
    {
        this.rest = rest;
        this.settings = settings;
        this.protocol = protocol;
        this.seed = seed;
        for (var i = 0; i < 4; i++)
        {
            drift[2 * i] = SeededNoise.Uniform(seed, SeededNoise.Stream.HandDrift, (ulong)(2 * i), 240, 600);
            drift[(2 * i) + 1] = SeededNoise.Uniform(seed, SeededNoise.Stream.HandDrift, (ulong)((2 * i) + 1), 0, 2 * Math.PI);
        }

        returnOffset = new HandPose(
            SeededNoise.Uniform(seed, SeededNoise.Stream.HandReturn, 0, -1, 1) * settings.ReturnOffsetMm,
            SeededNoise.Uniform(seed, SeededNoise.Stream.HandReturn, 1, -0.6, 0.6) * settings.ReturnOffsetMm,
            SeededNoise.Uniform(seed, SeededNoise.Stream.HandReturn, 2, -1, 1) * settings.ReturnRotationDegrees);
    }

    /// <summary>The resting pose before the challenge.</summary>
    public HandPose Rest => rest;

    public HandPose PoseAt(double timeSeconds)
    {
        var x = rest.XMm + Drift(0, timeSeconds) + Drift(1, timeSeconds);
        var y = rest.YMm + Drift(2, timeSeconds) + Drift(3, timeSeconds);
        var rotation = rest.RotationDegrees;
        if (timeSeconds >= protocol.ChallengeEndSeconds)
        {
            x += returnOffset.XMm;
            y += returnOffset.YMm;
            rotation += returnOffset.RotationDegrees;
        }

        // Jitter is keyed by the millisecond so two renders of one moment agree.
        var key = (ulong)Math.Max(0, Math.Round(timeSeconds * 1000)) * 4;
        x += settings.JitterMm * SeededNoise.Gaussian(seed, SeededNoise.Stream.HandJitter, key);
        y += settings.JitterMm * SeededNoise.Gaussian(seed, SeededNoise.Stream.HandJitter, key + 1);
        rotation += settings.JitterDegrees * SeededNoise.Gaussian(seed, SeededNoise.Stream.HandJitter, key + 2);
        return new HandPose(x, y, rotation);
    }

    // Two sinusoids per axis of amplitude DriftMm/2, starting from zero so the rest pose holds at t = 0.
    private double Drift(int component, double t)
    {
        var period = drift[2 * component];
        var phase = drift[(2 * component) + 1];
        return settings.DriftMm / 2 * (Math.Sin((2 * Math.PI * t / period) + phase) - Math.Sin(phase));
    }
}
