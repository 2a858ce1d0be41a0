namespace ThermoHand.Analysis.Reanalysis;

/// <summary>
/// Changes the emissivity of temperatures already computed, without the raw sensor data (docs/reanalysis.md,
/// "Emissivity from stored temperatures"). The MLX90640 maths (datasheet §11.2.2.9) computes
/// To⁴ = V/(ε·α) + Tr⁴ − (Tr⁴ − Ta⁴)/ε from the pixel's compensated signal V, so ε·(To⁴ − Tr⁴) = V/α − (Tr⁴ − Ta⁴)
/// does not depend on ε. Hence, in kelvin:
/// <code>To₂⁴ = Tr⁴ + (ε₁/ε₂)·(To₁⁴ − Tr⁴)</code>
/// The die temperature Ta cancels; only the reflected temperature Tr is needed. Assumed: the sensitivity correction
/// α·(1 + KsTo·(To − CT)) is the same at To₁ and To₂ (KsTo ≈ −0.0002/K, so it changes by ~0.02 % per kelvin), and Tr
/// is the one the device used. The error against a recompute from raw is measured in the tests.
/// </summary>
public static class EmissivityRederivation
{
    private const double Kelvin = 273.15;

    /// <summary>One temperature (°C) re-derived from emissivity <paramref name="from"/> to <paramref name="to"/>; NaN stays NaN.</summary>
    public static float Rederive(float celsius, double from, double to, double reflectedCelsius)
    {
        if (!float.IsFinite(celsius))
        {
            return float.NaN;
        }

        var tr = reflectedCelsius + Kelvin;
        var tr4 = tr * tr * tr * tr;
        var t1 = celsius + Kelvin;
        var t2to4 = tr4 + (from / to * ((t1 * t1 * t1 * t1) - tr4));
        return t2to4 > 0 ? (float)(Math.Sqrt(Math.Sqrt(t2to4)) - Kelvin) : float.NaN;
    }

    /// <summary>Re-derives a whole image in place.</summary>
    public static void Rederive(Span<float> temperaturesCelsius, double from, double to, double reflectedCelsius)
    {
        Check(from, nameof(from));
        Check(to, nameof(to));
        for (var i = 0; i < temperaturesCelsius.Length; i++)
        {
            temperaturesCelsius[i] = Rederive(temperaturesCelsius[i], from, to, reflectedCelsius);
        }
    }

    /// <summary>Throws unless 0 &lt; ε ≤ 1 (skin ≈ 0.98).</summary>
    public static void Check(double emissivity, string name)
    {
        if (!(emissivity > 0 && emissivity <= 1))
        {
            throw new ArgumentOutOfRangeException(name, emissivity, "An emissivity is a number above 0 and at most 1 (human skin ≈ 0.98).");
        }
    }
}
