using System.Globalization;

namespace ThermoHand.Mlx90640;

/// <summary>
/// Checks the vendor reference does not make (reference/mlx90640.md pitfall 18): it extracts whatever bytes it is
/// given, so a dump read with the wrong byte order, a short I2C buffer (all 0xFFFF), a dead bus (all 0) or a
/// corrupted EEPROM yields "valid" parameters and nonsense temperatures. Every limit below is wide enough for all
/// real, datasheet and synthetic conformance dumps and holdouts (docs/mlx90640-conformance.md lists the values
/// they span) and tight enough that the physical constants of a byte-swapped or high-bit-flipped dump fall out.
/// A flip of a low bit in one constant stays within the limits and cannot be detected: the EEPROM has no checksum.
/// </summary>
public static class EepromPlausibility
{
    // Kvdd: ~ −3200 LSB/V on every sensor seen (datasheet example −3200; vectors −3200 … −3168 region).
    public const int KVddMin = -4600;
    public const int KVddMax = -2000;

    // Vdd25: Vdd_pix at 3.3 V, 25 °C: datasheet −13088, vectors around −12500.
    public const int Vdd25Min = -15000;
    public const int Vdd25Max = -10000;

    // KtPTAT ≈ 42 LSB/°C (datasheet 42.25, vectors 42.6); the corrupt real dump in the brief had −4.125.
    public const float KtPtatMin = 30f;
    public const float KtPtatMax = 60f;

    // KvPTAT ≈ 0.002 /V; a sign flip or a swapped byte gives |KvPTAT| up to 0.0078.
    public const float KvPtatMin = -0.002f;
    public const float KvPtatMax = 0.006f;

    // VPTAT25 ≈ 12200 LSB.
    public const int VPtat25Min = 10000;
    public const int VPtat25Max = 14500;

    // GainEE ≈ 5600 (datasheet 6383).
    public const int GainMin = 3000;
    public const int GainMax = 9000;

    // KsTa ≈ −0.002 /°C; KsTo ≈ −0.0002 … −0.0008 /°C.
    public const float KsTaMin = -0.01f;
    public const float KsTaMax = 0.005f;
    public const float KsToMin = -0.005f;
    public const float KsToMax = 0.001f;

    // Compensation pixel sensitivity ≈ 3e-9 and positive on every sensor.
    public const float CpAlphaMin = 1e-10f;
    public const float CpAlphaMax = 1e-8f;

    // Pixel sensitivity (after TGC compensation) ≈ 2e-8 … 8e-8 on real sensors; outside this a pixel is not a bolometer.
    public const double PixelAlphaMin = 1e-9;
    public const double PixelAlphaMax = 1e-6;

    /// <summary>Whole-dump checks that need no decoding: nothing answered, or a bus that reads all ones or all zeros.</summary>
    public static void CheckWords(ReadOnlySpan<ushort> ee)
    {
        if (ee.IndexOfAnyExcept((ushort)0xFFFF) < 0)
        {
            Fail("all 832 words are 0xFFFF (no sensor answered, or the I2C read buffer was too short)");
        }

        if (ee.IndexOfAnyExcept((ushort)0) < 0)
        {
            Fail("all 832 words are 0x0000 (bus held low or the dump was never filled)");
        }

        // A real dump has at most 4 broken (zero) pixel words; hundreds of 0xFFFF pixel words mean a torn read.
        var ffffPixels = ee[64..].Count((ushort)0xFFFF);
        if (ffffPixels > 16)
        {
            Fail($"{ffffPixels} of 768 pixel calibration words are 0xFFFF (torn or short read)");
        }
    }

    /// <summary>The physical constants, checked before the per-pixel quantisation (which divides by them).</summary>
    internal static void CheckConstants(Mlx90640Calibration c)
    {
        Range("kVdd", c.KVdd, KVddMin, KVddMax, 51);
        Range("vdd25", c.Vdd25, Vdd25Min, Vdd25Max, 51);
        Range("KtPTAT", c.KtPtat, KtPtatMin, KtPtatMax, 50);
        Range("KvPTAT", c.KvPtat, KvPtatMin, KvPtatMax, 50);
        Range("vPTAT25", c.VPtat25, VPtat25Min, VPtat25Max, 49);
        Range("gainEE", c.GainEE, GainMin, GainMax, 48);
        Range("KsTa", c.KsTa, KsTaMin, KsTaMax, 60);
        for (var i = 0; i < 4; i++)
        {
            Range($"ksTo[{i}]", c.KsTo[i], KsToMin, KsToMax, i < 2 ? 61 : 62);
        }

        Range("cpAlpha[0]", c.CpAlpha[0], CpAlphaMin, CpAlphaMax, 57);
        Range("cpAlpha[1]", c.CpAlpha[1], CpAlphaMin, CpAlphaMax, 57);
        if (c.Ct[2] <= c.Ct[1] || c.Ct[3] <= c.Ct[2])
        {
            Fail($"corner temperatures not increasing (CT3 {c.Ct[2]}, CT4 {c.Ct[3]} °C; word 0x243F)");
        }
    }

    /// <summary>Per-pixel checks after extraction: every pixel must have a positive, physical sensitivity.</summary>
    internal static void CheckPixels(Mlx90640Calibration c)
    {
        for (var p = 0; p < Mlx90640Calibration.PixelCount; p++)
        {
            if (c.AlphaRaw[p] == 0)
            {
                Fail($"pixel {p} has sensitivity alpha 0 (word 0x{0x2440 + p:X4})");
            }

            double alpha = c.Alpha(p);
            if (alpha is < PixelAlphaMin or > PixelAlphaMax)
            {
                Fail($"pixel {p} sensitivity alpha {alpha.ToString("G4", CultureInfo.InvariantCulture)} outside {PixelAlphaMin:G1}..{PixelAlphaMax:G1}");
            }
        }
    }

    private static void Range(string name, double value, double min, double max, int word)
    {
        if (!(value >= min && value <= max))
        {
            Fail($"{name} {value.ToString("G6", CultureInfo.InvariantCulture)} outside {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)} (word 0x{0x2400 + word:X4})");
        }
    }

    private static void Fail(string what)
        => throw new Mlx90640EepromException("EEPROM implausible: " + what, Mlx90640EepromException.Implausible);
}
