using UnitsNet;

namespace ThermoHand.Worker.Hardware;

/// <summary>Room air temperature and humidity at one moment.</summary>
public readonly record struct RoomConditions(Temperature Temperature, RelativeHumidity Humidity);

/// <summary>The room sensor (BME280). Logged throughout the session: rewarming depends strongly on the room (clinical.md §1.2).</summary>
public interface IRoomSensor : IDisposable
{
    /// <summary>Reads now. Throws <see cref="IOException"/> when the device answers nothing usable.</summary>
    RoomConditions Read();
}

/// <summary>The water-bath probe (DS18B20). Read before and during immersion to prove the challenge temperature.</summary>
public interface IBathProbe : IDisposable
{
    /// <summary>Reads now. Throws <see cref="IOException"/> when the probe gives no reading.</summary>
    Temperature ReadTemperature();
}
