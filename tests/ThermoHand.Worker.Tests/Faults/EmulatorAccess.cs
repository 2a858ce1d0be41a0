using System.Reflection;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Worker.Pipeline;

namespace ThermoHand.Worker.Tests.Faults;

/// <summary>
/// Reaches the emulated MLX90640 behind a running worker's sensor, to unplug it or read what it injected. The worker
/// composes the emulator inside <see cref="ThermalSensor.Open"/> and keeps only the driver, so the test takes the
/// driver's I2C device by reflection rather than adding a test-only hook to production code.
/// </summary>
internal static class EmulatorAccess
{
    private static readonly FieldInfo DeviceField = typeof(Mlx90640.Mlx90640).GetField("device", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("Mlx90640 no longer keeps its I2C device in a field named 'device'; update EmulatorAccess.");

    public static Mlx90640.Mlx90640 Driver(ThermalSensor sensor) =>
        sensor.Source as Mlx90640.Mlx90640 ?? throw new InvalidOperationException($"{sensor.Key} is not read through the MLX90640 driver.");

    public static EmulatedMlx90640 Emulator(ThermalSensor sensor) =>
        DeviceField.GetValue(Driver(sensor)) as EmulatedMlx90640 ?? throw new InvalidOperationException($"{sensor.Key} is not an emulated sensor.");
}
