using System.Runtime.CompilerServices;

namespace ThermoHand.Mlx90640;

/// <summary>
/// The inverse of <see cref="TemperatureCalculator"/>: raw RAM words that the driver turns back into the given object
/// temperatures. Used by the emulated sensor, so everything downstream runs through the real calculation.
/// </summary>
/// <remarks>
/// Choices an emulated sensor has to make, and why:
/// <list type="bullet">
/// <item>Gain word (0x070A) = <see cref="EmulatedGainWord"/>, about 5.7× the factory gain of 5580. A real sensor reads a gain word
/// near GainEE, giving ~0.25 K per raw LSB at skin temperature; with the larger word each LSB is ~0.05 K, so the
/// round trip is within 0.03 K (rounding) instead of 0.12 K. The driver's formula is unchanged.</item>
/// <item>Compensation-pixel words are those of a CP that sees nothing (compensated CP signal 0).</item>
/// <item>PTAT and Vbe are searched together so the die temperature comes back within ~0.001 °C.</item>
/// <item>Each pixel word is the rounded inverse, then the best of its ±1 neighbours by running the forward formula.</item>
/// </list>
/// </remarks>
public static class RawSubpageSynthesizer
{
    /// <summary>Gain word written to RAM 0x070A (below 0x7FFF, which the driver treats as "not ready").</summary>
    public const short EmulatedGainWord = 32000;

    private const short NominalVbe = 19900;
    private static readonly ConditionalWeakTable<Mlx90640Calibration, TemperatureCalculator> Calculators = [];

    /// <summary>
    /// Fills <paramref name="destination"/> (pixels of <paramref name="subpageNumber"/>, all aux words, control register and
    /// subpage word) so that the driver computes <paramref name="objectTemperatures"/> (within 0.05 °C), with the given die
    /// temperature, supply voltage, emissivity and reflected temperature. Pixels of the other subpage keep what
    /// <paramref name="destination"/> held (the sensor's RAM keeps the last values of the other half).
    /// </summary>
    public static void Synthesize(
        Mlx90640Calibration calibration,
        ReadOnlySpan<float> objectTemperatures,
        int subpageNumber,
        ushort controlRegister,
        float ambientTemperature,
        float supplyVoltage,
        float emissivity,
        float reflectedTemperature,
        RawSubpage destination)
        => Synthesize(calibration, objectTemperatures, subpageNumber, controlRegister, ambientTemperature, supplyVoltage, emissivity, reflectedTemperature, destination, out _);

    /// <summary>
    /// As above, and reports in <paramref name="clampedPixelCount"/> how many wanted temperatures could not be represented
    /// (raw word outside int16, or the wanted value not a number); those pixels get the nearest representable word
    /// (or, for NaN, the word of a pixel at the reflected temperature).
    /// </summary>
    public static void Synthesize(
        Mlx90640Calibration calibration,
        ReadOnlySpan<float> objectTemperatures,
        int subpageNumber,
        ushort controlRegister,
        float ambientTemperature,
        float supplyVoltage,
        float emissivity,
        float reflectedTemperature,
        RawSubpage destination,
        out int clampedPixelCount)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(destination);
        if (objectTemperatures.Length != Mlx90640Calibration.PixelCount)
        {
            throw new ArgumentException($"The scene must hold {Mlx90640Calibration.PixelCount} pixels, not {objectTemperatures.Length}.", nameof(objectTemperatures));
        }

