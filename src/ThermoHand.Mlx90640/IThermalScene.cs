namespace ThermoHand.Mlx90640;

/// <summary>
/// What the emulated sensor looks at: the true object temperature of every pixel at a moment.
/// The simulated patient implements this; the emulated MLX90640 turns it into raw RAM words by inverting the
/// calibration, so everything downstream runs through the real driver.
/// </summary>
public interface IThermalScene
{
    /// <summary>
    /// Fills <paramref name="objectTemperaturesCelsius"/> (768 values, row-major 24 rows × 32 columns, row 0 at the top
    /// of the displayed image) with the scene at <paramref name="elapsed"/> since the scene started.
    /// </summary>
    void Render(TimeSpan elapsed, Span<float> objectTemperaturesCelsius);
}
