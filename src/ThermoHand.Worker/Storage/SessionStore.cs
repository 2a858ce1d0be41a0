using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ThermoHand.Worker.Storage;

/// <summary>Where a stored session stands.</summary>
public static class SessionStates
{
    /// <summary>Recording now. Found at start-up, it means the worker stopped without closing the session (crash, power cut).</summary>
    public const string Running = "running";

    public const string Completed = "completed";

    public const string Aborted = "aborted";

    /// <summary>Left running by a crash and closed at the next start from what its recordings hold.</summary>
    public const string Recovered = "recovered";
}

/// <summary>One session's row: who (pseudonymous), what protocol, which settings, which files, how it ended.</summary>
public sealed record StoredSession(
    string Id,
    string PatientReference,
    string Hands,
    string Preset,
    double Emissivity,
    string ReflectedTemperatureRule,
    string SettingsJson,
    IReadOnlyList<string> RecordingFiles,
    string State,
    DateTimeOffset StartedUtc,
    DateTimeOffset? EndedUtc,
    string? Outcome,
    string? Reason,
    bool Recovered,
    long SubpagesRecorded,
    double? LastTimeSeconds);

/// <summary>
/// Session metadata in SQLite (WAL journal, synchronous=FULL so a committed row survives a power cut): sessions,
/// their protocol events and their deviations. Recordings stay in their own files; this table names them. One
/// connection guarded by a lock: writes are rare (a few per minute) and short.
/// </summary>
public sealed class SessionStore : IDisposable
{
    public const string FileName = "sessions.db";

    private readonly SqliteConnection connection;
    private readonly Lock gate = new();

