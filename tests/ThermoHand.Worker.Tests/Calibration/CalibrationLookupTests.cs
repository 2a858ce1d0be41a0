using ThermoHand.Calibration;
using ThermoHand.Worker.Calibration;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>What the worker finds for a sensor in the calibration directory, and what each outcome means for a session.</summary>
public sealed class CalibrationLookupTests
{
    private const string SensorId = "0A1B2C3D4E5F";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan WarnBefore = TimeSpan.FromDays(30);

    [Fact]
    public void No_file_means_factory_calibration_only_with_a_flag()
    {
        CalibrationLookup lookup = CalibrationLookup.Find(CalibrationFiles.NewDirectory(), SensorId);

        Assert.Equal(CalibrationStatus.Missing, lookup.Status);
        Assert.Null(lookup.Calibration);
        Assert.Equal("factory", lookup.CalibrationId);
        Assert.StartsWith($"no site calibration for sensor {SensorId}", lookup.Describe(Now, WarnBefore));
        Assert.EndsWith("factory calibration only", lookup.Describe(Now, WarnBefore));
        Assert.Equal([CalibrationLookup.MissingFlag], lookup.FlagsAt(Now, WarnBefore));
        Assert.Null(lookup.ForSession(Now, WarnBefore));
    }

    [Fact]
    public void The_newest_valid_file_is_used_with_the_sha256_of_its_bytes()
    {
        string directory = CalibrationFiles.NewDirectory();
        CalibrationFiles.Save(directory, CalibrationFiles.Identity(SensorId, Now.AddDays(-10), Now.AddDays(170), version: 1));
        string newest = CalibrationFiles.Save(directory, CalibrationFiles.Identity(SensorId, Now.AddDays(-1), Now.AddDays(180), version: 2));

        CalibrationLookup lookup = CalibrationLookup.Find(directory, SensorId);

        Assert.Equal(CalibrationStatus.Calibrated, lookup.Status);
        Assert.Equal($"{SensorId}/v2", lookup.CalibrationId);
        Assert.Equal(newest, lookup.FilePath);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(newest))), lookup.FileSha256);
        Assert.Empty(lookup.FlagsAt(Now, WarnBefore));
        SessionCalibration session = lookup.ForSession(Now, WarnBefore)!;
        Assert.Equal(("valid", 2, "v0002.thcal.json"), (session.Validity, session.Version, session.File));
    }

    [Fact]
    public void A_damaged_newest_file_is_refused_naming_the_file_and_no_older_one_is_used_instead()
    {
        string directory = CalibrationFiles.NewDirectory();
        CalibrationFiles.Save(directory, CalibrationFiles.Identity(SensorId, Now.AddDays(-10), Now.AddDays(170), version: 1));
        string damaged = CalibrationFiles.Save(directory, CalibrationFiles.Identity(SensorId, Now.AddDays(-1), Now.AddDays(180), version: 2));
        CalibrationFiles.Damage(damaged);

        CalibrationLookup lookup = CalibrationLookup.Find(directory, SensorId);

        Assert.Equal(CalibrationStatus.Refused, lookup.Status);
        Assert.Null(lookup.Calibration);
        Assert.Contains(damaged, lookup.Problem);
        Assert.Contains("checksum mismatch", lookup.Problem);
        Assert.Contains("not applied", lookup.Problem);
        Assert.Contains("recalibrate", lookup.Problem);
        Assert.Equal([CalibrationLookup.RefusedFlag], lookup.FlagsAt(Now, WarnBefore));
    }

    [Fact]
    public void A_file_for_another_sensor_in_this_sensors_folder_is_refused()
    {
        string directory = CalibrationFiles.NewDirectory();
        string other = CalibrationFiles.Save(directory, CalibrationFiles.Identity("FFFFFFFFFFFF", Now.AddDays(-1), Now.AddDays(180)));
        string folder = Path.Combine(directory, SensorId);
        Directory.CreateDirectory(folder);
        File.Copy(other, Path.Combine(folder, "v0001.thcal.json"));

        CalibrationLookup lookup = CalibrationLookup.Find(directory, SensorId);

        Assert.Equal(CalibrationStatus.Refused, lookup.Status);
        Assert.Contains("wrong folder", lookup.Problem);
    }

    [Fact]
    public void An_expired_calibration_is_still_applied_but_flags_the_session_and_says_to_recalibrate()
    {
        string directory = CalibrationFiles.NewDirectory();
        CalibrationFiles.Save(directory, CalibrationFiles.Identity(SensorId, Now.AddDays(-200), Now.AddDays(-2)));

        CalibrationLookup lookup = CalibrationLookup.Find(directory, SensorId);

        Assert.Equal(CalibrationStatus.Calibrated, lookup.Status);
        Assert.Equal(CalibrationValidity.Expired, lookup.ValidityAt(Now, WarnBefore));
        Assert.Equal([CalibrationLookup.ExpiredFlag], lookup.FlagsAt(Now, WarnBefore));
        Assert.Contains("EXPIRED on 2026-11-25", lookup.Describe(Now, WarnBefore));
        Assert.Equal("expired", lookup.ForSession(Now, WarnBefore)!.Validity);
    }

    [Fact]
    public void A_calibration_close_to_expiry_is_announced_with_its_date_and_sets_no_flag()
    {
        string directory = CalibrationFiles.NewDirectory();
        CalibrationFiles.Save(directory, CalibrationFiles.Identity(SensorId, Now.AddDays(-170), Now.AddDays(10)));

        CalibrationLookup lookup = CalibrationLookup.Find(directory, SensorId);

        Assert.Equal(CalibrationValidity.ExpiresSoon, lookup.ValidityAt(Now, WarnBefore));
        Assert.Contains("expires on 2026-12-07", lookup.Describe(Now, WarnBefore));
        Assert.Empty(lookup.FlagsAt(Now, WarnBefore));
        Assert.Equal("expires_soon", lookup.ForSession(Now, WarnBefore)!.Validity);
    }

    [Fact]
    public void A_file_that_is_not_a_calibration_at_all_is_refused_and_the_worker_goes_on()
    {
        string directory = CalibrationFiles.NewDirectory();
        string folder = Directory.CreateDirectory(Path.Combine(directory, SensorId)).FullName;
        string junk = Path.Combine(folder, "v0001.thcal.json");
        File.WriteAllText(junk, "{ half a file");

        CalibrationLookup lookup = CalibrationLookup.Find(directory, SensorId);

        Assert.Equal(CalibrationStatus.Refused, lookup.Status);
        Assert.Contains(junk, lookup.Problem);
        Assert.Contains("not valid JSON", lookup.Problem);
    }
}
