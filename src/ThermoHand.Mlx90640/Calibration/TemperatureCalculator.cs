using System.Runtime.CompilerServices;

namespace ThermoHand.Mlx90640;

/// <summary>
/// Turns raw subpages into temperatures for one sensor (datasheet §11.2: Vdd §11.2.2.2, Ta §11.2.2.3, To §11.2.2.5-9),
/// following the vendor reference's <c>MLX90640_GetVdd</c>, <c>GetTa</c>, <c>CalculateTo</c> and
/// <c>BadPixelsCorrection</c> @f6be7ca. Arithmetic is float32 in the reference's order; where C promotes to double
/// (a <c>3.3</c> or <c>273.15</c> literal, <c>sqrt</c>, <c>pow</c>) we promote too, which is why the casts below look
/// fussy: they are what makes the result agree with the reference to ~1e-4 °C. Per-pixel constants are computed once
/// in the constructor so a subpage allocates nothing.
/// </summary>
public sealed class TemperatureCalculator
{
    /// <summary>Below this a result is not a measurement (the sensor's range is −40…300 °C); written as NaN.</summary>
    public const float LowestCredibleTemperature = -60f;

    /// <summary>Above this a result is not a measurement; written as NaN.</summary>
    public const float HighestCredibleTemperature = 400f;

    private const int PixelCount = Mlx90640Calibration.PixelCount;
    private const int ChessModeBits = 0x80;

    private readonly Mlx90640Calibration calibration;
    private readonly float[] offset = new float[PixelCount];
    private readonly float[] kta = new float[PixelCount];
    private readonly float[] kv = new float[PixelCount];
    private readonly float[] alpha = new float[PixelCount];
    private readonly float[] ilChessRowTerm = new float[PixelCount];
    private readonly float[] ilChessConversionTerm = new float[PixelCount];
    private readonly float[] resolutionCorrection = new float[4];
    private readonly float[] alphaCorrR = new float[4];
    private readonly float[] ksTo = new float[4];
    private readonly float[] ct = new float[4];

    // Pixel indices of each half: [0] interleaved subpage 0, [1] interleaved 1, [2] chess 0, [3] chess 1.
    private readonly short[][] pixelsOfHalf = new short[4][];
    private readonly ushort[] deviatingPixels;

    public TemperatureCalculator(Mlx90640Calibration calibration)
        : this(calibration, OutOfRangePolicy.MarkInvalid)
    {
    }

    /// <param name="calibration">The sensor's calibration.</param>
    /// <param name="outOfRange">
    /// What to do with a finite result outside <see cref="LowestCredibleTemperature"/>…<see cref="HighestCredibleTemperature"/>:
    /// the measurement pipeline marks it invalid (default); the conformance tool keeps the reference's number.
    /// </param>
    public TemperatureCalculator(Mlx90640Calibration calibration, OutOfRangePolicy outOfRange)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        this.calibration = calibration;
        OutOfRange = outOfRange;
        var ktaScale = (float)Mlx90640Calibration.Pow2(calibration.KtaScale);
        var kvScale = (float)Mlx90640Calibration.Pow2(calibration.KvScale);
        var alphaScale = (float)Mlx90640Calibration.Pow2(calibration.AlphaScale);
        var halves = new List<short>[4] { [], [], [], [] };
        for (var p = 0; p < PixelCount; p++)
        {
            offset[p] = calibration.Offset[p];
            kta[p] = calibration.KtaRaw[p] / ktaScale;
            kv[p] = calibration.KvRaw[p] / kvScale;
            alpha[p] = (float)(0.000001 * alphaScale / calibration.AlphaRaw[p]);
            var ilPattern = InterleavedHalf(p);
            ilChessRowTerm[p] = calibration.IlChessC[2] * ((2 * ilPattern) - 1);
            ilChessConversionTerm[p] = calibration.IlChessC[1] * ConversionPattern(p);
            halves[ilPattern].Add((short)p);
            halves[2 + ChessHalf(p)].Add((short)p);
        }

        for (var i = 0; i < 4; i++)
        {
            pixelsOfHalf[i] = [.. halves[i]];
            resolutionCorrection[i] = (float)(Mlx90640Calibration.Pow2(calibration.ResolutionEE) / Mlx90640Calibration.Pow2(i));
            ksTo[i] = calibration.KsTo[i];
            ct[i] = calibration.Ct[i];
        }

        // §11.2.2.9: sensitivity correction per range, continuous at the corner temperatures.
        alphaCorrR[0] = 1 / (1 + (ksTo[0] * 40));
        alphaCorrR[1] = 1;
        alphaCorrR[2] = 1 + (ksTo[1] * calibration.Ct[2]);
        alphaCorrR[3] = alphaCorrR[2] * (1 + (ksTo[2] * (calibration.Ct[3] - calibration.Ct[2])));

