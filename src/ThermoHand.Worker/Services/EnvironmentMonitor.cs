using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Hardware;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Services;

/// <summary>
/// Reads the room sensor and the bath probe at their configured intervals and hands the values to the protocol,
/// which turns out-of-band readings into deviations. A failed read is logged and retried, never fatal: the
/// session goes on and the gap shows in the log.
/// </summary>
internal sealed class EnvironmentMonitor(
    ClinicHardware hardware, ProtocolSession session, IOptions<WorkerOptions> options, TimeProvider clock, ILogger<EnvironmentMonitor> logger,
    Pipeline.EnvironmentReadings readings)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HardwareOptions h = options.Value.Hardware;
        return Task.WhenAll(
            Every(h.RoomSensor.ReadIntervalSeconds, "Room sensor", () =>
            {
                RoomConditions room = hardware.RoomSensor.Read();
                double celsius = Finite(room.Temperature.DegreesCelsius, "room temperature");
                double humidity = Finite(room.Humidity.Percent, "room humidity");
                Log.RoomReading(logger, celsius, humidity);
                session.RecordRoomConditions(celsius, humidity);
                readings.Publish(Recording.Native.EnvironmentQuantity.RoomTemperature, celsius, "room sensor");
                readings.Publish(Recording.Native.EnvironmentQuantity.RoomHumidity, humidity, "room sensor");
            }, stoppingToken),
            Every(h.BathProbe.ReadIntervalSeconds, "Bath probe", () =>
            {
                double celsius = Finite(hardware.BathProbe.ReadTemperature().DegreesCelsius, "bath temperature");
                Log.BathReading(logger, celsius);
                session.RecordBathTemperature(celsius);
                readings.Publish(Recording.Native.EnvironmentQuantity.WaterBathTemperature, celsius, "bath probe");
            }, stoppingToken));
    }

    private static double Finite(double value, string what) =>
        double.IsFinite(value) ? value : throw new IOException($"{what} reading is {value}, not a number");

    private async Task Every(double seconds, string device, Action read, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), clock);
        try
        {
            do
            {
                try
                {
                    read();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Any device failure (bus error, unplugged probe, binding exception) is logged and retried:
                    // stopping the worker mid-session would lose far more than one reading.
                    Log.ReadFailed(logger, e, device, seconds);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }
}
