using ThermoHand.Mlx90640.Emulation;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>
/// A manual clock: time moves by <see cref="Advance"/> and by <see cref="AutoAdvance"/> on every reading of the clock,
/// so a driver polling an emulated sensor sees time pass without sleeping.
/// </summary>
internal sealed class EmulationTestClock(TimeSpan autoAdvance) : TimeProvider
{
    private long ticks = TimeSpan.FromHours(1).Ticks;

    public TimeSpan AutoAdvance { get; set; } = autoAdvance;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        ticks += AutoAdvance.Ticks;
        return ticks;
    }

    public override DateTimeOffset GetUtcNow() => new(ticks, TimeSpan.Zero);

    public void Advance(TimeSpan by) => ticks += by.Ticks;
}

/// <summary>
/// A test scene: a hand-like pattern (warm palm, fingers cooler towards the tips, 22 °C background) whose temperatures
/// rise uniformly at <see cref="WarmingPerSecond"/>, so halves taken at different times are told apart by their level.
/// </summary>
internal sealed class WarmingHandScene(double warmingPerSecond = 0) : IThermalScene
{
    public double WarmingPerSecond { get; } = warmingPerSecond;

    public static float Expected(int pixel, double seconds, double warmingPerSecond)
    {
        var row = pixel / 32;
        var column = pixel % 32;
        var inHand = column is >= 8 and < 24 && row >= 6;
        var inFinger = row < 6 && column is 9 or 10 or 13 or 14 or 17 or 18 or 21 or 22;
        var level = inHand ? 33.0 : inFinger ? 26.0 + row : 22.0;
        return (float)(level + (warmingPerSecond * seconds));
    }

    public void Render(TimeSpan elapsed, Span<float> objectTemperaturesCelsius)
    {
        for (var p = 0; p < objectTemperaturesCelsius.Length; p++)
        {
            objectTemperaturesCelsius[p] = Expected(p, elapsed.TotalSeconds, WarmingPerSecond);
        }
    }
}

/// <summary>Emulator + driver + assembler on one test clock.</summary>
internal sealed class EmulatedRig : IDisposable
{
    public EmulatedRig(EmulatedFaults? faults = null, double warmingPerSecond = 0, RefreshRate rate = RefreshRate.EightHertz, IThermalScene? scene = null)
    {
        Clock = new EmulationTestClock(TimeSpan.FromMilliseconds(1));
        Scene = scene ?? new WarmingHandScene(warmingPerSecond);
        Emulator = new EmulatedMlx90640(Scene, new EmulatedMlx90640Options { Faults = faults ?? new EmulatedFaults() }, Clock);
        Driver = new Mlx90640(Emulator, Clock) { StatusPollInterval = TimeSpan.Zero };
        if (rate != RegisterFields.GetRefreshRate(Emulator.ControlRegister))
        {
            Driver.RefreshRate = rate;
        }

        Assembler = new FrameAssembler(new TemperatureCalculator(Emulator.Calibration), 0.98f);
    }

    public EmulationTestClock Clock { get; }

    public IThermalScene Scene { get; }

    public EmulatedMlx90640 Emulator { get; }

    public Mlx90640 Driver { get; }

    public FrameAssembler Assembler { get; }

    public RawSubpage Buffer { get; } = new();

    public void Dispose() => Driver.Dispose();
}