        deviatingPixels = [.. calibration.BrokenPixels, .. calibration.OutlierPixels];
    }

    public Mlx90640Calibration Calibration => calibration;

    public OutOfRangePolicy OutOfRange { get; }

    /// <summary>Reading pattern from control register 0x800D bit 12.</summary>
    public static ReadingPattern GetReadingPattern(ushort controlRegister)
        => (controlRegister & 0x1000) != 0 ? ReadingPattern.Chess : ReadingPattern.Interleaved;

    /// <summary>ADC resolution setting (0 = 16 bit … 3 = 19 bit) from control register 0x800D bits 10-11.</summary>
    public static int GetResolutionSetting(ushort controlRegister) => (controlRegister & 0x0C00) >> 10;

    /// <summary>Which subpage pixel <paramref name="pixel"/> belongs to in the given pattern (the reference's ilPattern/chessPattern).</summary>
    public static int SubpageOfPixel(int pixel, ReadingPattern pattern)
        => pattern == ReadingPattern.Chess ? ChessHalf(pixel) : InterleavedHalf(pixel);

    /// <summary>Supply voltage Vdd in volts (reference <c>MLX90640_GetVdd</c>), corrected for the ADC resolution in the subpage's control register (pitfall 8).</summary>
    public float GetSupplyVoltage(RawSubpage subpage)
    {
        ArgumentNullException.ThrowIfNull(subpage);
        return SupplyVoltage(subpage.Words);
    }

    /// <summary>Die (ambient) temperature Ta in °C (reference <c>MLX90640_GetTa</c>).</summary>
    public float GetAmbientTemperature(RawSubpage subpage)
    {
        ArgumentNullException.ThrowIfNull(subpage);
        var words = subpage.Words;
        return AmbientTemperature(words, SupplyVoltage(words));
    }

    /// <summary>
    /// Object temperature To in °C of the pixels that belong to <paramref name="subpage"/>'s subpage (reference
    /// <c>MLX90640_CalculateTo</c>); other pixels of <paramref name="objectTemperatures"/> (768) are left as they are.
    /// A NaN or physically impossible result is written as NaN (invalid), never passed on as a number.
    /// </summary>
    public void CalculateObjectTemperatures(RawSubpage subpage, float emissivity, float reflectedTemperature, Span<float> objectTemperatures)
    {
        ArgumentNullException.ThrowIfNull(subpage);
        if (objectTemperatures.Length != PixelCount)
        {
            throw new ArgumentException($"The temperature buffer must hold {PixelCount} pixels, not {objectTemperatures.Length}.", nameof(objectTemperatures));
        }

        var conditions = PrepareConditions(subpage.Words, emissivity, reflectedTemperature);
        var words = subpage.Words;
        if (OutOfRange == OutOfRangePolicy.MarkInvalid)
        {
            foreach (var p in PixelsOf(conditions))
            {
                objectTemperatures[p] = Credible(PixelTemperature(p, (short)words[p], in conditions));
            }
        }
        else
        {
            // Infinity is not a temperature either: only the finite reference numbers are kept.
            foreach (var p in PixelsOf(conditions))
            {
                var to = PixelTemperature(p, (short)words[p], in conditions);
                objectTemperatures[p] = float.IsFinite(to) ? to : float.NaN;
            }
        }
    }

    /// <summary>
    /// Replaces broken and outlier pixels by the reference's neighbour rule for the pattern (reference
    /// <c>MLX90640_BadPixelsCorrection</c>, applied to the broken list and then the outlier list): chess uses the
    /// diagonal neighbours (median of four inside the image), interleaved the neighbours in the same row.
    /// </summary>
    public void CorrectDeviatingPixels(Span<float> objectTemperatures, ReadingPattern pattern)
    {
        if (objectTemperatures.Length != PixelCount)
        {
            throw new ArgumentException($"The temperature buffer must hold {PixelCount} pixels, not {objectTemperatures.Length}.", nameof(objectTemperatures));
        }

        foreach (var pixel in deviatingPixels)
        {
            if (pixel == Mlx90640Calibration.NoPixel)
            {
                continue;
            }

            objectTemperatures[pixel] = pattern == ReadingPattern.Chess
                ? ChessReplacement(objectTemperatures, pixel)
                : InterleavedReplacement(objectTemperatures, pixel);
        }
    }

    /// <summary>Everything of a subpage that is the same for all its pixels (the reference recomputes it per call too).</summary>
    internal SubpageConditions PrepareConditions(ushort[] words, float emissivity, float reflectedTemperature)
    {
        var subpageNumber = words[RawSubpage.SubpageIndex];
        if (subpageNumber > 1)
        {
            throw new ArgumentException($"Subpage word (index {RawSubpage.SubpageIndex}) is {subpageNumber}; it must be 0 or 1 (status register 0x8000 bit 0).");
        }

        var vdd = SupplyVoltage(words);
        var ta = AmbientTemperature(words, vdd);
        var ta4 = (float)(ta + 273.15);
        ta4 *= ta4;
        ta4 *= ta4;
        var tr4 = (float)(reflectedTemperature + 273.15);
        tr4 *= tr4;
        tr4 *= tr4;
        var taTr = tr4 - ((tr4 - ta4) / emissivity);

        var gain = (float)calibration.GainEE / (short)words[778];
        var chess = (words[RawSubpage.ControlRegisterIndex] & 0x1000) >> 5;
        var patternMatchesCalibration = chess == calibration.CalibrationModeEE;
        var taMinus25 = ta - 25;
        var vddMinus33 = vdd - 3.3;
        var cpTa = 1 + (calibration.CpKta * taMinus25);
        var cpVdd = 1 + (calibration.CpKv * vddMinus33);
        float cp;
        if (subpageNumber == 0)
        {
            cp = (short)words[776] * gain;
            cp = (float)(cp - ((calibration.CpOffset[0] * cpTa) * cpVdd));
        }
        else
        {
            cp = (short)words[808] * gain;
            var cpOffset = patternMatchesCalibration ? calibration.CpOffset[1] : calibration.CpOffset[1] + calibration.IlChessC[0];
            cp = (float)(cp - ((cpOffset * cpTa) * cpVdd));
        }

        return new SubpageConditions(
            SubpageNumber: subpageNumber,
            Chess: chess != 0,
            PatternMatchesCalibration: patternMatchesCalibration,
            Vdd: vdd,
            Ta: ta,
            TaMinus25: taMinus25,
            VddMinus33: vddMinus33,
            Gain: gain,
            TgcTimesCp: calibration.Tgc * cp,
            Emissivity: emissivity,
            TaTr: taTr,
            KsTaFactor: 1 + (calibration.KsTa * taMinus25),
            FirstPassScale: 1 - (ksTo[1] * 273.15));
    }

    internal ReadOnlySpan<short> PixelsOf(in SubpageConditions conditions)
        => pixelsOfHalf[(conditions.Chess ? 2 : 0) + conditions.SubpageNumber];

    /// <summary>The reference's per-pixel To (§11.2.2.5-9) for raw pixel word <paramref name="raw"/>, before the credibility rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal float PixelTemperature(int p, short raw, in SubpageConditions c)
    {
        var irData = raw * c.Gain;
        irData = (float)(irData - ((offset[p] * (1 + (kta[p] * c.TaMinus25))) * (1 + (kv[p] * c.VddMinus33))));
        if (!c.PatternMatchesCalibration)
        {
            irData = irData + ilChessRowTerm[p] - ilChessConversionTerm[p];
        }

        irData -= c.TgcTimesCp;
        irData /= c.Emissivity;
        var a = alpha[p] * c.KsTaFactor;
        var sx = a * a * a * (irData + (a * c.TaTr));
        sx = (float)(Math.Sqrt(Math.Sqrt(sx)) * ksTo[1]);
        var to = (float)(Math.Sqrt(Math.Sqrt((irData / ((a * c.FirstPassScale) + sx)) + c.TaTr)) - 273.15);
        var range = to < ct[1] ? 0 : to < ct[2] ? 1 : to < ct[3] ? 2 : 3;
        var denominator = a * alphaCorrR[range] * (1 + (ksTo[range] * (to - ct[range])));
        return (float)(Math.Sqrt(Math.Sqrt((irData / denominator) + c.TaTr)) - 273.15);
    }

    /// <summary>The inverse of <see cref="PixelTemperature"/> in double precision: the raw word (unrounded) that gives <paramref name="to"/>.</summary>
    internal double RawForTemperature(int p, double to, in SubpageConditions c)
    {
        var a = (double)alpha[p] * c.KsTaFactor;
        var range = to < ct[1] ? 0 : to < ct[2] ? 1 : to < ct[3] ? 2 : 3;
        var t = to + 273.15;
        var irData = ((t * t * t * t) - c.TaTr) * (a * alphaCorrR[range] * (1 + (ksTo[range] * (to - ct[range]))));
        irData *= c.Emissivity;
        irData += c.TgcTimesCp;
        if (!c.PatternMatchesCalibration)
        {
            irData = irData - ilChessRowTerm[p] + ilChessConversionTerm[p];
        }

        irData += (offset[p] * (1 + (kta[p] * c.TaMinus25))) * (1 + (kv[p] * c.VddMinus33));
        return irData / c.Gain;
    }

    internal static float Credible(float to)
        => to is >= LowestCredibleTemperature and <= HighestCredibleTemperature ? to : float.NaN;

    internal float SupplyVoltage(ushort[] words)
    {
        var correction = resolutionCorrection[(words[RawSubpage.ControlRegisterIndex] & 0x0C00) >> 10];
        return (float)((((correction * (short)words[810]) - calibration.Vdd25) / calibration.KVdd) + 3.3);
    }

    internal float AmbientTemperature(ushort[] words, float vdd)
    {
        var ptat = (short)words[800];
        var ptatArt = (float)((ptat / ((ptat * calibration.AlphaPtat) + (short)words[768])) * Mlx90640Calibration.Pow2(18));
        var ta = (float)((ptatArt / (1 + (calibration.KvPtat * (vdd - 3.3)))) - calibration.VPtat25);
        return (ta / calibration.KtPtat) + 25;
    }

    private static int InterleavedHalf(int p) => (p / 32) - ((p / 64) * 2);

    private static int ChessHalf(int p) => InterleavedHalf(p) ^ (p - ((p / 2) * 2));

    private static int ConversionPattern(int p)
        => (((p + 2) / 4) - ((p + 3) / 4) + ((p + 1) / 4) - (p / 4)) * (1 - (2 * InterleavedHalf(p)));

    private static float ChessReplacement(ReadOnlySpan<float> to, int pixel)
    {
        var row = pixel >> 5;
        var column = pixel - (row << 5);
        if (row == 0)
        {
            return column == 0 ? to[33] : column == 31 ? to[62] : (float)((to[pixel + 31] + to[pixel + 33]) / 2.0);
        }

        if (row == 23)
        {
            return column == 0 ? to[705] : column == 31 ? to[734] : (float)((to[pixel - 33] + to[pixel - 31]) / 2.0);
        }

        if (column == 0)
        {
            return (float)((to[pixel - 31] + to[pixel + 33]) / 2.0);
        }

        if (column == 31)
        {
            return (float)((to[pixel - 33] + to[pixel + 31]) / 2.0);
        }

        Span<float> diagonal = [to[pixel - 33], to[pixel - 31], to[pixel + 31], to[pixel + 33]];
        return MedianOfFour(diagonal);
    }

    private float InterleavedReplacement(ReadOnlySpan<float> to, int pixel)
    {
        var column = pixel & 31;
        if (column == 0)
        {
            return to[pixel + 1];
        }

        if (column is 1 or 30)
        {
            return (float)((to[pixel - 1] + to[pixel + 1]) / 2.0);
        }

        if (column == 31)
        {
            return to[pixel - 1];
        }

        if (!calibration.IsDeviatingPixel(pixel - 2) && !calibration.IsDeviatingPixel(pixel + 2))
        {
            // Extrapolate from the side whose gradient is smaller (the reference's rule).
            var right = to[pixel + 1] - to[pixel + 2];
            var left = to[pixel - 1] - to[pixel - 2];
            return Math.Abs(right) > Math.Abs(left) ? to[pixel - 1] + left : to[pixel + 1] + right;
        }

        return (float)((to[pixel - 1] + to[pixel + 1]) / 2.0);
    }

    /// <summary>The reference's <c>GetMedian</c> for n = 4, including its sort, so NaN neighbours end up where its sort leaves them.</summary>
    private static float MedianOfFour(Span<float> values)
    {
        for (var i = 0; i < 3; i++)
        {
            for (var j = i + 1; j < 4; j++)
            {
                if (values[j] < values[i])
                {
                    (values[i], values[j]) = (values[j], values[i]);
                }
            }
        }

        return (float)((values[2] + values[1]) / 2.0);
    }
}

/// <summary>What <see cref="TemperatureCalculator"/> does with a finite result outside the credible range.</summary>
public enum OutOfRangePolicy
{
    /// <summary>Write NaN: the sensor measures −40…300 °C, a result below −60 or above 400 °C is not a measurement.</summary>
    MarkInvalid,

    /// <summary>Keep the number the vendor reference computes (conformance checks); NaN and infinity still become NaN.</summary>
    KeepReferenceValue,
}

/// <summary>Per-subpage quantities shared by all pixels of that subpage.</summary>
internal readonly record struct SubpageConditions(
    int SubpageNumber,
    bool Chess,
    bool PatternMatchesCalibration,
    float Vdd,
    float Ta,
    float TaMinus25,
    double VddMinus33,
    float Gain,
    float TgcTimesCp,
    float Emissivity,
    float TaTr,
    float KsTaFactor,
    double FirstPassScale);
