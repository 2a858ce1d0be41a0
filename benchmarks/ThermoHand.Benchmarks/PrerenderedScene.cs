using ThermoHand.Analysis;
using ThermoHand.Mlx90640;

namespace ThermoHand.Benchmarks;

/// <summary>
/// A scene rendered beforehand and replayed in a loop, one stored image per subpage period: the emulated sensor then
/// costs only its register synthesis, so a pipeline benchmark on it shows the device-side cost without the simulated
/// hand's rendering (which the real device does not do).
/// </summary>
internal sealed class PrerenderedScene : IThermalScene
{
    private readonly float[][] images;
    private readonly TimeSpan period;

    private PrerenderedScene(float[][] images, TimeSpan period)
    {
        this.images = images;
        this.period = period;
    }

    /// <summary>Renders <paramref name="count"/> images of <paramref name="scene"/>, one per <paramref name="period"/>.</summary>
    public static PrerenderedScene Record(IThermalScene scene, TimeSpan period, int count)
    {
        var images = new float[count][];
        for (var i = 0; i < count; i++)
        {
            images[i] = new float[ThermalFrame.PixelCount];
            scene.Render(period * i, images[i]);
        }

        return new PrerenderedScene(images, period);
    }

    public void Render(TimeSpan elapsed, Span<float> objectTemperaturesCelsius)
    {
        var index = (int)(elapsed.Ticks / period.Ticks % images.Length);
        images[index].CopyTo(objectTemperaturesCelsius);
    }
}
