using UnitsNet;

namespace ThermoHand.Worker.Hardware;

/// <summary>
/// A value that starts somewhere and drifts linearly with clock time — enough to exercise out-of-band deviations
/// (a room warming up, a bath warming towards the room) without hardware. Tests may also set it directly.
/// </summary>
internal sealed class DriftingValue(TimeProvider clock, double start, double driftPerHour)
{
    private readonly Lock _gate = new();
    private double _start = start;
    private long _since = clock.GetTimestamp();

    public double DriftPerHour { get; set; } = driftPerHour;

    public double Current
    {
        get
        {
            lock (_gate)
            {
                return _start + DriftPerHour * clock.GetElapsedTime(_since).TotalHours;
            }
        }
    }

    public void Set(double value)
    {
        lock (_gate)
        {
            _start = value;
            _since = clock.GetTimestamp();
        }
    }
}

/// <summary>Stand-in for the BME280: configurable temperature and humidity, temperature drifting per hour.</summary>
public sealed class EmulatedRoomSensor(TimeProvider clock, double temperatureCelsius, double humidityPercent, double driftCelsiusPerHour)
    : IRoomSensor
{
    private readonly DriftingValue _temperature = new(clock, temperatureCelsius, driftCelsiusPerHour);
    private double _humidityPercent = humidityPercent;

    public void SetConditions(double temperatureCelsius, double humidityPercent)
    {
        _temperature.Set(temperatureCelsius);
        Volatile.Write(ref _humidityPercent, humidityPercent);
    }

    public RoomConditions Read() => new(
        Temperature.FromDegreesCelsius(_temperature.Current),
        RelativeHumidity.FromPercent(Volatile.Read(ref _humidityPercent)));

    public void Dispose()
    {
    }
}

/// <summary>Stand-in for the DS18B20: a bath at a set temperature, drifting per hour (a bath warms towards the room).</summary>
public sealed class EmulatedBathProbe(TimeProvider clock, double temperatureCelsius, double driftCelsiusPerHour) : IBathProbe
{
    private readonly DriftingValue _temperature = new(clock, temperatureCelsius, driftCelsiusPerHour);

    public void SetTemperature(double celsius) => _temperature.Set(celsius);

    public Temperature ReadTemperature() => Temperature.FromDegreesCelsius(_temperature.Current);

    public void Dispose()
    {
    }
}
