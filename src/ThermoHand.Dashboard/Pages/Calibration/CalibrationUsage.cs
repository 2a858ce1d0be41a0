using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>How often, when and on which device one calibration was used: counts and dates only, no session's patient.</summary>
public sealed record CalibrationUseCount(string DeviceId, int Sessions, DateTimeOffset? FirstUtc, DateTimeOffset? LastUtc)
{
    /// <summary>Sessions per calibration flag their device reported for a sensor using this calibration (e.g. calibration_expired).</summary>
    public IReadOnlyDictionary<string, int> FlaggedSessions { get; init; } = new Dictionary<string, int>();
}

/// <summary>How many sessions of one device carried one calibration flag, and the last of them.</summary>
public sealed record DeviceFlagCount(string DeviceId, string Flag, int Sessions, DateTimeOffset? LastUtc);

/// <summary>
/// One device's sessions by the calibration state they were measured in. A session counts once, in its worst sensor's
/// state (expired, then none, then not reported, then expiring soon, then valid): one expired hand flags the session.
/// </summary>
public sealed record DeviceCalibrationSummary(
    string DeviceId,
    int Sessions,
    int Valid,
    int ExpiresSoon,
    int Expired,
    int WithoutCalibration,
    int NotReported,
    int CalibrationNotOnDashboard,
    DateTimeOffset? LastSessionUtc)
{
    /// <summary>Sessions measured with an expired calibration, none, or none reported.</summary>
    public int Flagged => Expired + WithoutCalibration + NotReported;
}

/// <summary>Groups the sessions' calibration uses for the pages: per calibration, and per device.</summary>
public sealed class CalibrationUsage
{
    private readonly IReadOnlyList<SessionCalibrationUse> uses;
    private readonly Dictionary<string, StoredCalibrationSummary> stored;

    /// <param name="uses">Every sensor of every session considered.</param>
    /// <param name="storedCalibrations">The versions the dashboard holds, to flag sessions that used one it does not hold,
    /// or a file with the same id but other content (the device reports the SHA-256 of the file it applied).</param>
    public CalibrationUsage(IReadOnlyList<SessionCalibrationUse> uses, IEnumerable<StoredCalibrationSummary> storedCalibrations)
    {
        this.uses = uses;
        stored = storedCalibrations.ToDictionary(c => c.Id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Reads every session's settings; <paramref name="calibrations"/> are the stored versions (for expiry and "not on the dashboard").</summary>
    public static CalibrationUsage From(IEnumerable<SessionSettingsRecord> sessions, IReadOnlyCollection<StoredCalibrationSummary> calibrations)
    {
        var expiry = calibrations.ToDictionary(c => (c.SensorId.ToUpperInvariant(), c.Version), c => c.ExpiresUtc);
        var uses = sessions.SelectMany(s => SessionCalibrations.Read(s, (sensor, version) =>
            expiry.TryGetValue((sensor.ToUpperInvariant(), version), out var expires) ? expires : null)).ToList();
        return new CalibrationUsage(uses, calibrations);
    }

    /// <summary>Sessions measured with one calibration, per device (most recent use first).</summary>
    public IReadOnlyList<CalibrationUseCount> UsesOf(string sensorId, int version) =>
        uses.Where(u => u.CalibrationVersion == version && string.Equals(u.CalibrationSensorId, sensorId, StringComparison.OrdinalIgnoreCase))
            .GroupBy(u => u.DeviceId, StringComparer.Ordinal)
            .Select(g =>
            {
                var sessions = g.DistinctBy(u => u.SessionId).ToList();
                return new CalibrationUseCount(g.Key, sessions.Count, sessions.Min(u => u.StartedUtc), sessions.Max(u => u.StartedUtc))
                {
                    FlaggedSessions = g.SelectMany(u => u.Flags.Select(f => (Flag: f, u.SessionId))).Distinct()
                        .GroupBy(f => f.Flag, StringComparer.Ordinal).OrderBy(f => f.Key, StringComparer.Ordinal)
                        .ToDictionary(f => f.Key, f => f.Count(), StringComparer.Ordinal),
                };
            })
            .OrderByDescending(c => c.LastUtc).ThenBy(c => c.DeviceId, StringComparer.Ordinal)
            .ToList();

    /// <summary>Per device: sessions by calibration state, flagged ones counted (devices in id order).</summary>
    public IReadOnlyList<DeviceCalibrationSummary> Devices() =>
        uses.GroupBy(u => u.DeviceId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(device =>
            {
                var sessions = device.GroupBy(u => u.SessionId, StringComparer.Ordinal).ToList();
                var worst = sessions.Select(s => s.Min(u => Severity(u.State))).ToList();
                var notHeld = sessions.Count(s => s.Any(u => u.CalibrationId is not null && !IsHeld(u)));
                return new DeviceCalibrationSummary(
                    device.Key, sessions.Count,
                    worst.Count(w => w == Severity(SessionCalibrationState.Valid)),
                    worst.Count(w => w == Severity(SessionCalibrationState.ExpiresSoon)),
                    worst.Count(w => w == Severity(SessionCalibrationState.Expired)),
                    worst.Count(w => w == Severity(SessionCalibrationState.None)),
                    worst.Count(w => w == Severity(SessionCalibrationState.NotReported)),
                    notHeld,
                    device.Max(u => u.StartedUtc));
            })
            .ToList();

    /// <summary>Per device and calibration flag (calibration_missing, calibration_refused, calibration_expired, …): the
    /// sessions that carried it on any sensor, devices in id order, flags in name order.</summary>
    public IReadOnlyList<DeviceFlagCount> FlagCounts() =>
        uses.SelectMany(u => u.Flags.Select(f => (u.DeviceId, Flag: f, u.SessionId, u.StartedUtc)))
            .DistinctBy(f => (f.DeviceId, f.Flag, f.SessionId))
            .GroupBy(f => (f.DeviceId, f.Flag))
            .OrderBy(g => g.Key.DeviceId, StringComparer.Ordinal).ThenBy(g => g.Key.Flag, StringComparer.Ordinal)
            .Select(g => new DeviceFlagCount(g.Key.DeviceId, g.Key.Flag, g.Count(), g.Max(f => f.StartedUtc)))
            .ToList();

    /// <summary>The dashboard holds the calibration the session names, and (when the device said) the very same file.</summary>
    public bool IsHeld(SessionCalibrationUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return use.CalibrationId is { } id && stored.TryGetValue(id, out var held)
            && (string.IsNullOrEmpty(use.Sha256)
                || string.Equals(use.Sha256, held.FileSha256, StringComparison.OrdinalIgnoreCase)
                || string.Equals(use.Sha256, held.BodySha256, StringComparison.OrdinalIgnoreCase));
    }

    // Lower is worse.
    private static int Severity(SessionCalibrationState state) => state switch
    {
        SessionCalibrationState.Expired => 0,
        SessionCalibrationState.None => 1,
        SessionCalibrationState.NotReported => 2,
        SessionCalibrationState.ExpiresSoon => 3,
        _ => 4,
    };
}