    public SessionStore(string folder)
    {
        Directory.CreateDirectory(folder);
        DatabasePath = Path.Combine(folder, FileName);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=FULL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS sessions (
                id TEXT PRIMARY KEY,
                patient_ref TEXT NOT NULL,
                hands TEXT NOT NULL,
                preset TEXT NOT NULL,
                emissivity REAL NOT NULL,
                reflected_rule TEXT NOT NULL,
                settings_json TEXT NOT NULL,
                recordings TEXT NOT NULL,
                state TEXT NOT NULL,
                started_utc TEXT NOT NULL,
                ended_utc TEXT,
                outcome TEXT,
                reason TEXT,
                recovered INTEGER NOT NULL DEFAULT 0,
                subpages INTEGER NOT NULL DEFAULT 0,
                last_t_s REAL);
            CREATE TABLE IF NOT EXISTS events (
                session_id TEXT NOT NULL REFERENCES sessions(id),
                t_s REAL NOT NULL,
                type TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS deviations (
                session_id TEXT NOT NULL REFERENCES sessions(id),
                t_s REAL NOT NULL,
                code TEXT NOT NULL,
                measured REAL,
                allowed_low REAL,
                allowed_high REAL,
                unit TEXT,
                message TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS events_by_session ON events(session_id);
            CREATE INDEX IF NOT EXISTS deviations_by_session ON deviations(session_id);
            CREATE TABLE IF NOT EXISTS reference_checks (
                session_id TEXT NOT NULL REFERENCES sessions(id),
                sensor_id TEXT NOT NULL,
                hand TEXT NOT NULL,
                calibration_id TEXT NOT NULL,
                checked_utc TEXT NOT NULL,
                reference_c REAL NOT NULL,
                measured_c REAL,
                error_c REAL,
                tolerance_c REAL NOT NULL,
                images INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                message TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS reference_checks_by_session ON reference_checks(session_id);
            """);
    }

    public string DatabasePath { get; }

    public void Create(StoredSession s)
    {
        ArgumentNullException.ThrowIfNull(s);
        Execute(
            "INSERT INTO sessions (id, patient_ref, hands, preset, emissivity, reflected_rule, settings_json, recordings, state, started_utc, recovered) " +
            "VALUES ($id, $ref, $hands, $preset, $e, $tr, $settings, $files, $state, $started, 0);",
            ("$id", s.Id), ("$ref", s.PatientReference), ("$hands", s.Hands), ("$preset", s.Preset), ("$e", s.Emissivity),
            ("$tr", s.ReflectedTemperatureRule), ("$settings", s.SettingsJson), ("$files", string.Join('\n', s.RecordingFiles)),
            ("$state", s.State), ("$started", Utc(s.StartedUtc)));
    }

    public void AddEvent(string sessionId, double timeSeconds, string type) =>
        Execute("INSERT INTO events (session_id, t_s, type) VALUES ($id, $t, $type);", ("$id", sessionId), ("$t", timeSeconds), ("$type", type));

    public void AddDeviation(string sessionId, double timeSeconds, string code, double measured, double low, double high, string unit, string message) =>
        Execute(
            "INSERT INTO deviations (session_id, t_s, code, measured, allowed_low, allowed_high, unit, message) VALUES ($id, $t, $code, $m, $lo, $hi, $unit, $msg);",
            ("$id", sessionId), ("$t", timeSeconds), ("$code", code), ("$m", Finite(measured)), ("$lo", Finite(low)), ("$hi", Finite(high)), ("$unit", unit), ("$msg", message));

    /// <summary>Closes a session: its final state, outcome, reason, and what its recordings hold.</summary>
    public void End(string sessionId, string state, string outcome, string? reason, DateTimeOffset endedUtc, long subpages, double? lastTimeSeconds, bool recovered = false) =>
        Execute(
            "UPDATE sessions SET state=$state, outcome=$outcome, reason=$reason, ended_utc=$ended, subpages=$n, last_t_s=$last, recovered=$rec WHERE id=$id;",
            ("$id", sessionId), ("$state", state), ("$outcome", outcome), ("$reason", reason), ("$ended", Utc(endedUtc)),
            ("$n", subpages), ("$last", lastTimeSeconds), ("$rec", recovered ? 1 : 0));

    /// <summary>A reference check run before the session (docs/worker.md, "Reference check").</summary>
    public void AddReferenceCheck(string sessionId, ThermoHand.Worker.Calibration.ReferenceCheckResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Execute(
            "INSERT INTO reference_checks (session_id, sensor_id, hand, calibration_id, checked_utc, reference_c, measured_c, error_c, tolerance_c, images, passed, message) " +
            "VALUES ($id, $sensor, $hand, $cal, $at, $ref, $m, $err, $tol, $n, $ok, $msg);",
            ("$id", sessionId), ("$sensor", r.SensorId), ("$hand", r.Hand), ("$cal", r.CalibrationId), ("$at", Utc(r.CheckedUtc)),
            ("$ref", r.ReferenceCelsius), ("$m", Finite(r.MeasuredCelsius)), ("$err", Finite(r.ErrorCelsius)), ("$tol", r.ToleranceCelsius),
            ("$n", r.Images), ("$ok", r.Passed ? 1 : 0), ("$msg", r.Message));
    }

    /// <summary>The reference checks recorded with a session: sensor, calibration, reference, measured, error (°C), pass.</summary>
    public IReadOnlyList<(string SensorId, string CalibrationId, double ReferenceCelsius, double? MeasuredCelsius, double? ErrorCelsius, bool Passed)> ReferenceChecks(string sessionId)
    {
        lock (gate)
        {
            using var command = Command(
                "SELECT sensor_id, calibration_id, reference_c, measured_c, error_c, passed FROM reference_checks WHERE session_id=$id ORDER BY rowid;", ("$id", sessionId));
            using var reader = command.ExecuteReader();
            var list = new List<(string, string, double, double?, double?, bool)>();
            while (reader.Read())
            {
                list.Add((reader.GetString(0), reader.GetString(1), reader.GetDouble(2),
                    reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.GetInt64(5) != 0));
            }

            return list;
        }
    }

    public StoredSession? Find(string sessionId) => Query("SELECT * FROM sessions WHERE id=$id;", ("$id", sessionId)).FirstOrDefault();

    public IReadOnlyList<StoredSession> WithState(string state) => Query("SELECT * FROM sessions WHERE state=$state ORDER BY started_utc;", ("$state", state));

    public IReadOnlyList<StoredSession> All() => Query("SELECT * FROM sessions ORDER BY started_utc;");

    public IReadOnlyList<(double TimeSeconds, string Type)> Events(string sessionId)
    {
        lock (gate)
        {
            using var command = Command("SELECT t_s, type FROM events WHERE session_id=$id ORDER BY rowid;", ("$id", sessionId));
            using var reader = command.ExecuteReader();
            var list = new List<(double, string)>();
            while (reader.Read())
            {
                list.Add((reader.GetDouble(0), reader.GetString(1)));
            }

            return list;
        }
    }

    public IReadOnlyList<string> DeviationCodes(string sessionId)
    {
        lock (gate)
        {
            using var command = Command("SELECT code FROM deviations WHERE session_id=$id ORDER BY rowid;", ("$id", sessionId));
            using var reader = command.ExecuteReader();
            var list = new List<string>();
            while (reader.Read())
            {
                list.Add(reader.GetString(0));
            }

            return list;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            connection.Dispose();
        }
    }

    private static object? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Utc(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private IReadOnlyList<StoredSession> Query(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            using var r = command.ExecuteReader();
            var list = new List<StoredSession>();
            while (r.Read())
            {
                list.Add(new StoredSession(
                    r.GetString(r.GetOrdinal("id")),
                    r.GetString(r.GetOrdinal("patient_ref")),
                    r.GetString(r.GetOrdinal("hands")),
                    r.GetString(r.GetOrdinal("preset")),
                    r.GetDouble(r.GetOrdinal("emissivity")),
                    r.GetString(r.GetOrdinal("reflected_rule")),
                    r.GetString(r.GetOrdinal("settings_json")),
                    r.GetString(r.GetOrdinal("recordings")).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                    r.GetString(r.GetOrdinal("state")),
                    DateTimeOffset.Parse(r.GetString(r.GetOrdinal("started_utc")), CultureInfo.InvariantCulture),
                    r.IsDBNull(r.GetOrdinal("ended_utc")) ? null : DateTimeOffset.Parse(r.GetString(r.GetOrdinal("ended_utc")), CultureInfo.InvariantCulture),
                    r.IsDBNull(r.GetOrdinal("outcome")) ? null : r.GetString(r.GetOrdinal("outcome")),
                    r.IsDBNull(r.GetOrdinal("reason")) ? null : r.GetString(r.GetOrdinal("reason")),
                    r.GetInt64(r.GetOrdinal("recovered")) != 0,
                    r.GetInt64(r.GetOrdinal("subpages")),
                    r.IsDBNull(r.GetOrdinal("last_t_s")) ? null : r.GetDouble(r.GetOrdinal("last_t_s"))));
            }

            return list;
        }
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            command.ExecuteNonQuery();
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
