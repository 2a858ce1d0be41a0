namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// The schema, as ordered migrations. Written once for both databases: {ID} (auto-increment key), {INT} (64-bit
/// integer), {REAL} and {BLOB} are replaced per dialect. Wall-clock times are Unix milliseconds (UTC) so both
/// databases compare and sort them the same way; session times are seconds (t_s) as the device sends them.
/// </summary>
internal static class ClinicSchema
{
    public static readonly IReadOnlyList<(int Version, string[] Statements)> Migrations =
    [
        (1,
        [
            """
            CREATE TABLE users (
              user_id {ID},
              user_name TEXT NOT NULL UNIQUE,
              password_hash TEXT NOT NULL,
              role TEXT NOT NULL,
              failed_login_count {INT} NOT NULL DEFAULT 0,
              locked_until_ms {INT} NULL,
              created_ms {INT} NOT NULL)
            """,
            """
            CREATE TABLE devices (
              device_id TEXT PRIMARY KEY,
              display_name TEXT NOT NULL,
              secret_hash TEXT NOT NULL,
              created_ms {INT} NOT NULL,
              last_seen_ms {INT} NULL,
              acknowledged_through {INT} NOT NULL DEFAULT 0,
              last_status TEXT NULL)
            """,
            // The delivery log: one row per (device, seq), so a resent message is recognised and stored once.
            """
            CREATE TABLE device_messages (
              device_id TEXT NOT NULL,
              seq {INT} NOT NULL,
              kind TEXT NOT NULL,
              session_id TEXT NULL,
              device_utc_ms {INT} NOT NULL,
              received_ms {INT} NOT NULL,
              payload TEXT NULL,
              problem TEXT NULL,
              PRIMARY KEY (device_id, seq))
            """,
            """
            CREATE TABLE patients (
              patient_ref TEXT PRIMARY KEY,
              clinic_identifier_protected TEXT NULL,
              created_ms {INT} NOT NULL)
            """,
            """
            CREATE TABLE sessions (
              session_id TEXT PRIMARY KEY,
              device_id TEXT NOT NULL,
              patient_ref TEXT NULL,
              hands TEXT NOT NULL DEFAULT '[]',
              preset_name TEXT NULL,
              preset TEXT NULL,
              settings TEXT NULL,
              started_ms {INT} NULL,
              ended_ms {INT} NULL,
              outcome TEXT NULL,
              end_reason TEXT NULL,
              protocol_state TEXT NULL,
              created_ms {INT} NOT NULL)
            """,
            "CREATE INDEX ix_sessions_patient ON sessions (patient_ref, started_ms)",
            "CREATE INDEX ix_sessions_device ON sessions (device_id, started_ms)",
            "CREATE INDEX ix_sessions_started ON sessions (started_ms)",
            """
            CREATE TABLE frames (
              frame_id {ID},
              session_id TEXT NOT NULL,
              hand TEXT NOT NULL,
              t_s {REAL} NOT NULL,
              temps {BLOB} NOT NULL,
              regions TEXT NOT NULL,
              protocol_state TEXT NULL,
              state_elapsed_s {REAL} NULL,
              state_remaining_s {REAL} NULL)
            """,
            "CREATE INDEX ix_frames_session ON frames (session_id, hand, t_s)",
            """
            CREATE TABLE session_events (
              event_id {ID},
              session_id TEXT NOT NULL,
              t_s {REAL} NOT NULL,
              type TEXT NOT NULL,
              hand TEXT NULL,
              detail TEXT NULL)
            """,
            "CREATE INDEX ix_events_session ON session_events (session_id, t_s)",
            """
            CREATE TABLE environment_readings (
              reading_id {ID},
              session_id TEXT NOT NULL,
              t_s {REAL} NOT NULL,
              room_c {REAL} NULL,
              humidity_pct {REAL} NULL,
              water_c {REAL} NULL,
              deviations TEXT NOT NULL)
            """,
            "CREATE INDEX ix_environment_session ON environment_readings (session_id, t_s)",
            // The latest provisional and the final result per hand; the device resends provisional results as they improve.
            """
            CREATE TABLE analysis_results (
              session_id TEXT NOT NULL,
              hand TEXT NOT NULL,
              is_final {INT} NOT NULL,
              result TEXT NOT NULL,
              received_ms {INT} NOT NULL,
              PRIMARY KEY (session_id, hand, is_final))
            """,
            """
            CREATE TABLE audit_trail (
              audit_id {ID},
              at_ms {INT} NOT NULL,
              user_name TEXT NOT NULL,
              action TEXT NOT NULL,
              target_kind TEXT NOT NULL,
              target_id TEXT NULL,
              detail TEXT NULL)
            """,
            "CREATE INDEX ix_audit_at ON audit_trail (at_ms)",
        ]),
        // Version 2: study tags of sessions (research cohorts) — see SqlClinicStore.Research.cs.
        (2, SqlClinicStore.StudyTagsMigration),
        // Version 3: versioned analysis results (re-analysis) — see SqlClinicStore.AnalysisVersions.cs. Rows are only
        // ever inserted: (session, version, hand) is the key, so a version can never be overwritten.
        (3,
        [
            """
            CREATE TABLE analysis_versions (
              session_id TEXT NOT NULL,
              version {INT} NOT NULL,
              hand TEXT NOT NULL,
              label TEXT NOT NULL,
              provenance TEXT NOT NULL,
              settings_hash TEXT NOT NULL,
              result TEXT NOT NULL,
              created_by TEXT NOT NULL,
              created_ms {INT} NOT NULL,
              PRIMARY KEY (session_id, version, hand))
            """,
        ]),
        // Version 4: sensor site calibrations — see SqlClinicStore.Calibrations.cs. The uploaded file is kept as bytes,
        // exactly as uploaded, so its checksum keeps holding when a technician downloads it for a device.
        (4,
        [
            """
            CREATE TABLE site_calibrations (
              sensor_id TEXT NOT NULL,
              version {INT} NOT NULL,
              body_sha256 TEXT NOT NULL,
              file_sha256 TEXT NOT NULL,
              file_name TEXT NOT NULL,
              file_bytes {BLOB} NOT NULL,
              created_ms {INT} NOT NULL,
              expires_ms {INT} NOT NULL,
              passed {INT} NOT NULL,
              bad_pixel_count {INT} NOT NULL,
              uploaded_by TEXT NOT NULL,
              uploaded_ms {INT} NOT NULL,
              PRIMARY KEY (sensor_id, version))
            """,
        ]),
        // Version 5: the numbers of the devices' per-session reference checks — see SqlClinicStore.ReferenceChecks.cs.
        (5, SqlClinicStore.ReferenceChecksMigration),
        // Version 6: clinician commands to devices — see SqlClinicStore.Commands.cs.
        (6, SqlClinicStore.DeviceCommandsMigration),
        // Version 7: disabling staff accounts, security stamps, revoking and rotating device credentials — see SqlClinicStore.Accounts.cs.
        (7, SqlClinicStore.AccountsMigration),
    ];
}
