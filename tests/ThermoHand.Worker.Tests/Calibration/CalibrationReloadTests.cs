using Microsoft.Extensions.Logging;
using ThermoHand.Worker.Calibration;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Tests.Pipeline;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>
/// Looking again between sessions, on the worker's own emulated sensor (no host): what is read, what changes, what is
/// logged. The whole worker with sessions is in <see cref="CalibrationReloadHostTests"/>.
/// </summary>
public sealed class CalibrationReloadTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private readonly EmulatedSensorBench bench = new(pixelErrors: false);
    private readonly string directory = CalibrationFiles.NewDirectory();
    private readonly CapturingLoggerProvider logs = new();
    private readonly WorkerHealth health = new(1);

    private SiteCalibrationReload Start(bool required = false)
    {
        var options = new CalibrationOptions { Directory = directory, Required = required };
        ILogger logger = logs.CreateLogger("test");
        SiteCalibrationLoader.Load([bench.Sensor], options, Now, health, logger);
        return new SiteCalibrationReload([bench.Sensor], options, health, logger);
    }

    private string Save(int version, float offset = 0) =>
        CalibrationFiles.Save(directory, CalibrationFiles.Identity(bench.Sensor.SensorId, Now.AddDays(-1), Now.AddDays(180), version, offset));

    private IEnumerable<string> Messages => logs.Lines.Where(l => !l.StartsWith("  ", StringComparison.Ordinal));

    [Fact]
    public void Nothing_changed_means_nothing_is_read_and_nothing_is_logged()
    {
        Save(1);
        SiteCalibrationReload reload = Start();
        CalibrationLookup atStart = bench.Sensor.Site.Lookup!;
        int linesAtStart = Messages.Count();

        for (int i = 0; i < 5; i++)
        {
            Assert.Empty(reload.LookAgain(Now));
        }

        Assert.Equal((5, 0, 0), (reload.Looks, reload.FilesRead, reload.Changes));
        Assert.Same(atStart, bench.Sensor.Site.Lookup);
        Assert.Equal(linesAtStart, Messages.Count());
    }

    [Fact]
    public void A_file_touched_but_unchanged_is_read_once_and_is_not_a_change()
    {
        string file = Save(1);
        SiteCalibrationReload reload = Start();
        var appliedBefore = bench.Sensor.Site.Applied;
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(5)); // e.g. copied again with the same bytes

        reload.LookAgain(Now);
        reload.LookAgain(Now);

        Assert.Equal((1, 0), (reload.FilesRead, reload.Changes));
        Assert.Same(appliedBefore, bench.Sensor.Site.Applied);
        Assert.DoesNotContain(Messages, l => l.Contains("from now on", StringComparison.Ordinal) || l.Contains("changed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_version_is_applied_logged_once_and_shown_in_health()
    {
        Save(1);
        SiteCalibrationReload reload = Start();
        string v2 = Save(2, offset: 2);

        Assert.Equal([bench.Sensor], reload.LookAgain(Now.AddMinutes(1)));
        reload.LookAgain(Now.AddMinutes(2));

        CalibrationLookup applied = bench.Sensor.Site.Lookup!;
        Assert.Equal(($"{bench.Sensor.SensorId}/v2", v2, "v1"), (applied.CalibrationId, applied.FilePath, applied.ChangedFrom));
        Assert.Equal((1, 1), (reload.FilesRead, reload.Changes));
        string line = Assert.Single(Messages, l => l.Contains("from now on", StringComparison.Ordinal));
        Assert.StartsWith($"Information test: Sensors:0: site calibration {bench.Sensor.SensorId}/v2 applied from now on (was v1); file sha256 {applied.FileSha256}", line);
        Assert.Same(applied, health.CalibrationOf(0));
        var entry = CalibrationHealthCheck.Evaluate(health, new CalibrationOptions(), Now.AddMinutes(3));
        Assert.Contains($"{bench.Sensor.SensorId}/v2 applied", entry.Description);
        Assert.Contains("was v1", entry.Description);

        // The images now get the new correction: a uniform 2 °C offset on every pixel.
        float[] image = Enumerable.Repeat(30f, 768).ToArray();
        bench.Sensor.Site.Correct(image);
        Assert.All(image, t => Assert.Equal(32f, t, 4));
    }

    [Fact]
    public void A_damaged_new_version_is_refused_naming_the_file_and_the_older_one_is_not_used_instead()
    {
        Save(1);
        SiteCalibrationReload reload = Start(required: true);
        string v2 = Save(2, offset: 2);
        CalibrationFiles.Damage(v2);

        reload.LookAgain(Now);
        reload.LookAgain(Now);

        CalibrationLookup refused = bench.Sensor.Site.Lookup!;
        Assert.Equal(CalibrationStatus.Refused, refused.Status);
        Assert.Null(bench.Sensor.Site.Applied); // not v1: the technician meant v2
        Assert.Contains(v2, refused.Problem);
        string line = Assert.Single(Messages, l => l.Contains("the newest calibration file changed", StringComparison.Ordinal));
        Assert.StartsWith("Error", line);
        Assert.Contains("(was v1)", line);
        Assert.Contains(v2, line);
        Assert.Contains("checksum mismatch", line);
        Assert.Contains("Calibration:Required is true", line);
        Assert.Equal(1, reload.FilesRead); // the same damaged file is not read again at the next look
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy,
            CalibrationHealthCheck.Evaluate(health, new CalibrationOptions { Required = true }, Now).Status);

        // Removing the damaged file brings the newest remaining one back, saying so.
        File.Delete(v2);
        reload.LookAgain(Now);
        Assert.Equal($"{bench.Sensor.SensorId}/v1", bench.Sensor.Site.Lookup!.CalibrationId);
        Assert.Contains(Messages, l => l.Contains("v1 applied from now on (was factory calibration (v0002.thcal.json refused))", StringComparison.Ordinal));
    }

    [Fact]
    public void A_removed_file_leaves_the_factory_calibration_with_a_warning()
    {
        string v1 = Save(1);
        SiteCalibrationReload reload = Start();
        File.Delete(v1);

        reload.LookAgain(Now);

        Assert.Equal(CalibrationStatus.Missing, bench.Sensor.Site.Lookup!.Status);
        Assert.Null(bench.Sensor.Site.Applied);
        Assert.Single(Messages, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("the calibration file is gone (was v1)", StringComparison.Ordinal));
    }

    public void Dispose() => bench.Dispose();
}
