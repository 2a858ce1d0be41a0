namespace ThermoHand.Simulation;

/// <summary>
/// Counter-based random numbers: every draw is a pure function of (seed, stream, key). The scene can therefore be
/// rendered at any time in any order and still give identical frames for the same seed — a stateful generator
/// would make frame N depend on how many frames were rendered before it.
/// </summary>
internal static class SeededNoise
{
    /// <summary>Streams keep unrelated uses of the same seed independent of each other.</summary>
    internal enum Stream : ulong
    {
        FingerVariation = 1,
        FixedPattern = 2,
        TemporalNoise = 3,
        HandJitter = 4,
        HandDrift = 5,
        HandReturn = 6,
        Vasomotion = 7,
    }

    /// <summary>Uniform in [0, 1).</summary>
    public static double Uniform(int seed, Stream stream, ulong key)
    {
        var state = Mix(Mix(unchecked((ulong)seed) ^ Mix((ulong)stream)) ^ key);
        return (state >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static double Uniform(int seed, Stream stream, ulong key, double low, double high)
        => low + ((high - low) * Uniform(seed, stream, key));

    /// <summary>Standard normal (mean 0, SD 1) by the Box–Muller transform of two keyed uniforms.</summary>
    public static double Gaussian(int seed, Stream stream, ulong key)
    {
        var u1 = Uniform(seed, stream, key * 2);
        var u2 = Uniform(seed, stream, (key * 2) + 1);
        return Math.Sqrt(-2.0 * Math.Log(1.0 - u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>SplitMix64 finaliser: a cheap bijective mix with good avalanche.</summary>
    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
