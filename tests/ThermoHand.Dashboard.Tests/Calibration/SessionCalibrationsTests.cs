using ThermoHand.Dashboard.Pages.Calibration;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Tests.Calibration;

/// <summary>Reading which calibration each sensor of a session used, from settings of every shape the devices send.</summary>
public sealed class SessionCalibrationsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<SessionCalibrationUse> Read(string? settings, DateTimeOffset? expires = null) =>
        SessionCalibrations.Read(new SessionSettingsRecord("s-1", "dev-1", Start, settings), (_, _) => expires);

    [Fact]
    public void The_worker_shape_names_the_calibration_and_the_device_word_decides_the_state()
    {
        var uses = Read("""
            {"sensors":[
              {"hand":"left","sensor_id":"0A1B2C3D4E5F","calibration":{"id":"0A1B2C3D4E5F/v3","sensor_id":"0A1B2C3D4E5F","version":3,"validity":"expired","sha256":"ABC"}},
              {"hand":"right","sensor_id":"00000000BEEF","calibration":{"id":"00000000BEEF/v1","validity":"expires_soon"}}]}
            """, expires: Start.AddYears(1));
        Assert.Equal(2, uses.Count);
        Assert.Equal(("left", "0A1B2C3D4E5F/v3", SessionCalibrationState.Expired, "abc"), (uses[0].Hand, uses[0].CalibrationId, uses[0].State, uses[0].Sha256));
        Assert.True(uses[0].IsFlagged);
        Assert.Equal(("right", "00000000BEEF/v1", SessionCalibrationState.ExpiresSoon), (uses[1].Hand, uses[1].CalibrationId, uses[1].State));
        Assert.False(uses[1].IsFlagged);
    }

    [Theory]
    [InlineData(-1, SessionCalibrationState.Expired)]      // expired a day before the session
    [InlineData(10, SessionCalibrationState.ExpiresSoon)]  // within the 30-day warning
    [InlineData(90, SessionCalibrationState.Valid)]
    public void Without_the_device_word_the_stored_expiry_against_the_session_start_decides(int expiresInDays, SessionCalibrationState expected)
    {
        var uses = Read("""{"sensors":[{"hand":"left","sensor_id":"0A1B2C3D4E5F","calibration":{"id":"0A1B2C3D4E5F/v2"}}]}""", Start.AddDays(expiresInDays));
        Assert.Equal(expected, Assert.Single(uses).State);
    }

    [Fact]
    public void Null_is_no_calibration_and_absence_is_not_reported_both_flagged()
    {
        var uses = Read("""{"sensors":{"left":{"sensor_id":"0x1234","calibration":null},"right":{"sensor_id":"0x5678"}}}""");
        Assert.Equal([SessionCalibrationState.None, SessionCalibrationState.NotReported], uses.Select(u => u.State));
        Assert.Equal(["left", "right"], uses.Select(u => u.Hand));
        Assert.All(uses, u => Assert.True(u.IsFlagged));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"emissivity":0.98}""")]
    [InlineData("""{"sensors":[]}""")]
    public void Settings_without_sensors_still_count_as_one_session_that_reported_nothing(string? settings)
    {
        var use = Assert.Single(Read(settings));
        Assert.Equal((SessionCalibrationState.NotReported, "s-1", "dev-1"), (use.State, use.SessionId, use.DeviceId));
    }

    [Fact]
    public void A_device_summary_counts_each_session_once_in_its_worst_state()
    {
        var stored = new[] { Summary("0A1B2C3D4E5F", 1) };
        var sessions = new[]
        {
            Session("s-1", "dev-1", """{"sensors":[{"sensor_id":"0A1B2C3D4E5F","calibration":{"id":"0A1B2C3D4E5F/v1","validity":"valid"}},{"sensor_id":"B","calibration":null}]}"""),
            Session("s-2", "dev-1", """{"sensors":[{"sensor_id":"0A1B2C3D4E5F","calibration":{"id":"0A1B2C3D4E5F/v1","validity":"valid"}}]}"""),
            Session("s-3", "dev-1", """{"sensors":[{"sensor_id":"0A1B2C3D4E5F","calibration":{"id":"0A1B2C3D4E5F/v9","validity":"expired"}}]}"""),
            Session("s-4", "dev-2", """{"sensors":[{"sensor_id":"0A1B2C3D4E5F"}]}"""),
            Session("s-5", "dev-2", """{"sensors":[{"sensor_id":"0A1B2C3D4E5F","calibration":{"id":"0A1B2C3D4E5F/v1","validity":"valid","sha256":"FILESHA"}}]}"""),
            Session("s-6", "dev-2", """{"sensors":[{"sensor_id":"0A1B2C3D4E5F","calibration":{"id":"0A1B2C3D4E5F/v1","validity":"valid","sha256":"another-file"}}]}"""),
        };
        var usage = CalibrationUsage.From(sessions, stored);

        var devices = usage.Devices();
        Assert.Equal(["dev-1", "dev-2"], devices.Select(d => d.DeviceId));
        var one = devices[0];
        Assert.Equal((3, 1, 0, 1, 1, 0, 1), (one.Sessions, one.Valid, one.ExpiresSoon, one.Expired, one.WithoutCalibration, one.NotReported, one.CalibrationNotOnDashboard));
        Assert.Equal(2, one.Flagged);
        // dev-2: one session reported nothing; of two naming v1, one applied the stored file (same SHA-256), one another file.
        Assert.Equal((3, 1, 2, 1), (devices[1].Sessions, devices[1].NotReported, devices[1].Valid, devices[1].CalibrationNotOnDashboard));

        var uses = usage.UsesOf("0a1b2c3d4e5f", 1);
        Assert.Equal([("dev-1", 2), ("dev-2", 2)], uses.Select(u => (u.DeviceId, u.Sessions)));
    }

    private static SessionSettingsRecord Session(string id, string device, string settings) => new(id, device, Start, settings);

    private static StoredCalibrationSummary Summary(string sensor, int version) =>
        new(sensor, version, "sha", "filesha", "v1.thcal.json", Start.AddDays(-10), Start.AddDays(300), true, 0, "tech", Start);
}
