// CONTRACT STUBS — written by the lead so that several people can code against the same API at once.
// The helper who owns the calibration maths replaces every body here (and may move these types into their own
// files, keeping the names and signatures). Nothing here may remain a stub when the work is done.
namespace ThermoHand.Mlx90640;

/// <summary>Reading pattern, control register 0x800D bit 12 (datasheet §11.2.2.4): chess is the factory default.</summary>
public enum ReadingPattern
{
    Interleaved = 0,
    Chess = 1,
}

/// <summary>
/// Every calibration parameter of one sensor, extracted from its EEPROM (0x2400, 832 words) exactly as the vendor
/// reference's <c>MLX90640_ExtractParameters</c> does, plus plausibility checks the reference lacks.
/// </summary>
public sealed partial class Mlx90640Calibration
{
    /// <summary>Extracts and validates; throws <see cref="Mlx90640EepromException"/> naming the fault.</summary>
    public static Mlx90640Calibration Extract(ReadOnlySpan<ushort> eepromWords) => throw new NotImplementedException();
}

/// <summary>What is wrong with an EEPROM dump. Codes match the vendor reference where it has one.</summary>
public sealed class Mlx90640EepromException(string message, int referenceErrorCode) : Exception(message)
{
    /// <summary>The vendor reference's return code (−3 broken pixels, −4 outliers, −5 too many, −6 adjacent), or 0 for our plausibility checks.</summary>
    public int ReferenceErrorCode { get; } = referenceErrorCode;
}

/// <summary>
/// Turns raw subpages into temperatures for one sensor. Per-pixel constants are precomputed once in the
/// constructor so a frame costs little and allocates nothing.
/// </summary>
public sealed partial class TemperatureCalculator
{
    public TemperatureCalculator(Mlx90640Calibration calibration) => throw new NotImplementedException();

    /// <summary>Supply voltage Vdd in volts (reference <c>MLX90640_GetVdd</c>).</summary>
    public float GetSupplyVoltage(RawSubpage subpage) => throw new NotImplementedException();

    /// <summary>Die (ambient) temperature Ta in °C (reference <c>MLX90640_GetTa</c>).</summary>
    public float GetAmbientTemperature(RawSubpage subpage) => throw new NotImplementedException();

    /// <summary>
    /// Object temperature To in °C of the pixels that belong to <paramref name="subpage"/>'s subpage (reference
    /// <c>MLX90640_CalculateTo</c>); other pixels of <paramref name="objectTemperatures"/> (768) are left as they are.
    /// A NaN or physically impossible result is written as NaN (invalid), never passed on as a number.
    /// </summary>
    public void CalculateObjectTemperatures(RawSubpage subpage, float emissivity, float reflectedTemperature, Span<float> objectTemperatures)
        => throw new NotImplementedException();

    /// <summary>Replaces broken and outlier pixels by the reference's neighbour rule for the pattern (reference <c>MLX90640_BadPixelsCorrection</c>).</summary>
    public void CorrectDeviatingPixels(Span<float> objectTemperatures, ReadingPattern pattern) => throw new NotImplementedException();
}

/// <summary>
/// The inverse of <see cref="TemperatureCalculator"/>: raw RAM words that the driver turns back into the given object
/// temperatures. Used by the emulated sensor.
/// </summary>
public static class RawSubpageSynthesizer
{
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
        RawSubpage destination) => throw new NotImplementedException();
}

/// <summary>
/// Where raw subpages come from: the real sensor over I2C, the emulated sensor, or a replayed recording.
/// Everything after this interface is the same pipeline for all three.
/// </summary>
public interface ISubpageSource : IDisposable
{
    /// <summary>The sensor's EEPROM (832 words from 0x2400), from which its calibration is extracted.</summary>
    ReadOnlyMemory<ushort> EepromWords { get; }

    /// <summary>
    /// Waits for and reads the next subpage into <paramref name="destination"/> (setting its <see cref="RawSubpage.TimeSeconds"/>).
    /// Returns false when the source has ended (a replay reached its end). Throws <see cref="IOException"/> for a
    /// sensor fault, with a message fit for the device technician.
    /// </summary>
    bool TryReadSubpage(RawSubpage destination, CancellationToken cancellationToken);
}
