namespace ThermoHand.Exports.Research;

/// <summary>One column of one exported file, as the data dictionary states it.</summary>
/// <remarks>Type: "string", "integer", "number" (64-bit float) or "boolean"; empty cell = missing.</remarks>
public sealed record ResearchColumn(string File, string Name, string Type, string Unit, string Definition);

/// <summary>
/// Every file of the research export and its columns. The writers take their headers from here and the data
/// dictionary is generated from here, so a column cannot exist without its definition.
/// </summary>
public static class ResearchColumns
{
    public const string CurvesCsv = "curves_long.csv", CurvesParquet = "curves_long.parquet", MetricsCsv = "metrics.csv",
        EnvironmentCsv = "environment.csv", EventsCsv = "events_deviations.csv", SessionsCsv = "sessions.csv",
        DictionaryCsv = "data_dictionary.csv", DictionaryMarkdown = "data_dictionary.md", Manifest = "manifest.json";

    public const string TimeZeroText = "t = 0 s is challenge end (the hands leave the water), as in docs/metrics.md §1; negative = before it";

    /// <summary>The CSV cell rule (<see cref="Csv.CsvCell"/>) in words, for the data dictionary.</summary>
    public const string CsvCellRule =
        "CSV cells: numbers (and integers, booleans) are written as they are, negative ones included; a text cell that starts with = + - @, a tab or a carriage return "
        + "is written with a leading apostrophe (') so that a spreadsheet shows it as text instead of running it as a formula — remove that one apostrophe to get the value "
        + "(curves_long.parquet holds text values without it). Cells with a comma, a quote or a line break are quoted (RFC 4180).";

    private const string MetricsDoc = "docs/metrics.md §2";

    private static ResearchColumn StudySession(string file) =>
        new(file, "study_session_id", "string", "", "Study session id: keyed hash of the clinic's session id ('T-' + 10 base32 characters); the same test always gets the same id under one study key");

    private static ResearchColumn Hand(string file) => new(file, "hand", "string", "", "'left' or 'right'");

    private static ResearchColumn Version(string file) =>
        new(file, "analysis_version", "string", "", "Label of the analysis that produced the metrics of this hand ('device' = computed live on the device; 'v2', 'v3'… = a re-analysis); 'none' when the hand has no final analysis");

    private static ResearchColumn Time(string file, string what) =>
        new(file, "t_s", "number", "s", what + "; " + TimeZeroText + " (sessions.csv 'time_zero' says when no challenge end was recorded)");

    /// <summary>curves_long.csv and curves_long.parquet (the same rows and columns).</summary>
    public static IReadOnlyList<ResearchColumn> Curves(string file) =>
    [
        StudySession(file),
        Hand(file),
        new(file, "region", "string", "", "'D1'..'D5' fingertip (1 thumb, 2 index, 3 middle, 4 ring, 5 little) or 'dorsum' (back of the hand)"),
        new(file, "digit", "integer", "", "1..5 for a fingertip, empty for the dorsum"),
        Time(file, "Time of the frame"),
        new(file, "temperature_c", "number", "°C", "Region temperature in this frame as the device measured it (docs/regions.md); empty when the device could not read the region in this frame"),
        new(file, "trusted", "boolean", "", "true when the device trusted the reading (region found, no motion or partial-volume flag); the analysis uses trusted readings only (docs/metrics.md §1)"),
        new(file, "flag", "string", "", "Why a reading is not trusted (the region tracker's flag), empty when trusted"),
        Version(file),
    ];

