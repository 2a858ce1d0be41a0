using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Tests.Pipeline;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Faults;

/// <summary>
/// Issue 8, "I2C errors injected at 1 % and 10 % of transfers": the emulated sensor fails that share of its bus
/// transfers (Linux EIO, seeded) while the real driver, acquisition loop, frame assembler and pipeline play a whole
/// short session at ×20. Every measurement the sensor completed must end up recorded or be accounted for by a counted
/// failed or torn read; the session completes; the health check and the status message carry the error rate.
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed class I2cErrorFaultTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.01)]
    [InlineData(0.10)]
    public async Task I2c_errors_on_a_share_of_transfers_lose_no_measurement_silently(double rate)
    {
        await using PipelineHost worker = PipelineHost.Build(
            null, null, null,
            ("Simulation:I2cErrorRate", rate.ToString(CultureInfo.InvariantCulture)),
            ("Pipeline:HealthIntervalSeconds", "10"));
        SessionClosed? closed = null;
        worker.Pipeline.Coordinator.Closed += c => closed = c;
        ThermalSensor sensor = worker.Host.Services.GetRequiredService<SensorArray>().Sensors[0];
        EmulatedMlx90640 emulator = EmulatorAccess.Emulator(sensor);
        Mlx90640.Mlx90640 driver = EmulatorAccess.Driver(sensor);
        WorkerHealth.SensorCounters counters = worker.Host.Services.GetRequiredService<WorkerHealth>().Sensor(0);

        int errorsAtOpen = emulator.Counts.IoErrors; // absorbed by the set-up's retries (ThermalSensor.Configure)
        await worker.Host.StartAsync();
        await PipelineHost.Until(() => counters.ReadsOk >= 1, "the first subpage");
        var atStart = Snapshot(emulator, driver, counters);
        await PipelineHost.Until(() => closed is not null, "the session to complete despite the I2C errors", 120);
        await worker.Host.StopAsync();
        var atEnd = Snapshot(emulator, driver, counters);

        long measured = atEnd.Measured - atStart.Measured;
        long read = atEnd.Ok - atStart.Ok;
        long failed = atEnd.Failed - atStart.Failed;
        long torn = atEnd.Torn - atStart.Torn;
        output.WriteLine($"rate {rate:P0}: injected I/O errors {emulator.Counts.IoErrors} ({errorsAtOpen} while opening), measurements {measured}, read {read}, failed reads {failed}, torn reads {torn}, overwritten unread {atEnd.LostUnread - atStart.LostUnread}, storage waits {counters.StorageWaits}");

        // The faults really happened, and every one was counted by the driver (none swallowed, none fatal); the driver
        // tries a failed transfer again, so only a transfer failing all its attempts becomes a failed subpage read.
        Assert.True(emulator.Counts.IoErrors > 0, "no I/O error was injected");
        Assert.Equal(emulator.Counts.IoErrors, driver.FailedTransferCount);
        Assert.Equal(driver.FailedTransferCount, counters.BusTransfersFailed);
        Assert.InRange(counters.ReadsFailed, 0, (emulator.Counts.IoErrors - errorsAtOpen) / driver.TransferAttempts);

        // Every completed measurement was read, or lost to a counted failed or torn read (each loses at most one
        // measurement), or overwritten at the sensor because the reading thread was late (a loaded machine at ×20: a
        // 0.1 s stall is 2 s of sensor time; the emulator counts these as a real sensor would show them); 2 allow for a
        // measurement in flight at each end of the window.
        long lateAtSensor = atEnd.LostUnread - atStart.LostUnread;
        Assert.InRange(measured - read, 0, failed + torn + lateAtSensor + 2);
        Assert.Equal(0, counters.StorageWaits);

        // Nothing between acquisition and storage is lost: queued = taken, recorded = taken during the session.
        AcquisitionLoop acquisition = Assert.Single(worker.Pipeline.Acquisition);
        HandPipeline consumer = Assert.Single(worker.Pipeline.Hands);
        Assert.Equal(counters.ReadsOk, acquisition.SubpagesQueued);
        Assert.Equal(acquisition.SubpagesQueued, consumer.SubpagesTaken);
        StoredSession row = Assert.Single(worker.Store.All());
        Assert.Equal(SessionStates.Completed, row.State);
        RecordingInfo info = RecordingInfo.Read(Path.Combine(worker.Folder, row.Id, "right.threc"));
        Assert.Equal(RecordingEnding.ClosedNormally, info.Integrity.Ending);
        Assert.Equal(consumer.SubpagesTaken - consumer.SubpagesOutsideSession, info.SubpageCount);
        Assert.Equal(row.SubpagesRecorded, info.SubpageCount);
        // Before the driver retried single transfers, a read failing after it cleared the new-data flag lost that
        // measurement: 1 % of transfers cost ~8 % of the measurements, 10 % cost 55–70 % (docs/reliability.md). With
        // retries at least 95 % of the measurements the reader was in time for are read, whatever the machine's load.
        double kept = (double)read / Math.Max(1, measured - lateAtSensor);
        output.WriteLine($"recorded {info.SubpageCount} subpages over {info.LastSubpageSeconds:0.0} s; read {kept:P1} of the measurements not overwritten at the sensor");
        Assert.True(kept >= 0.95, $"only {kept:P1} of the measurements read");
        // The upper bound follows the session's own length (the auto-clinician's reactions can lengthen it on a loaded machine).
        Assert.InRange(info.SubpageCount, 60, (int)Math.Ceiling(2 * (info.LastSubpageSeconds!.Value + 1)));
        Assert.Equal(Assert.Single(closed!.Hands).FramesAssembled, worker.Outbox.Of(DeviceMessageKinds.Frame).Count());

        // The user sees the bus error rate even when retries hid it from the images: the status message carries the
        // share of failed transfers; above Pipeline:MaximumI2cErrorRate (5 %) the check is Degraded with wiring advice.
        List<double> rates = worker.Outbox.Of(DeviceMessageKinds.Status).Select(s => s.GetProperty("i2c_error_rate").GetDouble()).ToList();
        output.WriteLine($"status i2c_error_rate: {string.Join(", ", rates.Select(r => r.ToString("P1", CultureInfo.InvariantCulture)))}");
        Assert.NotEmpty(rates);
        // (A check right after another, as at a session's end, can cover no transfer at all and says 0.)
        Assert.InRange(rates.Where(r => r > 0).Average(), rate / 2, rate * 2);
        List<string> degraded = worker.Logs.Lines.Where(l => l.Contains("Health ", StringComparison.Ordinal) && l.Contains("i2c_error_rate Degraded", StringComparison.Ordinal)).ToList();
        output.WriteLine(degraded.FirstOrDefault() ?? "(no Degraded health line)");
        if (rate > 0.05)
        {
            Assert.Contains(degraded, l => l.Contains("of I2C transfers failed", StringComparison.Ordinal) && l.Contains("check the sensor wiring and the I2C clock", StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(degraded);
        }
    }

    private static (long Measured, long Ok, long Failed, long Torn, long LostUnread) Snapshot(EmulatedMlx90640 emulator, Mlx90640.Mlx90640 driver, WorkerHealth.SensorCounters counters) =>
        (emulator.Counts.CompletedMeasurements, counters.ReadsOk, counters.ReadsFailed, driver.TornReadCount, emulator.Counts.LostUnread);
}
