using ThermoHand.Mlx90640;

namespace ThermoHand.Simulation;

/// <summary>
/// Plays a scene faster (or slower) than wall time: a scale of 20 shows a 20-minute protocol in one minute to a
/// consumer that renders by wall-clock elapsed time (the live worker, a demo). The scene's own clock — and so its
/// ground truth and protocol events — is <c>elapsed × scale</c>.
/// </summary>
public sealed class TimeScaledScene : IThermalScene
{
    private readonly IThermalScene scene;

    public TimeScaledScene(IThermalScene scene, double scale)
    {
        ArgumentNullException.ThrowIfNull(scene);
        if (!(scale is > 0 and <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), $"Time scale must be above 0 and at most 1000, not {scale}.");
        }

        this.scene = scene;
        Scale = scale;
    }

    public double Scale { get; }

    /// <summary>The scene-clock time that corresponds to wall-clock <paramref name="wallElapsed"/>.</summary>
    public TimeSpan SceneTime(TimeSpan wallElapsed) => TimeSpan.FromTicks((long)(wallElapsed.Ticks * Scale));

    public void Render(TimeSpan elapsed, Span<float> objectTemperaturesCelsius)
        => scene.Render(SceneTime(elapsed), objectTemperaturesCelsius);
}
