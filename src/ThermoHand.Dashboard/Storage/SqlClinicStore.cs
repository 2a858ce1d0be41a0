using System.Data.Common;
using System.Text;
using System.Text.Json;
using ThermoHand.Dashboard.Ingest;

namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// The store's SQL, shared by SQLite and PostgreSQL: both understand the same statements (ON CONFLICT, LIMIT/OFFSET,
/// @name parameters), so the subclasses only open connections and name column types. Plain ADO.NET keeps the
/// frame blobs and the per-batch transaction explicit.
/// </summary>
public abstract partial class SqlClinicStore(TimeProvider clock) : IClinicStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected TimeProvider Clock { get; } = clock;

    /// <summary>A new, not yet opened connection (pooled by the provider).</summary>
    protected abstract DbConnection CreateConnection();

    /// <summary>Column type of an auto-increment primary key.</summary>
    protected abstract string AutoIncrementKey { get; }

    protected abstract string BlobType { get; }

    protected abstract string RealType { get; }

    protected virtual string IntegerType => "BIGINT";

    /// <summary>Dialect-specific set-up before migrations (SQLite: WAL journal).</summary>
    protected virtual Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await PrepareDatabaseAsync(connection, cancellationToken);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version " + IntegerType + " NOT NULL)", cancellationToken);
        var current = Convert.ToInt64(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken) ?? 0L);
        foreach (var (version, statements) in ClinicSchema.Migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var statement in statements)
            {
                var sql = statement.Replace("{ID}", AutoIncrementKey).Replace("{INT}", IntegerType)
                    .Replace("{REAL}", RealType).Replace("{BLOB}", BlobType);
                await ExecuteAsync(connection, transaction, sql, cancellationToken);
            }

            await ExecuteAsync(connection, transaction, "INSERT INTO schema_version (version) VALUES (@v)", cancellationToken, ("v", (long)version));
            await transaction.CommitAsync(cancellationToken);
        }
    }

    // ------------------------------------------------------------------ users

    public async Task<UserRecord> CreateUserAsync(string userName, string passwordHash, string role, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO users (user_name, password_hash, role, failed_login_count, created_ms) VALUES (@n, @h, @r, 0, @c)",
            cancellationToken, ("n", userName), ("h", passwordHash), ("r", role), ("c", NowMs()));
        return (await FindUserAsync(userName, cancellationToken))!;
    }

    public async Task<UserRecord?> FindUserAsync(string userName, CancellationToken cancellationToken = default)
    {
        var users = await QueryAsync(UserSql + " WHERE user_name = @n", ReadUser, cancellationToken, ("n", userName));
        return users.FirstOrDefault();
    }

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(UserSql + " ORDER BY user_name", ReadUser, cancellationToken);

    public async Task<int> CountUsersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Convert.ToInt32(await ScalarAsync(connection, null, "SELECT COUNT(*) FROM users", cancellationToken));
    }

    public async Task SetLoginStateAsync(string userName, int failedLoginCount, DateTimeOffset? lockedUntilUtc, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE users SET failed_login_count = @f, locked_until_ms = @l WHERE user_name = @n",
            cancellationToken, ("f", (long)failedLoginCount), ("l", lockedUntilUtc?.ToUnixTimeMilliseconds()), ("n", userName));
    }

    private const string UserSql = "SELECT user_id, user_name, password_hash, role, failed_login_count, locked_until_ms, created_ms FROM users";

    private static UserRecord ReadUser(DbDataReader r) => new(
        Long(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), (int)Long(r, 4), Time(r, 5), Time(r, 6)!.Value);

    // ------------------------------------------------------------------ devices

    public async Task<DeviceRecord> CreateDeviceAsync(string deviceId, string displayName, string secretHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO devices (device_id, display_name, secret_hash, created_ms, acknowledged_through) VALUES (@d, @n, @h, @c, 0)",
            cancellationToken, ("d", deviceId), ("n", displayName), ("h", secretHash), ("c", NowMs()));
        return (await FindDeviceAsync(deviceId, cancellationToken))!;
    }

    public async Task<DeviceRecord?> FindDeviceAsync(string deviceId, CancellationToken cancellationToken = default) =>
        (await QueryAsync(DeviceSql + " WHERE device_id = @d", ReadDevice, cancellationToken, ("d", deviceId))).FirstOrDefault();

    public Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(DeviceSql + " ORDER BY device_id", ReadDevice, cancellationToken);

    private const string DeviceSql = "SELECT device_id, display_name, secret_hash, created_ms, last_seen_ms, acknowledged_through FROM devices";

    private static DeviceRecord ReadDevice(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Time(r, 3)!.Value, Time(r, 4), Long(r, 5));

    // ------------------------------------------------------------------ ingest

    public async Task<long> GetAcknowledgedThroughAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var value = await ScalarAsync(connection, null, "SELECT acknowledged_through FROM devices WHERE device_id = @d", cancellationToken, ("d", deviceId));
        return value is null or DBNull ? 0 : Convert.ToInt64(value);
    }

    public async Task<IngestOutcome> StoreBatchAsync(string deviceId, IReadOnlyList<InterpretedMessage> messages, DateTimeOffset receivedUtc, CancellationToken cancellationToken = default)
    {
        var receivedMs = receivedUtc.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Writing the device row first takes the write lock (SQLite) or the row lock (PostgreSQL) before the
        // acknowledgement is read, so two concurrent batches of one device cannot both pass the gap check.
        var touched = await ExecuteAsync(connection, transaction, "UPDATE devices SET last_seen_ms = @now WHERE device_id = @d",
            cancellationToken, ("now", receivedMs), ("d", deviceId));
        if (touched == 0)
        {
            throw new InvalidOperationException($"device '{deviceId}' is not registered");
        }

        var acknowledged = Convert.ToInt64(await ScalarAsync(connection, transaction,
            "SELECT acknowledged_through FROM devices WHERE device_id = @d", cancellationToken, ("d", deviceId)));
        if (messages.Count > 0 && messages[0].Sequence > acknowledged + 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new IngestOutcome(false, acknowledged, []);
        }

        var stored = new List<long>();
        foreach (var message in messages.Where(m => m.Sequence > acknowledged))
        {
            var problem = message is UnreadableMessage unreadable ? unreadable.Problem : null;
            if (problem is null && message.SessionId is { } sessionId)
            {
                problem = await EnsureSessionOfDeviceAsync(connection, transaction, deviceId, sessionId, receivedMs, cancellationToken);
            }

            if (problem is null)
            {
                await ApplyAsync(connection, transaction, deviceId, message, receivedMs, cancellationToken);
            }

            await ExecuteAsync(connection, transaction,
                "INSERT INTO device_messages (device_id, seq, kind, session_id, device_utc_ms, received_ms, payload, problem) " +
                "VALUES (@d, @s, @k, @sid, @u, @r, @p, @problem) ON CONFLICT (device_id, seq) DO NOTHING",
                cancellationToken, ("d", deviceId), ("s", message.Sequence), ("k", message.Kind), ("sid", message.SessionId),
                ("u", message.CreatedUtc.ToUnixTimeMilliseconds()), ("r", receivedMs),
                ("p", problem is null ? message.LoggedPayload : message.LoggedPayload ?? (message as UnreadableMessage)?.RawPayload),
                ("problem", problem));
            stored.Add(message.Sequence);
            acknowledged = message.Sequence;
        }

        await ExecuteAsync(connection, transaction, "UPDATE devices SET acknowledged_through = @a WHERE device_id = @d",
            cancellationToken, ("a", acknowledged), ("d", deviceId));
        await transaction.CommitAsync(cancellationToken);
        return new IngestOutcome(true, acknowledged, stored);
    }

    /// <summary>Creates the session row on its first message; refuses a session id that another device owns.</summary>
    private async Task<string?> EnsureSessionOfDeviceAsync(DbConnection connection, DbTransaction transaction, string deviceId, string sessionId, long nowMs, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction,
            "INSERT INTO sessions (session_id, device_id, created_ms) VALUES (@s, @d, @c) ON CONFLICT (session_id) DO NOTHING",
            cancellationToken, ("s", sessionId), ("d", deviceId), ("c", nowMs));
        var owner = (string?)await ScalarAsync(connection, transaction, "SELECT device_id FROM sessions WHERE session_id = @s", cancellationToken, ("s", sessionId));
        return owner == deviceId ? null : $"session '{sessionId}' belongs to another device; message kept in the log only";
    }

    private async Task ApplyAsync(DbConnection c, DbTransaction t, string deviceId, InterpretedMessage message, long nowMs, CancellationToken ct)
    {
        await ApplyReferenceChecksAsync(c, t, message, ct); // SqlClinicStore.ReferenceChecks.cs
        switch (message)
        {
            case SessionStartedMessage started:
                await ExecuteAsync(c, t, "INSERT INTO patients (patient_ref, created_ms) VALUES (@p, @c) ON CONFLICT (patient_ref) DO NOTHING",
                    ct, ("p", started.PatientReference), ("c", nowMs));
                await ExecuteAsync(c, t,
                    "UPDATE sessions SET patient_ref = @p, hands = @h, preset_name = @pn, preset = @preset, settings = @settings, started_ms = @st WHERE session_id = @s",
                    ct, ("p", started.PatientReference), ("h", JsonSerializer.Serialize(started.Hands)), ("pn", started.PresetName),
                    ("preset", started.PresetJson), ("settings", started.SettingsJson), ("st", started.StartedUtc.ToUnixTimeMilliseconds()),
                    ("s", started.SessionIdValue));
                break;
            case SessionEventMessage e:
                await ExecuteAsync(c, t, "INSERT INTO session_events (session_id, t_s, type, hand, detail) VALUES (@s, @t, @ty, @h, @d)",
                    ct, ("s", e.SessionIdValue), ("t", e.Event.TimeSeconds), ("ty", e.Event.Type), ("h", e.Event.Hand), ("d", e.Event.Detail));
                break;
            case FrameMessage f:
                await ExecuteAsync(c, t,
                    "INSERT INTO frames (session_id, hand, t_s, temps, regions, protocol_state, state_elapsed_s, state_remaining_s) VALUES (@s, @h, @t, @temps, @r, @st, @el, @re)",
                    ct, ("s", f.SessionIdValue), ("h", f.Frame.Hand), ("t", f.Frame.TimeSeconds), ("temps", FrameTemperatureCodec.Encode(f.Frame.Temperatures)),
                    ("r", JsonSerializer.Serialize(f.Frame.Regions, Json)), ("st", f.Frame.ProtocolState), ("el", f.Frame.StateElapsedSeconds),
                    ("re", f.Frame.StateRemainingSeconds));
                if (f.Frame.ProtocolState is { } state)
                {
                    await ExecuteAsync(c, t, "UPDATE sessions SET protocol_state = @st WHERE session_id = @s", ct, ("st", state), ("s", f.SessionIdValue));
                }

                break;
            case EnvironmentMessage env:
                await ExecuteAsync(c, t,
                    "INSERT INTO environment_readings (session_id, t_s, room_c, humidity_pct, water_c, deviations) VALUES (@s, @t, @r, @h, @w, @d)",
                    ct, ("s", env.SessionIdValue), ("t", env.Reading.TimeSeconds), ("r", env.Reading.RoomC), ("h", env.Reading.HumidityPercent),
                    ("w", env.Reading.WaterC), ("d", JsonSerializer.Serialize(env.Reading.Deviations)));
                break;
            case AnalysisMessage a:
                await ExecuteAsync(c, t,
                    "INSERT INTO analysis_results (session_id, hand, is_final, result, received_ms) VALUES (@s, @h, @f, @r, @now) " +
                    "ON CONFLICT (session_id, hand, is_final) DO UPDATE SET result = excluded.result, received_ms = excluded.received_ms",
                    ct, ("s", a.SessionIdValue), ("h", a.Hand), ("f", a.IsFinal ? 1L : 0L), ("r", a.ResultJson), ("now", nowMs));
                break;
            case SessionEndedMessage ended:
                await ExecuteAsync(c, t, "UPDATE sessions SET ended_ms = @e, outcome = @o, end_reason = @r, protocol_state = @st WHERE session_id = @s",
                    ct, ("e", ended.CreatedUtc.ToUnixTimeMilliseconds()), ("o", ended.Outcome), ("r", ended.Reason), ("st", "ended"), ("s", ended.SessionIdValue));
                break;
            case DeviceStatusMessage status:
                await ExecuteAsync(c, t, "UPDATE devices SET last_status = @st WHERE device_id = @d", ct, ("st", status.StatusJson), ("d", deviceId));
                break;
        }
    }

    // ------------------------------------------------------------------ sessions

    private const string SessionSql =
        "SELECT s.session_id, s.device_id, s.patient_ref, s.hands, s.preset_name, s.started_ms, s.ended_ms, s.outcome, s.protocol_state, " +
        "(SELECT COUNT(*) FROM analysis_results a WHERE a.session_id = s.session_id AND a.is_final = 1) FROM sessions s";

    private static SessionSummary ReadSession(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Text(r, 2), JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? [], Text(r, 4),
        Time(r, 5), Time(r, 6), Text(r, 7), Text(r, 8), Long(r, 9) > 0);

    public Task<IReadOnlyList<SessionSummary>> SearchSessionsAsync(SessionQuery query, CancellationToken cancellationToken = default)
    {
        // Conditions are added only for filters that are set: PostgreSQL cannot type an untyped NULL in "@p IS NULL".
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (!string.IsNullOrWhiteSpace(query.PatientReference))
        {
            // Prefix match: a clinician may type the start of a reference.
            where.Add("substr(s.patient_ref, 1, @plen) = @p");
            parameters.Add(("p", query.PatientReference.Trim()));
            parameters.Add(("plen", query.PatientReference.Trim().Length)); // int: PostgreSQL has substr(text, int, int) only
        }

        if (query.StartedFromUtc is { } from)
        {
            where.Add("s.started_ms >= @from");
            parameters.Add(("from", from.ToUnixTimeMilliseconds()));
        }

        if (query.StartedBeforeUtc is { } before)
        {
            where.Add("s.started_ms < @before");
            parameters.Add(("before", before.ToUnixTimeMilliseconds()));
        }

        if (!string.IsNullOrWhiteSpace(query.DeviceId))
        {
            where.Add("s.device_id = @d");
            parameters.Add(("d", query.DeviceId));
        }

        if (!string.IsNullOrWhiteSpace(query.Outcome))
        {
            if (query.Outcome == "in_progress")
            {
                where.Add("s.outcome IS NULL");
            }
            else
            {
                where.Add("s.outcome = @o");
                parameters.Add(("o", query.Outcome));
            }
        }

        parameters.Add(("limit", (long)Math.Clamp(query.Limit, 1, 1000)));
        parameters.Add(("offset", (long)Math.Max(0, query.Offset)));
        var sql = SessionSql + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
                  " ORDER BY COALESCE(s.started_ms, s.created_ms) DESC, s.session_id LIMIT @limit OFFSET @offset";
        return QueryAsync(sql, ReadSession, cancellationToken, [.. parameters]);
    }

    public async Task<SessionDetail?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var summary = (await QueryAsync(SessionSql + " WHERE s.session_id = @s", ReadSession, cancellationToken, ("s", sessionId))).FirstOrDefault();
        if (summary is null)
        {
            return null;
        }

        var extra = (await QueryAsync("SELECT preset, settings, end_reason, (SELECT COUNT(*) FROM frames f WHERE f.session_id = @s) FROM sessions WHERE session_id = @s",
            r => (Preset: Text(r, 0), Settings: Text(r, 1), EndReason: Text(r, 2), Frames: Long(r, 3)), cancellationToken, ("s", sessionId)))[0];
        var events = await QueryAsync("SELECT t_s, type, hand, detail FROM session_events WHERE session_id = @s ORDER BY t_s, event_id",
            r => new SessionEventRecord(r.GetDouble(0), r.GetString(1), Text(r, 2), Text(r, 3)), cancellationToken, ("s", sessionId));
        var environment = await QueryAsync(EnvironmentSql + " WHERE session_id = @s ORDER BY t_s, reading_id", ReadEnvironment, cancellationToken, ("s", sessionId));
        var results = await QueryAsync("SELECT hand, is_final, result, received_ms FROM analysis_results WHERE session_id = @s ORDER BY hand, is_final",
            r => new StoredAnalysisResult(r.GetString(0), Long(r, 1) == 1, ParseJson(r.GetString(2)), Time(r, 3)!.Value), cancellationToken, ("s", sessionId));
        return new SessionDetail(
            summary, extra.Preset is null ? null : ParseJson(extra.Preset), extra.Settings is null ? null : ParseJson(extra.Settings),
            extra.EndReason, events, environment, results, (int)extra.Frames);
    }

    private const string EnvironmentSql = "SELECT t_s, room_c, humidity_pct, water_c, deviations FROM environment_readings";

    private static EnvironmentReading ReadEnvironment(DbDataReader r) => new(
        r.GetDouble(0), Real(r, 1), Real(r, 2), Real(r, 3), JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? []);

    private const string FrameSql = "SELECT session_id, hand, t_s, temps, regions, protocol_state, state_elapsed_s, state_remaining_s FROM frames";

    private static StoredFrame ReadFrame(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetDouble(2), FrameTemperatureCodec.Decode((byte[])r.GetValue(3)),
        JsonSerializer.Deserialize<RegionReading[]>(r.GetString(4), Json) ?? [], Text(r, 5), Real(r, 6), Real(r, 7));

    public Task<IReadOnlyList<StoredFrame>> GetFramesAsync(string sessionId, string? hand = null, double? fromSeconds = null, double? toSeconds = null, int limit = 100_000, CancellationToken cancellationToken = default)
    {
        var sql = new StringBuilder(FrameSql).Append(" WHERE session_id = @s");
        var parameters = new List<(string, object?)> { ("s", sessionId) };
        if (hand is not null)
        {
            sql.Append(" AND hand = @h");
            parameters.Add(("h", hand));
        }

        if (fromSeconds is { } from)
        {
            sql.Append(" AND t_s >= @from");
            parameters.Add(("from", from));
        }

        if (toSeconds is { } to)
        {
            sql.Append(" AND t_s <= @to");
            parameters.Add(("to", to));
        }

        sql.Append(" ORDER BY t_s, hand, frame_id LIMIT @limit");
        parameters.Add(("limit", (long)Math.Max(1, limit)));
        return QueryAsync(sql.ToString(), ReadFrame, cancellationToken, [.. parameters]);
    }

    public async Task<IReadOnlyList<RegionCurve>> GetRegionCurvesAsync(string sessionId, string? hand = null, CancellationToken cancellationToken = default)
    {
        var sql = "SELECT hand, t_s, regions FROM frames WHERE session_id = @s" + (hand is null ? "" : " AND hand = @h") + " ORDER BY hand, t_s, frame_id";
        var rows = await QueryAsync(sql, r => (Hand: r.GetString(0), Time: r.GetDouble(1), Regions: r.GetString(2)), cancellationToken,
            hand is null ? [("s", sessionId)] : [("s", sessionId), ("h", hand)]);
        var curves = new Dictionary<(string Hand, string Region), (int? Digit, List<CurvePoint> Points)>();
        foreach (var row in rows)
        {
            foreach (var region in JsonSerializer.Deserialize<RegionReading[]>(row.Regions, Json) ?? [])
            {
                if (region.TemperatureC is not { } celsius)
                {
                    continue; // a region the device could not read at this instant: a gap in the curve, not a zero
                }

                if (!curves.TryGetValue((row.Hand, region.Name), out var curve))
                {
                    curve = (region.Digit, []);
                    curves[(row.Hand, region.Name)] = curve;
                }

                curve.Points.Add(new CurvePoint(row.Time, celsius));
            }
        }

        return curves.OrderBy(c => c.Key.Hand, StringComparer.Ordinal).ThenBy(c => c.Value.Digit ?? 99).ThenBy(c => c.Key.Region, StringComparer.Ordinal)
            .Select(c => new RegionCurve(c.Key.Hand, c.Key.Region, c.Value.Digit, c.Value.Points)).ToList();
    }

    public async Task<IReadOnlyList<SessionSummary>> GetSessionsOfPatientAsync(string patientReference, CancellationToken cancellationToken = default) =>
        await QueryAsync(SessionSql + " WHERE s.patient_ref = @p ORDER BY COALESCE(s.started_ms, s.created_ms), s.session_id", ReadSession, cancellationToken, ("p", patientReference));

    public async Task<DeviceLiveState?> GetLiveStateAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        var device = (await QueryAsync("SELECT device_id, display_name, last_seen_ms, last_status FROM devices WHERE device_id = @d",
            r => (Name: r.GetString(1), LastSeen: Time(r, 2), Status: Text(r, 3)), cancellationToken, ("d", deviceId))).FirstOrDefault();
        if (device.Name is null)
        {
            return null;
        }

        var session = (await QueryAsync(SessionSql + " WHERE s.device_id = @d ORDER BY s.created_ms DESC, s.session_id DESC LIMIT 1",
            ReadSession, cancellationToken, ("d", deviceId))).FirstOrDefault();
        var frames = new List<StoredFrame>();
        EnvironmentReading? environment = null;
        if (session is not null)
        {
            foreach (var hand in new[] { "left", "right" })
            {
                frames.AddRange(await QueryAsync(FrameSql + " WHERE session_id = @s AND hand = @h ORDER BY t_s DESC, frame_id DESC LIMIT 1",
                    ReadFrame, cancellationToken, ("s", session.SessionId), ("h", hand)));
            }

            environment = (await QueryAsync(EnvironmentSql + " WHERE session_id = @s ORDER BY t_s DESC, reading_id DESC LIMIT 1",
                ReadEnvironment, cancellationToken, ("s", session.SessionId))).FirstOrDefault();
        }

        return new DeviceLiveState(deviceId, device.Name, device.LastSeen, device.Status is null ? null : ParseJson(device.Status), session, frames, environment);
    }

    // ------------------------------------------------------------------ patients

    public async Task SetProtectedClinicIdentifierAsync(string patientReference, string? protectedIdentifier, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO patients (patient_ref, clinic_identifier_protected, created_ms) VALUES (@p, @i, @c) " +
            "ON CONFLICT (patient_ref) DO UPDATE SET clinic_identifier_protected = excluded.clinic_identifier_protected",
            cancellationToken, ("p", patientReference), ("i", protectedIdentifier), ("c", NowMs()));
    }

    public async Task<string?> GetProtectedClinicIdentifierAsync(string patientReference, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var value = await ScalarAsync(connection, null, "SELECT clinic_identifier_protected FROM patients WHERE patient_ref = @p", cancellationToken, ("p", patientReference));
        return value as string;
    }

    // ------------------------------------------------------------------ audit

    public async Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO audit_trail (at_ms, user_name, action, target_kind, target_id, detail) VALUES (@at, @u, @a, @k, @t, @d)",
            cancellationToken, ("at", entry.AtUtc.ToUnixTimeMilliseconds()), ("u", entry.UserName), ("a", entry.Action),
            ("k", entry.TargetKind), ("t", entry.TargetId), ("d", entry.Detail));
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 200, string? userName = null, CancellationToken cancellationToken = default)
    {
        const string Columns = "SELECT at_ms, user_name, action, target_kind, target_id, detail FROM audit_trail";
        var sql = Columns + (userName is null ? "" : " WHERE user_name = @u") + " ORDER BY at_ms DESC, audit_id DESC LIMIT @l";
        return QueryAsync(sql, r => new AuditEntry(Time(r, 0)!.Value, r.GetString(1), r.GetString(2), r.GetString(3), Text(r, 4), Text(r, 5)),
            cancellationToken, userName is null ? [("l", (long)limit)] : [("u", userName), ("l", (long)limit)]);
    }

    // ------------------------------------------------------------------ helpers

    private long NowMs() => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i));

    private static double? Real(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Long(r, i));

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
