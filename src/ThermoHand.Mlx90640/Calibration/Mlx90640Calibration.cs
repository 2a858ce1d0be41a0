namespace ThermoHand.Mlx90640;

/// <summary>
/// Every calibration parameter of one sensor, extracted from its EEPROM (0x2400, 832 words) exactly as the vendor
/// reference's <c>MLX90640_ExtractParameters</c> (melexis/mlx90640-library @f6be7ca) does, plus plausibility checks
/// the reference lacks (see <see cref="EepromPlausibility"/>). Section numbers refer to the MLX90640 datasheet §11.1
/// ("Restoring the calibration data"). Types and arithmetic follow the reference (int16, float32, uint16 alpha with a
/// scale, int8 kta/kv with scales) because the quantisation changes temperatures by up to a few mK.
/// </summary>
public sealed class Mlx90640Calibration
{
    public const int EepromWordCount = 832;
    public const int PixelCount = 768;
    public const int RowCount = 24;
    public const int ColumnCount = 32;

    /// <summary>Marks an unused slot in <see cref="BrokenPixels"/> and <see cref="OutlierPixels"/>, as in the reference.</summary>
    public const ushort NoPixel = 0xFFFF;

    private readonly float[] ksTo = new float[5];
    private readonly short[] ct = new short[5];
    private readonly ushort[] alphaRaw = new ushort[PixelCount];
    private readonly short[] offset = new short[PixelCount];
    private readonly sbyte[] ktaRaw = new sbyte[PixelCount];
    private readonly sbyte[] kvRaw = new sbyte[PixelCount];
    private readonly float[] cpAlpha = new float[2];
    private readonly short[] cpOffset = new short[2];
    private readonly float[] ilChessC = new float[3];
    private readonly ushort[] brokenPixels = new ushort[5];
    private readonly ushort[] outlierPixels = new ushort[5];
    private readonly ushort[] eepromWords;

    private Mlx90640Calibration(ReadOnlySpan<ushort> ee)
    {
        eepromWords = ee.ToArray();
    }

    /// <summary>Supply-voltage sensitivity Kvdd (§11.1.1), LSB per volt, negative on a real sensor.</summary>
    public int KVdd { get; private set; }

    /// <summary>Vdd_pix reading at 25 °C and 3.3 V (§11.1.1).</summary>
    public int Vdd25 { get; private set; }

    public float KvPtat { get; private set; }

    public float KtPtat { get; private set; }

    public int VPtat25 { get; private set; }

    public float AlphaPtat { get; private set; }

    public int GainEE { get; private set; }

    /// <summary>Thermal gradient coefficient (§11.1.13); 0 on most sensors.</summary>
    public float Tgc { get; private set; }

    public float CpKv { get; private set; }

    public float CpKta { get; private set; }

    /// <summary>ADC resolution the sensor was calibrated at (0 = 16 bit … 3 = 19 bit).</summary>
    public int ResolutionEE { get; private set; }

    /// <summary>128 when calibrated in chess pattern, 0 in interleaved (the reference's odd encoding, pitfall 10).</summary>
    public int CalibrationModeEE { get; private set; }

    public float KsTa { get; private set; }

    /// <summary>KsTo per temperature range (5 entries; [4] is the reference's unused "future proof" −0.0002).</summary>
    public ReadOnlySpan<float> KsTo => ksTo;

    /// <summary>Corner temperatures of the four ranges in °C (−40, 0, CT3, CT4, 400).</summary>
    public ReadOnlySpan<short> Ct => ct;

    public int AlphaScale { get; private set; }

    public int KtaScale { get; private set; }

    public int KvScale { get; private set; }

    /// <summary>Per-pixel sensitivity quantised as the reference stores it: alpha = 1e-6·2^AlphaScale / AlphaRaw.</summary>
    public ReadOnlySpan<ushort> AlphaRaw => alphaRaw;

    public ReadOnlySpan<short> Offset => offset;

    /// <summary>Per-pixel Kta as int8; Kta = KtaRaw / 2^KtaScale.</summary>
    public ReadOnlySpan<sbyte> KtaRaw => ktaRaw;

