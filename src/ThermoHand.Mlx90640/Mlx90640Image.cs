namespace ThermoHand.Mlx90640;

/// <summary>
/// One full 32×24 temperature image merged from two consecutive subpages. Owned by the <see cref="FrameAssembler"/>
/// that fills it and overwritten by its next image: copy what you keep.
/// </summary>
public sealed class Mlx90640Image
{
    public const int Width = 32;
    public const int Height = 24;
    public const int PixelCount = Width * Height;

    /// <summary>Object temperatures in °C, row-major (row 0 at the top), NaN where a pixel is invalid.</summary>
    public float[] TemperaturesCelsius { get; } = new float[PixelCount];

    /// <summary>Acquisition time of the second (completing) subpage, seconds on the source's clock.</summary>
    public double TimeSeconds { get; internal set; }

    /// <summary>Mean die temperature Ta of the two subpages (the sensor's own temperature, not the room's).</summary>
    public float DieTemperatureCelsius { get; internal set; }

    /// <summary>Reflected temperature used for the second subpage.</summary>
    public float ReflectedTemperatureCelsius { get; internal set; }

    /// <summary>Supply voltage of the second subpage.</summary>
    public float SupplyVoltage { get; internal set; }

    /// <summary>Control register of the two subpages (identical, else they are not merged).</summary>
    public ushort ControlRegister { get; internal set; }

    /// <summary>Images completed by this assembler so far, starting at 1.</summary>
    public long Sequence { get; internal set; }

    /// <summary>Number of NaN (invalid) pixels.</summary>
    public int InvalidPixelCount
    {
        get
        {
            var count = 0;
            foreach (var t in TemperaturesCelsius)
            {
                if (float.IsNaN(t))
                {
                    count++;
                }
            }

            return count;
        }
    }
}
