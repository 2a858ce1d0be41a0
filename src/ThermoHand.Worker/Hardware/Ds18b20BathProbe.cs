using Iot.Device.OneWire;
using UnitsNet;

namespace ThermoHand.Worker.Hardware;

/// <summary>A DS18B20 waterproof probe on the Linux 1-Wire bus (w1-gpio overlay), via Iot.Device.OneWire.</summary>
public sealed class Ds18b20BathProbe : IBathProbe
{
    private readonly OneWireThermometerDevice _device;

    private Ds18b20BathProbe(OneWireThermometerDevice device) => _device = device;

    public string DeviceId => _device.DeviceId;

    /// <summary>
    /// Opens the probe with <paramref name="deviceId"/> (e.g. "28-0316a2794aff"), or the only thermometer on the
    /// bus when it is empty. Throws <see cref="HardwareUnavailableException"/> naming Hardware:BathProbe.
    /// </summary>
    public static Ds18b20BathProbe Open(string? deviceId)
    {
        List<OneWireThermometerDevice> found;
        try
        {
            found = OneWireThermometerDevice.EnumerateDevices().ToList();
        }
        catch (Exception e)
        {
            throw HardwareUnavailableException.For(
                "Hardware:BathProbe", "Hardware:BathProbe: cannot list 1-Wire devices (is the w1-gpio overlay enabled?)", e);
        }

        string seen = found.Count == 0 ? "none" : string.Join(", ", found.Select(d => d.DeviceId));
        if (string.IsNullOrWhiteSpace(deviceId))
        {
            return found.Count == 1
                ? new Ds18b20BathProbe(found[0])
                : throw HardwareUnavailableException.For(
                    "Hardware:BathProbe",
                    $"Hardware:BathProbe:DeviceId is empty and {found.Count} 1-Wire thermometers were found ({seen}); set the probe's id");
        }

        OneWireThermometerDevice? match = found.FirstOrDefault(d => string.Equals(d.DeviceId, deviceId, StringComparison.OrdinalIgnoreCase));
        return match is not null
            ? new Ds18b20BathProbe(match)
            : throw HardwareUnavailableException.For(
                "Hardware:BathProbe", $"Hardware:BathProbe:DeviceId {deviceId}: no such 1-Wire thermometer (found: {seen})");
    }

    public Temperature ReadTemperature()
    {
        try
        {
            return _device.ReadTemperature();
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new IOException($"DS18B20 {_device.DeviceId} gave no reading: {e.Message}", e);
        }
    }

    public void Dispose()
    {
    }
}
