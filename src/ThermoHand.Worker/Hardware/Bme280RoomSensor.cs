using System.Device.I2c;
using Iot.Device.Bmxx80;
using UnitsNet;

namespace ThermoHand.Worker.Hardware;

/// <summary>A Bosch BME280 on I2C (Iot.Device.Bmxx80), read in forced mode on each call.</summary>
public sealed class Bme280RoomSensor : IRoomSensor
{
    private readonly Bme280 _device;

    private Bme280RoomSensor(Bme280 device) => _device = device;

    /// <summary>Opens the sensor or throws <see cref="HardwareUnavailableException"/> naming Hardware:RoomSensor.</summary>
    public static Bme280RoomSensor Open(int busId, int address)
    {
        I2cDevice? bus = null;
        try
        {
            bus = I2cDevice.Create(new I2cConnectionSettings(busId, address));

            // The binding reads the chip-id register on construction and throws if it is not a BME280.
            var device = new Bme280(bus)
            {
                TemperatureSampling = Sampling.Standard,
                HumiditySampling = Sampling.Standard,
                PressureSampling = Sampling.Skipped,
            };
            return new Bme280RoomSensor(device);
        }
        catch (Exception e)
        {
            bus?.Dispose();
            throw HardwareUnavailableException.For(
                "Hardware:RoomSensor", $"Hardware:RoomSensor:I2cBus {busId}: no BME280 at 0x{address:X2}", e);
        }
    }

    public RoomConditions Read()
    {
        var result = _device.Read();
        if (result.Temperature is not { } temperature || result.Humidity is not { } humidity)
        {
            throw new IOException("BME280 returned no temperature or humidity (measurement skipped or bus error)");
        }

        return new RoomConditions(temperature, humidity);
    }

    public void Dispose() => _device.Dispose();
}
