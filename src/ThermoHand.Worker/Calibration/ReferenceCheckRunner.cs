using System.Globalization;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Storage;

namespace ThermoHand.Worker.Calibration;

/// <summary>
/// Runs the reference check on the sensors between sessions: in simulation each emulated sensor looks at a uniform
/// target at the reference temperature for the check's duration; a real sensor must have the target in front of it.
/// Each sensor's consumer hands its corrected images to the check (<see cref="ReferenceImageTap"/>), so the check
/// measures exactly what a session would see.
/// </summary>
public sealed class ReferenceCheckRunner(ReferenceCheckOptions options, TimeProvider clock)
{
    /// <summary>Images skipped after the target appears: an image may pair a subpage from before the switch with one after.</summary>
    public const int SettlingImages = 2;

    /// <param name="sensors">The sensors to check (each must have the target in view).</param>
    /// <param name="referenceCelsius">The target's temperature.</param>
    /// <param name="sensorsOnMinutes">How long the sensors have been powered (the worker's run time); a failure within the warm-up says so.</param>
    /// <param name="token">Stops the check.</param>
    public async Task<IReadOnlyList<ReferenceCheckResult>> RunAsync(
        IReadOnlyList<ThermalSensor> sensors, double referenceCelsius, double sensorsOnMinutes = double.PositiveInfinity, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        var check = new ReferenceCheck(referenceCelsius, options.ToleranceCelsius, options.RegionColumns, options.RegionRows);
        ReferenceCheckResult[] results = await Task.WhenAll(sensors.Select(s => CheckOne(s, check, token))).ConfigureAwait(false);
        return results.Select(r => r.Passed || sensorsOnMinutes >= options.WarmUpMinutes
            ? r
            : r with
            {
                Message = r.Message + string.Create(CultureInfo.InvariantCulture,
                    $" (the sensor had been on for only {sensorsOnMinutes:0.#} min, within its {options.WarmUpMinutes:0.#}-min warm-up (Calibration:ReferenceCheck:WarmUpMinutes), when it still reads high: check again once it is warm)"),
            }).ToArray();
    }

    private async Task<ReferenceCheckResult> CheckOne(ThermalSensor sensor, ReferenceCheck check, CancellationToken token)
    {
        string hand = SessionFiles.HandWord(sensor.Hand);
        string calibrationId = sensor.Site.Lookup?.CalibrationId ?? "factory";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds), clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        sensor.Patient?.ShowReferenceTarget(check.ReferenceCelsius);
        try
        {
            IReadOnlyList<float[]> images = await sensor.Site.ReferenceImages.Collect(options.Images, SettlingImages, linked.Token).ConfigureAwait(false);
            return check.Evaluate(images, sensor.SensorId, hand, calibrationId, clock.GetUtcNow());
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
        {
            return new ReferenceCheckResult(sensor.SensorId, hand, calibrationId, clock.GetUtcNow(), check.ReferenceCelsius, double.NaN, double.NaN,
                check.ToleranceCelsius, 0, check.RegionColumns * check.RegionRows, false,
                string.Create(CultureInfo.InvariantCulture,
                    $"reference check failed for sensor {sensor.SensorId} ({hand} hand): fewer than {options.Images} images arrived within {options.TimeoutSeconds:0.#} s (Calibration:ReferenceCheck:TimeoutSeconds); check the sensor ({sensor.Key}) and run the check again"));
        }
        finally
        {
            sensor.Patient?.HideReferenceTarget();
        }
    }
}