    /// <summary>Per-pixel Kv as int8; Kv = KvRaw / 2^KvScale.</summary>
    public ReadOnlySpan<sbyte> KvRaw => kvRaw;

    public ReadOnlySpan<float> CpAlpha => cpAlpha;

    public ReadOnlySpan<short> CpOffset => cpOffset;

    /// <summary>Interleaved/chess corrections (§11.1.15), applied when the reading pattern differs from the calibration.</summary>
    public ReadOnlySpan<float> IlChessC => ilChessC;

    /// <summary>Up to 4 broken pixel indices (EEPROM pixel word 0), then <see cref="NoPixel"/>.</summary>
    public ReadOnlySpan<ushort> BrokenPixels => brokenPixels;

    /// <summary>Up to 4 outlier pixel indices (EEPROM pixel word bit 0 set), then <see cref="NoPixel"/>.</summary>
    public ReadOnlySpan<ushort> OutlierPixels => outlierPixels;

    /// <summary>The pattern the sensor was calibrated in.</summary>
    public ReadingPattern CalibrationPattern => CalibrationModeEE == 0x80 ? ReadingPattern.Chess : ReadingPattern.Interleaved;

    /// <summary>The EEPROM words this calibration came from (a copy).</summary>
    public ReadOnlySpan<ushort> EepromWords => eepromWords;

    /// <summary>Pixel sensitivity in 1/(counts·K⁻⁴) as the reference uses it: float32(1e-6·2^AlphaScale / AlphaRaw).</summary>
    public float Alpha(int pixel) => (float)(0.000001 * (float)Pow2(AlphaScale) / alphaRaw[pixel]);

    public float Kta(int pixel) => ktaRaw[pixel] / (float)Pow2(KtaScale);

    public float Kv(int pixel) => kvRaw[pixel] / (float)Pow2(KvScale);