    /// <summary>metrics.csv: one row per session × hand × region with the analysis JSON's metrics.</summary>
    public static IReadOnlyList<ResearchColumn> Metrics(IReadOnlyList<ResearchMetricDefinition> metrics) =>
    [
        StudySession(MetricsCsv),
        new(MetricsCsv, "hand", "string", "", "'left', 'right', or 'both' for the 8-finger summary of a two-hand session: every metric over the fingertips D2–D5 of both hands (thumbs left out), computed from the same left and right results as the per-hand rows by HandSummary.Combine (docs/metrics.md §3). A two-hand session whose summary cannot be computed (a hand missing, unreadable or without rewarming metrics) has no 'both' rows and a manifest.json 'notes' entry saying why; a one-hand session has none"),
        new(MetricsCsv, "region", "string", "", "'D1'..'D5' fingertip or 'dorsum'; on 'both' rows the statistic over the 8 fingers: 'fingers_2_5_mean' (mean of the fingers with a value), 'fingers_2_5_sd' (sample SD), 'fingers_2_5_cv' (SD / mean, only for a positive mean) and 'fingers_2_5_n' (how many of the 8 fingers had a value; a finger without one is left out, never counted as zero)"),
        new(MetricsCsv, "digit", "integer", "", "1..5 for a fingertip, empty for the dorsum and on 'both' rows"),
        new(MetricsCsv, "analysis_version", "string", "", "Label of the analysis that produced the metrics of this hand ('device' = computed live on the device; 'v2', 'v3'… = a re-analysis); on 'both' rows the one label of both hands, or 'left:LABEL;right:LABEL' when the two hands come from different analyses"),
        .. metrics.Select(m => new ResearchColumn(MetricsCsv, m.Column, "number", m.Unit,
            $"{m.Definition} (analysis JSON field '{m.Field}', {MetricsDoc}); times are seconds after challenge end; empty = not computable, the reason is in events_deviations.csv"
            + (Bilateral.EightFingerSummary.SpreadName(m.Field) is null ? "; not averaged over fingers, so empty on 'both' rows" : "; on 'both' rows the statistic the region column names, over digits 2–5 of both hands (n is a count of fingers, unit none)"))),
        new(MetricsCsv, "ddd_c", "number", "°C", "DDD (distal–dorsal difference) of this digit = T dorsum − T fingertip at baseline; positive = fingers colder than the back of the hand (docs/metrics.md §3); D1 is the thumb's, kept out of the mean; empty for the dorsum and on 'both' rows"),
        new(MetricsCsv, "hand_ddd_mean_c", "number", "°C", "Mean DDD over digits 2–5 of this hand (docs/metrics.md §3), repeated on every row of the hand; on the 'both' fingers_2_5_mean row the 8-finger DDD mean (digits 2–5 of both hands with a DDD), empty on the other 'both' rows"),
        new(MetricsCsv, "hand_fingers_ddd_over_1c", "integer", "", "Number of digits 2–5 of this hand with DDD > 1 °C (docs/metrics.md §3); on the 'both' fingers_2_5_mean row the number of the 8 fingers with DDD > 1 °C, empty on the other 'both' rows"),
        new(MetricsCsv, "hand_frames_used", "integer", "", "Frames of this hand that gave at least one trusted, plausible region reading (docs/metrics.md §4); empty on 'both' rows (see the hands' own rows)"),
        new(MetricsCsv, "hand_frames_rejected", "integer", "", "Frames of this hand that gave none, outside the immersion (docs/metrics.md §4); empty on 'both' rows"),
    ];

    public static readonly IReadOnlyList<ResearchColumn> Environment =
    [
        StudySession(EnvironmentCsv),
        Time(EnvironmentCsv, "Time of the reading"),
        new(EnvironmentCsv, "room_c", "number", "°C", "Room air temperature (BME280 beside the hand rest)"),
        new(EnvironmentCsv, "humidity_pct", "number", "%", "Relative humidity of the room air"),
        new(EnvironmentCsv, "water_c", "number", "°C", "Water bath temperature (DS18B20 in the bath)"),
        new(EnvironmentCsv, "deviations", "string", "", "Protocol deviations the device flagged with this reading (e.g. room too warm), separated by ' | '; empty = none"),
    ];

    public static readonly IReadOnlyList<ResearchColumn> Events =
    [
        StudySession(EventsCsv),
        Time(EventsCsv, "When it happened; empty for analysis flags, which concern the whole hand"),
        new(EventsCsv, "hand", "string", "", "'left', 'right', or empty when it concerns both hands"),
        new(EventsCsv, "source", "string", "", "'protocol' (an event of the protocol: challenge_start, challenge_end, paused, …), 'environment' (a deviation flagged by the device, listed when it starts) or 'analysis' (a quality flag of the analysis result)"),
        new(EventsCsv, "what", "string", "", "The event type, the deviation or the quality flag, as the device or the analysis wrote it"),
    ];

