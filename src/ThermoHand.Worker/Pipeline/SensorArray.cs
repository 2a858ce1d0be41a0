using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Services;

namespace ThermoHand.Worker.Pipeline;

/// <summary>The configured thermal sensors, opened once at start (a missing real sensor stops the start, naming Sensors:N).</summary>
public sealed class SensorArray : IDisposable
{
    public SensorArray(IOptions<WorkerOptions> options, PipelineClock clock, ILogger<SensorArray> logger)
    {
        WorkerOptions o = options.Value;
        var opened = new List<ThermalSensor>();
        try
        {
            for (int i = 0; i < o.Sensors.Count; i++)
            {
                ThermalSensor sensor = ThermalSensor.Open(i, o.Sensors[i], o.Simulation, clock);
                opened.Add(sensor);
                Log.SensorOpened(logger, sensor.Key, o.Sensors[i].Kind.ToString(), Storage.SessionFiles.HandWord(sensor.Hand), sensor.SensorId, sensor.ControlRegister);
            }
        }
        catch
        {
            opened.ForEach(s => s.Dispose());
            throw;
        }

        Sensors = opened;
    }

    public IReadOnlyList<ThermalSensor> Sensors { get; }

    public void Dispose()
    {
        foreach (ThermalSensor sensor in Sensors)
        {
            sensor.Dispose();
        }
    }
}