    /// <summary>True when the pixel is in the broken or outlier list (the reference's <c>IsPixelBad</c>).</summary>
    public bool IsDeviatingPixel(int pixel)
    {
        for (var i = 0; i < 5; i++)
        {
            if (pixel == brokenPixels[i] || pixel == outlierPixels[i])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Extracts and validates; throws <see cref="Mlx90640EepromException"/> naming the fault.</summary>
    public static Mlx90640Calibration Extract(ReadOnlySpan<ushort> eepromWords)
    {
        if (eepromWords.Length != EepromWordCount)
        {
            throw new ArgumentException($"An MLX90640 EEPROM dump has {EepromWordCount} words (0x2400–0x273F), not {eepromWords.Length}.", nameof(eepromWords));
        }

        // Raw-word checks first: an all-0xFFFF or all-zero dump would make the reference's scale searches loop forever.
        EepromPlausibility.CheckWords(eepromWords);

        var c = new Mlx90640Calibration(eepromWords);
        var ee = eepromWords;
        c.ExtractVdd(ee);
        c.ExtractPtat(ee);
        c.GainEE = (short)ee[48];
        c.Tgc = (sbyte)LsByte(ee[60]) / 32.0f;
        c.ResolutionEE = (ee[56] & 0x3000) >> 12;
        c.KsTa = (sbyte)MsByte(ee[60]) / 8192.0f;
        c.ExtractKsTo(ee);
        c.ExtractCompensationPixel(ee);

        // The parameters the per-pixel quantisation depends on must be sane before it runs (division, scale search).
        EepromPlausibility.CheckConstants(c);

        c.ExtractAlpha(ee);
        c.ExtractOffset(ee);
        c.ExtractKta(ee);
        c.ExtractKv(ee);
        c.ExtractInterleavedChessCorrection(ee);
        EepromPlausibility.CheckPixels(c);

        var deviatingError = DeviatingPixelRules.Extract(ee, c.brokenPixels, c.outlierPixels, out var message);
        if (deviatingError != 0)
        {
            throw new Mlx90640EepromException(message!, deviatingError);
        }

        return c;
    }

    internal static double Pow2(int exponent) => Math.Pow(2, exponent);

    internal static int MsByte(ushort word) => (word & 0xFF00) >> 8;

    internal static int LsByte(ushort word) => word & 0x00FF;

    internal static int Nibble1(ushort word) => word & 0x000F;

    internal static int Nibble2(ushort word) => (word & 0x00F0) >> 4;

    internal static int Nibble3(ushort word) => (word & 0x0F00) >> 8;

    internal static int Nibble4(ushort word) => (word & 0xF000) >> 12;

    /// <summary>Two's complement of an n-bit field, the reference's "if (x > 2^(n-1)-1) x -= 2^n".</summary>
    internal static int Signed(int value, int bits) => value >= 1 << (bits - 1) ? value - (1 << bits) : value;

    // §11.1.1: Kvdd (signed MSB ×32) and Vdd25 ((LSB − 256)·32 − 8192), EEPROM 0x2433.
    private void ExtractVdd(ReadOnlySpan<ushort> ee)
    {
        KVdd = (short)(32 * (sbyte)MsByte(ee[51]));
        Vdd25 = (short)(((LsByte(ee[51]) - 256) << 5) - 8192);
    }

    // §11.1.2: KvPTAT (6 bits /2^12), KtPTAT (10 bits /8), VPTAT25 (0x2431), alphaPTAT (0x2410 nibble 4 /4 + 8).
    private void ExtractPtat(ReadOnlySpan<ushort> ee)
    {
        float kv = Signed((ee[50] & 0xFC00) >> 10, 6);
        KvPtat = kv / 4096;
        float kt = Signed(ee[50] & 0x03FF, 10);
        KtPtat = kt / 8;
        VPtat25 = ee[49];
        AlphaPtat = (float)((ee[16] & 0xF000) / Pow2(14) + 8.0f);
    }

    // §11.1.12 (KsTo per range, corner temperatures CT3/CT4 with their step).
    private void ExtractKsTo(ReadOnlySpan<ushort> ee)
    {
        var step = (sbyte)(((ee[63] & 0x3000) >> 12) * 10);
        ct[0] = -40;
        ct[1] = 0;
        ct[2] = (short)(Nibble2(ee[63]) * step);
        ct[3] = (short)(ct[2] + Nibble3(ee[63]) * step);
        ct[4] = 400;
        var scale = (float)(1 << (Nibble1(ee[63]) + 8));
        ksTo[0] = (sbyte)LsByte(ee[61]) / scale;
        ksTo[1] = (sbyte)MsByte(ee[61]) / scale;
        ksTo[2] = (sbyte)LsByte(ee[62]) / scale;
        ksTo[3] = (sbyte)MsByte(ee[62]) / scale;
        ksTo[4] = -0.0002f;
    }

    // §11.1.9-§11.1.11: compensation pixel alpha, offset, Kta and Kv for both subpages.
    private void ExtractCompensationPixel(ReadOnlySpan<ushort> ee)
    {
        var alphaScale = Nibble4(ee[32]) + 27;
        var offset0 = (short)Signed(ee[58] & 0x03FF, 10);
        var offset1 = (short)(Signed((ee[58] & 0xFC00) >> 10, 6) + offset0);

        float alpha0 = Signed(ee[57] & 0x03FF, 10);
        alpha0 = (float)(alpha0 / Pow2(alphaScale));
        float alpha1Ratio = Signed((ee[57] & 0xFC00) >> 10, 6);
        var alpha1 = (1 + (alpha1Ratio / 128)) * alpha0;

        float cpKta = (sbyte)LsByte(ee[59]);
        CpKta = (float)(cpKta / Pow2(Nibble2(ee[56]) + 8));
        float cpKv = (sbyte)MsByte(ee[59]);
        CpKv = (float)(cpKv / Pow2(Nibble3(ee[56])));

        cpAlpha[0] = alpha0;
        cpAlpha[1] = alpha1;
        cpOffset[0] = offset0;
        cpOffset[1] = offset1;
    }

    // §11.1.7: alpha = (alphaRef + row·2^rowScale + column·2^columnScale + pixel·2^remScale) / 2^alphaScale, then TGC
    // compensation, then the reference's uint16 quantisation with a common power-of-two scale (since 2019).
    private void ExtractAlpha(ReadOnlySpan<ushort> ee)
    {
        var remScale = Nibble1(ee[32]);
        var columnScale = Nibble2(ee[32]);
        var rowScale = Nibble3(ee[32]);
        var alphaScale = Nibble4(ee[32]) + 30;
        int alphaRef = ee[33];
        Span<int> accRow = stackalloc int[RowCount];
        Span<int> accColumn = stackalloc int[ColumnCount];
        ReadNibbleTable(ee.Slice(34, 6), accRow);
        ReadNibbleTable(ee.Slice(40, 8), accColumn);

        Span<float> alphaTemp = stackalloc float[PixelCount];
        var tgcCompensation = Tgc * (cpAlpha[0] + cpAlpha[1]) / 2;
        for (var row = 0; row < RowCount; row++)
        {
            for (var column = 0; column < ColumnCount; column++)
            {
                var p = (32 * row) + column;
                float a = Signed((ee[64 + p] & 0x03F0) >> 4, 6);
                a *= 1 << remScale;
                a = alphaRef + (accRow[row] << rowScale) + (accColumn[column] << columnScale) + a;
                a = (float)(a / Pow2(alphaScale));
                a -= tgcCompensation;
                alphaTemp[p] = (float)(0.000001 / a);
            }
        }

        var max = alphaTemp[0];
        for (var i = 1; i < PixelCount; i++)
        {
            if (alphaTemp[i] > max)
            {
                max = alphaTemp[i];
            }
        }

        AlphaScale = QuantisationScale(max, 32767.4, "alpha");
        for (var i = 0; i < PixelCount; i++)
        {
            var scaled = (float)(alphaTemp[i] * Pow2(AlphaScale));
            alphaRaw[i] = (ushort)(scaled + 0.5);
        }
    }

    // §11.1.5: offset = offsetRef + row·2^rowScale + column·2^columnScale + pixel·2^remScale (int16 arithmetic).
    private void ExtractOffset(ReadOnlySpan<ushort> ee)
    {
        var remScale = Nibble1(ee[16]);
        var columnScale = Nibble2(ee[16]);
        var rowScale = Nibble3(ee[16]);
        var offsetRef = (short)ee[17];
        Span<int> occRow = stackalloc int[RowCount];
        Span<int> occColumn = stackalloc int[ColumnCount];
        ReadNibbleTable(ee.Slice(18, 6), occRow);
        ReadNibbleTable(ee.Slice(24, 8), occColumn);
        for (var row = 0; row < RowCount; row++)
        {
            for (var column = 0; column < ColumnCount; column++)
            {
                var p = (32 * row) + column;
                var pixel = (short)Signed((ee[64 + p] & 0xFC00) >> 10, 6);
                pixel = (short)(pixel * (1 << remScale));
                offset[p] = (short)(offsetRef + (occRow[row] << rowScale) + (occColumn[column] << columnScale) + pixel);
            }
        }
    }

    // §11.1.6: Kta from the four row/column-parity base values plus a 3-bit pixel part, then int8 quantisation.
    private void ExtractKta(ReadOnlySpan<ushort> ee)
    {
        Span<int> ktaRc = [(sbyte)MsByte(ee[54]), (sbyte)MsByte(ee[55]), (sbyte)LsByte(ee[54]), (sbyte)LsByte(ee[55])];
        var scale1 = Nibble2(ee[56]) + 8;
        var scale2 = Nibble1(ee[56]);
        Span<float> ktaTemp = stackalloc float[PixelCount];
        for (var p = 0; p < PixelCount; p++)
        {
            float k = Signed((ee[64 + p] & 0x000E) >> 1, 3);
            k *= 1 << scale2;
            k = ktaRc[ParitySplit(p)] + k;
            ktaTemp[p] = (float)(k / Pow2(scale1));
        }

        KtaScale = QuantiseSigned(ktaTemp, ktaRaw, "Kta");
    }

    // §11.1.4: Kv from the four row/column-parity nibbles (0x2434), then int8 quantisation.
    private void ExtractKv(ReadOnlySpan<ushort> ee)
    {
        Span<int> kvT = [Signed(Nibble4(ee[52]), 4), Signed(Nibble2(ee[52]), 4), Signed(Nibble3(ee[52]), 4), Signed(Nibble1(ee[52]), 4)];
        var scale = Nibble3(ee[56]);
        Span<float> kvTemp = stackalloc float[PixelCount];
        for (var p = 0; p < PixelCount; p++)
        {
            float k = kvT[ParitySplit(p)];
            kvTemp[p] = (float)(k / Pow2(scale));
        }

        KvScale = QuantiseSigned(kvTemp, kvRaw, "Kv");
    }

    // §11.1.15: calibration pattern (0x240A bit 11) and the three interleaved/chess corrections (0x2435).
    private void ExtractInterleavedChessCorrection(ReadOnlySpan<ushort> ee)
    {
        CalibrationModeEE = ((ee[10] & 0x0800) >> 4) ^ 0x80;
        float c0 = Signed(ee[53] & 0x003F, 6);
        float c1 = Signed((ee[53] & 0x07C0) >> 6, 5);
        float c2 = Signed((ee[53] & 0xF800) >> 11, 5);
        ilChessC[0] = c0 / 16.0f;
        ilChessC[1] = c1 / 2.0f;
        ilChessC[2] = c2 / 8.0f;
    }

    /// <summary>0 = even row even column, 1 = even row odd column, 2 = odd row even, 3 = odd row odd.</summary>
    private static int ParitySplit(int p) => (2 * ((p / 32) - ((p / 64) * 2))) + (p % 2);

    private static void ReadNibbleTable(ReadOnlySpan<ushort> words, Span<int> destination)
    {
        for (var i = 0; i < words.Length; i++)
        {
            destination[(i * 4) + 0] = Signed(Nibble1(words[i]), 4);
            destination[(i * 4) + 1] = Signed(Nibble2(words[i]), 4);
            destination[(i * 4) + 2] = Signed(Nibble3(words[i]), 4);
            destination[(i * 4) + 3] = Signed(Nibble4(words[i]), 4);
        }
    }

    /// <summary>
    /// The reference doubles the largest value until it reaches <paramref name="limit"/>; that loop never ends for a
    /// zero or non-finite maximum (corrupt dump), so we bound it and refuse instead.
    /// </summary>
    private static int QuantisationScale(float max, double limit, string what)
    {
        if (!float.IsFinite(max) || max <= 0)
        {
            throw new Mlx90640EepromException($"EEPROM implausible: largest |{what}| is {max}, so no quantisation scale exists", Mlx90640EepromException.Implausible);
        }

        var scale = 0;
        while (max < limit)
        {
            max *= 2;
            scale++;
            if (scale > 127)
            {
                throw new Mlx90640EepromException($"EEPROM implausible: {what} values too small to quantise", Mlx90640EepromException.Implausible);
            }
        }

        return scale;
    }

    private static int QuantiseSigned(ReadOnlySpan<float> values, Span<sbyte> destination, string what)
    {
        var max = (float)Math.Abs((double)values[0]);
        for (var i = 1; i < values.Length; i++)
        {
            var magnitude = Math.Abs((double)values[i]);
            if (magnitude > max)
            {
                max = (float)magnitude;
            }
        }

        if (max == 0)
        {
            // All zero is legitimate for Kv/Kta on a sensor without that correction; the reference would loop forever.
            destination.Clear();
            return 0;
        }

        var scale = QuantisationScale(max, 63.4, what);
        for (var i = 0; i < values.Length; i++)
        {
            var scaled = (float)(values[i] * Pow2(scale));
            destination[i] = (sbyte)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
        }

        return scale;
    }
}