        if (subpageNumber is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(subpageNumber), subpageNumber, "The subpage is 0 or 1.");
        }

        if (!(emissivity > 0 && emissivity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(emissivity), emissivity, "Emissivity must be in (0, 1].");
        }

        if (!float.IsFinite(ambientTemperature) || !float.IsFinite(supplyVoltage) || !float.IsFinite(reflectedTemperature))
        {
            throw new ArgumentException("Die temperature, supply voltage and reflected temperature must be finite numbers.");
        }

        var calculator = Calculators.GetValue(calibration, static c => new TemperatureCalculator(c));
        var words = destination.Words;
        words[RawSubpage.ControlRegisterIndex] = controlRegister;
        words[RawSubpage.SubpageIndex] = (ushort)subpageNumber;
        words.AsSpan(RawSubpage.PixelWordCount, RawSubpage.AuxWordCount).Clear();

        // §11.2.2.2 inverted: Vdd_pix = ((Vdd − 3.3)·Kvdd + Vdd25) / resolution correction.
        var resolutionRam = TemperatureCalculator.GetResolutionSetting(controlRegister);
        var resolutionCorrection = Mlx90640Calibration.Pow2(calibration.ResolutionEE) / Mlx90640Calibration.Pow2(resolutionRam);
        words[810] = Word(Math.Round((((supplyVoltage - 3.3) * calibration.KVdd) + calibration.Vdd25) / resolutionCorrection));
        words[778] = (ushort)EmulatedGainWord;
        var vdd = calculator.SupplyVoltage(words);
        WriteDieTemperature(calculator, calibration, words, ambientTemperature, vdd);
        var ta = calculator.AmbientTemperature(words, vdd);
        WriteCompensationPixels(calibration, words, ta, vdd, controlRegister);

        var conditions = calculator.PrepareConditions(words, emissivity, reflectedTemperature);
        clampedPixelCount = 0;
        foreach (var p in calculator.PixelsOf(conditions))
        {
            var wanted = objectTemperatures[p];
            var target = float.IsFinite(wanted) ? wanted : reflectedTemperature;
            var exact = calculator.RawForTemperature(p, target, in conditions);
            if (!float.IsFinite(wanted) || !(exact >= short.MinValue && exact <= short.MaxValue))
            {
                clampedPixelCount++;
            }

            words[p] = (ushort)BestRawWord(calculator, p, exact, target, in conditions);
        }
    }

    private static short BestRawWord(TemperatureCalculator calculator, int p, double exact, float target, in SubpageConditions conditions)
    {
        // Candidates stay within −32768…32766: 0x7FFF in a pixel word means "not ready" to the driver.
        var rounded = double.IsNaN(exact) ? 0 : Math.Clamp(Math.Round(exact), short.MinValue + 1, short.MaxValue - 2);
        var best = (short)rounded;
        var bestError = double.PositiveInfinity;
        for (var candidate = (int)rounded - 1; candidate <= (int)rounded + 1; candidate++)
        {
            var error = Math.Abs(calculator.PixelTemperature(p, (short)candidate, in conditions) - target);
            if (error < bestError)
            {
                bestError = error;
                best = (short)candidate;
            }
        }

        return best;
    }

    /// <summary>
    /// §11.2.2.3 inverted: PTAT_art = PTAT / (PTAT·alphaPTAT + Vbe)·2^18 must equal (Ta − 25)·KtPTAT + VPTAT25 scaled by
    /// the Vdd term. One PTAT LSB is ~0.1 °C, so Vbe is searched near its nominal value for the pair that lands closest.
    /// </summary>
    private static void WriteDieTemperature(TemperatureCalculator calculator, Mlx90640Calibration calibration, ushort[] words, float ta, float vdd)
    {
        var ptatArt = ((((double)ta - 25) * calibration.KtPtat) + calibration.VPtat25) * (1 + (calibration.KvPtat * (vdd - 3.3)));
        var r = ptatArt / Mlx90640Calibration.Pow2(18);
        var bestError = double.PositiveInfinity;
        ushort bestPtat = 0, bestVbe = 0;
        for (var vbe = NominalVbe - 300; vbe <= NominalVbe + 300 && bestError > 1e-4; vbe++)
        {
            var ptat = Word(Math.Round(r * vbe / (1 - (r * calibration.AlphaPtat))));
            words[768] = (ushort)vbe;
            words[800] = ptat;
            var error = Math.Abs(calculator.AmbientTemperature(words, vdd) - ta);
            if (error < bestError)
            {
                bestError = error;
                bestPtat = ptat;
                bestVbe = (ushort)vbe;
            }
        }

        words[768] = bestVbe;
        words[800] = bestPtat;
    }

    /// <summary>CP words of a compensation pixel with zero compensated signal (§11.2.2.6 inverted), both subpages.</summary>
    private static void WriteCompensationPixels(Mlx90640Calibration calibration, ushort[] words, float ta, float vdd, ushort controlRegister)
    {
        var gain = (double)calibration.GainEE / EmulatedGainWord;
        var factor = (1 + (calibration.CpKta * (ta - 25.0))) * (1 + (calibration.CpKv * (vdd - 3.3)));
        var chessBits = (controlRegister & 0x1000) >> 5;
        var offset1 = chessBits == calibration.CalibrationModeEE ? calibration.CpOffset[1] : calibration.CpOffset[1] + calibration.IlChessC[0];
        words[776] = Word(Math.Round(calibration.CpOffset[0] * factor / gain));
        words[808] = Word(Math.Round(offset1 * factor / gain));
    }

    /// <summary>A signed 16-bit RAM word; 0x7FFF is avoided because the driver reads it as "data not ready".</summary>
    private static ushort Word(double value) => (ushort)(short)Math.Clamp(value, short.MinValue, short.MaxValue - 1);
}