    public static readonly IReadOnlyList<ResearchColumn> Sessions =
    [
        new(SessionsCsv, "study_id", "string", "", "Study id of the patient: keyed hash of the clinic's patient reference ('S-' + 10 base32 characters); empty when the session has no patient reference"),
        StudySession(SessionsCsv),
        new(SessionsCsv, "visit_number", "integer", "", "Order of this session among the same study id's sessions in this export (1 = earliest); dates are not exported"),
        new(SessionsCsv, "protocol_preset", "string", "", "Name of the protocol preset the device ran (docs/protocol.md)"),
        new(SessionsCsv, "hands", "string", "", "Hands recorded, separated by ';'"),
        new(SessionsCsv, "group_tags", "string", "", "Study group tags given on the dashboard (e.g. 'SSc', 'study:ILO-2026'), separated by ';'"),
        new(SessionsCsv, "outcome", "string", "", "How the session ended ('completed', 'aborted', …)"),
        new(SessionsCsv, "analysis_version", "string", "", "Labels of the analyses whose metrics this export holds for the session ('device' or 'v2', 'v3'…), separated by ';'; cite it with the results"),
        new(SessionsCsv, "calibration_version", "string", "", "Sensor site-calibration version if the device reported one, separated by ';' for two sensors; empty = not known"),
        new(SessionsCsv, "time_zero", "string", "", "'challenge_end' when t = 0 s is challenge end; 'session_start' when no challenge end was recorded and times count from the start of the recording"),
        new(SessionsCsv, "challenge_start_s", "number", "s", "Start of the immersion on the export's time axis (normally minus the immersion time)"),
        new(SessionsCsv, "curve_rows", "integer", "", "Rows of this session in curves_long.csv"),
    ];

    public static readonly IReadOnlyList<ResearchColumn> Dictionary =
    [
        new(DictionaryCsv, "file", "string", "", "The exported file the column belongs to"),
        new(DictionaryCsv, "column", "string", "", "Column name (first line of a CSV file; field name in Parquet)"),
        new(DictionaryCsv, "type", "string", "", "'string', 'integer', 'number' (64-bit float) or 'boolean'; an empty cell is a missing value. " + CsvCellRule),
        new(DictionaryCsv, "unit", "string", "", "Unit of the values; empty when none"),
        new(DictionaryCsv, "definition", "string", "", "What the column holds, with the documentation that defines it"),
    ];
}

/// <summary>The top-level fields of manifest.json, described in the data dictionary like columns.</summary>
public static class ResearchManifestFields
{
    public static readonly IReadOnlyList<ResearchColumn> All =
    [
        new(ResearchColumns.Manifest, "schema", "string", "", "'thermohand/research-export/v1'"),
        new(ResearchColumns.Manifest, "export_id", "string", "", "Random id of this export; the clinic's audit trail records who made it, when and with which filter"),
        new(ResearchColumns.Manifest, "software_version", "string", "", "Version of the ThermoHand software that wrote the export"),
        new(ResearchColumns.Manifest, "cohort", "string", "", "The cohort filter in words (protocol preset, group tag, whether a date range was used — the dates themselves are withheld)"),
        new(ResearchColumns.Manifest, "time_zero", "string", "", ResearchColumns.TimeZeroText),
        new(ResearchColumns.Manifest, "pseudonymisation", "string", "", "What was removed or replaced, in words"),
        new(ResearchColumns.Manifest, "analysis_versions", "string", "", "Every analysis version label used in this export (cite with the results)"),
        new(ResearchColumns.Manifest, "counts", "object", "", "sessions, hands and curve_rows of the export"),
        new(ResearchColumns.Manifest, "files", "array", "", "Every other file: name, rows (data lines, header excluded), bytes and sha256 (lower-case hex) to check the copy"),
        new(ResearchColumns.Manifest, "notes", "array", "", "Anything the reader must know about what is not in the files (e.g. a result without per-region metrics)"),
    ];
}
