namespace ThermoHand.Mlx90640;

/// <summary>What is wrong with an EEPROM dump. Codes match the vendor reference where it has one.</summary>
public sealed class Mlx90640EepromException(string message, int referenceErrorCode) : Exception(message)
{
    /// <summary>Vendor code: more than four broken pixels (reference <c>-MLX90640_BROKEN_PIXELS_NUM_ERROR</c>).</summary>
    public const int TooManyBrokenPixels = -3;

    /// <summary>Vendor code: more than four outlier pixels.</summary>
    public const int TooManyOutlierPixels = -4;

    /// <summary>Vendor code: more than four deviating pixels in total.</summary>
    public const int TooManyDeviatingPixels = -5;

    /// <summary>Vendor code: two deviating pixels touch (within one row and one column).</summary>
    public const int AdjacentDeviatingPixels = -6;

    /// <summary>Our own plausibility checks; the reference has no code for them (it extracts silently).</summary>
    public const int Implausible = 0;

    /// <summary>The vendor reference's return code (−3 broken pixels, −4 outliers, −5 too many, −6 adjacent), or 0 for our plausibility checks.</summary>
    public int ReferenceErrorCode { get; } = referenceErrorCode;
}
