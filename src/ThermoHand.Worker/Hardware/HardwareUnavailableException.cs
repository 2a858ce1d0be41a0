namespace ThermoHand.Worker.Hardware;

/// <summary>
/// A configured real device could not be opened. The message names the setting to check and how to run without
/// the device, e.g. "Hardware:RoomSensor:I2cBus 1: no BME280 at 0x76 — set Hardware:RoomSensor:Kind=Emulated …".
/// </summary>
public sealed class HardwareUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Builds the standard message: what failed, why, and the Kind setting that avoids it.</summary>
    public static HardwareUnavailableException For(string section, string problem, Exception? inner = null)
    {
        string cause = inner is null ? string.Empty : $" ({inner.GetType().Name}: {inner.Message})";
        return new HardwareUnavailableException(
            $"{problem}{cause} — check the wiring and {section}, or set {section}:Kind=Emulated to run without it", inner);
    }
}
