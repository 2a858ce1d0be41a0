namespace ThermoHand.Analysis;

/// <summary>
/// One complete 32×24 thermal image in degrees Celsius at a time on the session clock.
/// Pixel index = row * 32 + column, row 0 at the top of the image as displayed. NaN marks an invalid pixel.
/// This is the unit everything after the sensor works on: live frames, replayed recordings and CSV imports alike.
/// </summary>
public sealed class ThermalFrame
{
    public const int Columns = 32;
    public const int Rows = 24;
    public const int PixelCount = Columns * Rows;

    public ThermalFrame(double timeSeconds, float[] temperaturesCelsius)
    {
        ArgumentNullException.ThrowIfNull(temperaturesCelsius);
        if (temperaturesCelsius.Length != PixelCount)
        {
            throw new ArgumentException($"A frame has {PixelCount} pixels, not {temperaturesCelsius.Length}.", nameof(temperaturesCelsius));
        }

        TimeSeconds = timeSeconds;
        TemperaturesCelsius = temperaturesCelsius;
    }

    /// <summary>Seconds since the recording started (the clock of the session events).</summary>
    public double TimeSeconds { get; }

    public float[] TemperaturesCelsius { get; }

    public float this[int row, int column] => TemperaturesCelsius[(row * Columns) + column];
}
