using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using ThermoHand.Exports.Bilateral;

namespace ThermoHand.Exports.Research;

/// <summary>
/// Writes the pseudonymised research export of a cohort as one zip: curves_long.csv and .parquet (every region
/// reading of every frame, time relative to challenge end), metrics.csv, environment.csv, events_deviations.csv,
/// sessions.csv, data_dictionary.csv/.md and manifest.json (row counts and SHA-256 of every file).
/// Identifiers go in and only study ids come out: session ids, patient references, device ids, sensor settings,
/// dates and free-text event details are never written. One session is held in memory at a time; the curve CSV
/// streams into the zip and the Parquet copy is built in a scratch file, so a large cohort needs no large buffer.
/// </summary>
public sealed class ResearchExportBuilder(StudyPseudonymiser pseudonymiser)
{
    public const string Schema = "thermohand/research-export/v1";

    private static readonly string[] RegionOrder = ["D1", "D2", "D3", "D4", "D5", "dorsum"];

    // Snappy: read by every Parquet tool (R arrow, pandas, Spark) without extra codecs.
    private static readonly ParquetOptions ParquetOptionsForCurves = new() { CompressionMethod = CompressionMethod.Snappy };

    private static readonly DataField<string> StudySessionField = new("study_session_id");
    private static readonly DataField<string> HandField = new("hand");
    private static readonly DataField<string> RegionField = new("region");
    private static readonly DataField<int?> DigitField = new("digit");
    private static readonly DataField<double> TimeField = new("t_s");
    private static readonly DataField<double?> TemperatureField = new("temperature_c");
    private static readonly DataField<bool> TrustedField = new("trusted");
    private static readonly DataField<string> FlagField = new("flag", true);
    private static readonly DataField<string> VersionField = new("analysis_version");

    /// <summary>The Parquet schema of curves_long.parquet: the columns of curves_long.csv, typed.</summary>
    public static readonly ParquetSchema CurvesParquetSchema =
        new(StudySessionField, HandField, RegionField, DigitField, TimeField, TemperatureField, TrustedField, FlagField, VersionField);

    /// <summary>
    /// Writes the zip to <paramref name="output"/> (left open). <paramref name="loadSession"/> is called once per
    /// session key and must return the session or throw (a session that vanished is an error, not a gap).
    /// </summary>
    public async Task<ResearchExportSummary> WriteAsync(
        ResearchExportRequest request,
        Func<string, CancellationToken, Task<ResearchSessionSource>> loadSession,
        Stream output,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(loadSession);
        ArgumentNullException.ThrowIfNull(output);

        // Sorted by study session id: the order of the rows says nothing about when or where a test was done.
        var keys = request.SessionKeys.Distinct(StringComparer.Ordinal)
            .Select(k => (Key: k, StudySessionId: pseudonymiser.StudySessionId(k)))
            .OrderBy(k => k.StudySessionId, StringComparer.Ordinal).ToList();

        var files = new List<ManifestFile>();
        var notes = new List<string>();
        var versions = new SortedSet<string>(StringComparer.Ordinal);
        var metricColumns = ResearchColumns.Metrics(request.Metrics);
        var metricsText = new StringWriter { NewLine = "\n" };
        var metrics = new CsvTable(metricsText, metricColumns);
        var environmentText = new StringWriter { NewLine = "\n" };
        var environment = new CsvTable(environmentText, ResearchColumns.Environment);
        var eventsText = new StringWriter { NewLine = "\n" };
        var events = new CsvTable(eventsText, ResearchColumns.Events);
        var sessionRows = new List<SessionRow>();
        long curveRows = 0;
        var hands = 0;

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var scratchPath = Path.GetTempFileName();
        await using (var scratch = new FileStream(scratchPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose))
        {
            await using (var parquet = await ParquetWriter.CreateAsync(CurvesParquetSchema, scratch, ParquetOptionsForCurves, cancellationToken: cancellationToken))
            {
                await using var curveEntry = new EntryWriter(zip, ResearchColumns.CurvesCsv);
                var curves = new CsvTable(curveEntry.Text, ResearchColumns.Curves(ResearchColumns.CurvesCsv));
                foreach (var (key, studySessionId) in keys)
                {
                    var session = await loadSession(key, cancellationToken);
                    var timeZero = TimeZero(session);
                    var handVersions = session.Analyses.GroupBy(a => a.Hand, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.First().VersionLabel, StringComparer.Ordinal);
                    foreach (var label in handVersions.Values)
                    {
                        versions.Add(label);
                    }

                    var rowsBefore = curves.Rows;
                    foreach (var hand in session.RegionReadings.GroupBy(r => r.Hand, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                    {
                        var version = handVersions.GetValueOrDefault(hand.Key, "none");
                        var ordered = hand.OrderBy(r => RegionRank(r.Region)).ThenBy(r => r.Region, StringComparer.Ordinal).ThenBy(r => r.SessionSeconds).ToList();
                        foreach (var r in ordered)
                        {
                            curves.Write([studySessionId, r.Hand, r.Region, CsvTable.Integer(r.Digit), CsvTable.Number(Relative(r.SessionSeconds, timeZero)),
                                CsvTable.Number(r.TemperatureC), CsvTable.Boolean(r.Trusted), r.Trusted ? null : r.Flag, version]);
                        }

                        await WriteParquetGroupAsync(parquet, studySessionId, ordered, timeZero, version, cancellationToken);
                    }

                    hands += session.Hands.Count;
                    WriteMetrics(metrics, request.Metrics, studySessionId, session, notes);
                    WriteEnvironmentAndEvents(environment, events, studySessionId, session, timeZero);
                    sessionRows.Add(new SessionRow(
                        pseudonymiser.StudyId(session.PatientReference), studySessionId, session.StartedUtc,
                        [
                            session.ProtocolPreset,
                            string.Join(';', session.Hands),
                            string.Join(';', session.GroupTags.Order(StringComparer.Ordinal)),
                            session.Outcome,
                            string.Join(';', handVersions.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
                            string.Join(';', CalibrationVersions(session.Settings)),
                            timeZero.Value is null ? "session_start" : "challenge_end",
                            CsvTable.Number(ChallengeStart(session) is { } start ? Relative(start, timeZero) : null),
                            CsvTable.Integer(curves.Rows - rowsBefore),
                        ]));
                }

                curveRows = curves.Rows;
                files.Add(await curveEntry.FinishAsync(curves.Rows));
            }

            scratch.Position = 0;
            await using (var parquetEntry = new EntryWriter(zip, ResearchColumns.CurvesParquet))
            {
                await scratch.CopyToAsync(parquetEntry.Bytes, cancellationToken);
                files.Add(await parquetEntry.FinishAsync(curveRows));
            }
        }

        files.Add(await WriteTextAsync(zip, ResearchColumns.MetricsCsv, metricsText.ToString(), metrics.Rows));
        files.Add(await WriteTextAsync(zip, ResearchColumns.EnvironmentCsv, environmentText.ToString(), environment.Rows));
        files.Add(await WriteTextAsync(zip, ResearchColumns.EventsCsv, eventsText.ToString(), events.Rows));
        files.Add(await WriteTextAsync(zip, ResearchColumns.SessionsCsv, SessionsCsv(sessionRows, out var sessionCount), sessionCount));

        var dictionary = DictionaryColumns(metricColumns);
        files.Add(await WriteTextAsync(zip, ResearchColumns.DictionaryCsv, DictionaryCsv(dictionary, out var dictionaryRows), dictionaryRows));
        files.Add(await WriteTextAsync(zip, ResearchColumns.DictionaryMarkdown, DictionaryMarkdown(dictionary), dictionary.Count));

        await using (var manifest = new EntryWriter(zip, ResearchColumns.Manifest))
        {
            WriteManifest(manifest.Bytes, request, files, versions, notes, keys.Count, hands, curveRows);
            await manifest.FinishAsync(0);
        }

        return new ResearchExportSummary(
            request.ExportId, keys.Count, hands, curveRows, files.ToDictionary(f => f.Name, f => f.Rows, StringComparer.Ordinal),
            keys.Select(k => k.StudySessionId).ToList());
    }

    /// <summary>Every column of every file, in the order of the files in the zip.</summary>
    public static IReadOnlyList<ResearchColumn> DictionaryColumns(IReadOnlyList<ResearchColumn> metricColumns) =>
    [
        .. ResearchColumns.Curves(ResearchColumns.CurvesCsv),
        .. ResearchColumns.Curves(ResearchColumns.CurvesParquet),
        .. metricColumns,
        .. ResearchColumns.Environment,
        .. ResearchColumns.Events,
        .. ResearchColumns.Sessions,
        .. ResearchColumns.Dictionary,
        .. ResearchManifestFields.All,
    ];

    // ---------------------------------------------------------------- time base

    private readonly record struct TimeBase(double? Value);

    /// <summary>challenge_end (the first one) from the events, else from an analysis result; none when neither has it.</summary>
    private static TimeBase TimeZero(ResearchSessionSource session)
    {
        var end = session.Events.Where(e => e.Type == "challenge_end").Select(e => (double?)e.SessionSeconds).Min();
        end ??= session.Analyses.Select(a => Number(a.Result, "challenge.end_s")).FirstOrDefault(v => v is not null);
        return new TimeBase(end);
    }

    private static double? ChallengeStart(ResearchSessionSource session) =>
        session.Events.Where(e => e.Type == "challenge_start").Select(e => (double?)e.SessionSeconds).Min()
        ?? session.Analyses.Select(a => Number(a.Result, "challenge.start_s")).FirstOrDefault(v => v is not null);

    // Rounded to a millisecond so that differences of binary fractions do not print as 12.299999999999997.
    private static double Relative(double sessionSeconds, TimeBase zero) => Math.Round(sessionSeconds - (zero.Value ?? 0), 3);

    private static int RegionRank(string region)
    {
        var index = Array.IndexOf(RegionOrder, region);
        return index < 0 ? RegionOrder.Length : index;
    }

    // ---------------------------------------------------------------- curves (Parquet)

    private static async Task WriteParquetGroupAsync(ParquetWriter parquet, string studySessionId, IReadOnlyList<ResearchRegionReading> rows, TimeBase zero, string version, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        using var group = parquet.CreateRowGroup();
        await group.WriteAsync(StudySessionField, Enumerable.Repeat(studySessionId, rows.Count).ToArray());
        await group.WriteAsync(HandField, rows.Select(r => r.Hand).ToArray());
        await group.WriteAsync(RegionField, rows.Select(r => r.Region).ToArray());
        await group.WriteAsync<int>(DigitField, rows.Select(r => r.Digit).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<double>(TimeField, rows.Select(r => Relative(r.SessionSeconds, zero)).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<double>(TemperatureField, rows.Select(r => r.TemperatureC is { } t && double.IsFinite(t) ? t : (double?)null).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<bool>(TrustedField, rows.Select(r => r.Trusted).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync(FlagField, rows.Select(r => r.Trusted ? null : r.Flag).ToArray());
        await group.WriteAsync(VersionField, Enumerable.Repeat(version, rows.Count).ToArray());
    }

    // ---------------------------------------------------------------- metrics, environment, events

    private static void WriteMetrics(CsvTable table, IReadOnlyList<ResearchMetricDefinition> definitions, string studySessionId, ResearchSessionSource session, List<string> notes)
    {
        foreach (var analysis in session.Analyses.OrderBy(a => a.Hand, StringComparer.Ordinal))
        {
            var result = analysis.Result;
            if (analysis.Hand is not ("left" or "right"))
            {
                // A two-hand result a device sent itself (the worker sends one result per hand): its rows would not fit
                // the per-hand columns, so it is named, not silently dropped. The hand = both rows below are the
                // export's own combination of the left and right results.
                notes.Add($"{studySessionId} {analysis.Hand}: a two-hand result the device sent ({analysis.VersionLabel}) is not exported as metrics rows; the hand = both rows are combined from the left and right results (docs/metrics.md §3, HandSummary.Combine).");
                continue;
            }

            if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("rois", out var rois) || rois.ValueKind != JsonValueKind.Array)
            {
                notes.Add($"{studySessionId} {analysis.Hand}: the selected analysis result ({analysis.VersionLabel}) has no per-region metrics, so metrics.csv has no rows for it.");
                continue;
            }

            var dddMean = Number(result, "ddd_c.mean");
            var over1 = Number(result, "fingers_ddd_over_1c");
            var used = Number(result, "quality.frames_used");
            var rejected = Number(result, "quality.frames_rejected");
            foreach (var roi in rois.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object)
                         .OrderBy(r => RegionRank(Text(r, "name") ?? "")).ThenBy(r => Text(r, "name"), StringComparer.Ordinal))
            {
                var name = Text(roi, "name") ?? "";
                var digit = Number(roi, "digit");
                var ddd = name == "D1" ? Number(result, "ddd_thumb_c") : name.StartsWith('D') ? Number(result, "ddd_c." + name) : null;
                var cells = new List<string?> { studySessionId, analysis.Hand, name, CsvTable.Integer((long?)digit), analysis.VersionLabel };
                cells.AddRange(definitions.Select(d => CsvTable.Number(Number(roi, d.Field))));
                cells.AddRange([CsvTable.Number(ddd), CsvTable.Number(dddMean), CsvTable.Integer((long?)over1), CsvTable.Integer((long?)used), CsvTable.Integer((long?)rejected)]);
                table.Write(cells);
            }
        }

        WriteEightFingerRows(table, definitions, studySessionId, session, notes);
    }

    /// <summary>The statistics of the hand = both rows, in row order (region column), and how each is read from a spread.</summary>
    public static readonly IReadOnlyList<(string Region, Func<ThermoHand.Analysis.Results.MetricSpread, double?> Value)> EightFingerStatistics =
    [
        ("fingers_2_5_mean", s => s.Mean),
        ("fingers_2_5_sd", s => s.StandardDeviation),
        ("fingers_2_5_cv", s => s.CoefficientOfVariation),
        ("fingers_2_5_n", s => s.Count),
    ];

    /// <summary>
    /// The 8-finger summary of a two-hand session (docs/metrics.md §3): HandSummary.Combine over the selected left and
    /// right results, as four hand = both rows (mean, SD, CV, n over digits 2–5 of both hands). A two-hand session
    /// whose summary cannot be computed gets a manifest note saying why; a one-hand session has none, by definition.
    /// </summary>
    private static void WriteEightFingerRows(CsvTable table, IReadOnlyList<ResearchMetricDefinition> definitions, string studySessionId, ResearchSessionSource session, List<string> notes)
    {
        var perHand = session.Analyses.Where(a => a.Hand is "left" or "right").ToList();
        var twoHands = (session.Hands.Contains("left") && session.Hands.Contains("right")) || perHand.Select(a => a.Hand).Distinct().Count() == 2;
        if (!twoHands)
        {
            return;
        }

        var summary = EightFingerSummary.Combine(perHand.Select(a => new HandAnalysis(a.Hand, a.VersionLabel, a.Result)).ToList());
        if (summary.Result is not { } combined)
        {
            notes.Add($"{studySessionId} both: no hand = both rows. {summary.NotComputedReason}");
            return;
        }

        var version = summary.LeftVersion == summary.RightVersion ? summary.LeftVersion! : $"left:{summary.LeftVersion};right:{summary.RightVersion}";
        foreach (var (region, value) in EightFingerStatistics)
        {
            var isMean = region == "fingers_2_5_mean";
            var cells = new List<string?> { studySessionId, "both", region, null, version };
            cells.AddRange(definitions.Select(d => CsvTable.Number(summary.Spread(d.Field) is { } spread ? value(spread) : null)));
            cells.AddRange([null, CsvTable.Number(isMean ? combined.EightFingerDddMeanCelsius : null), CsvTable.Integer(isMean ? combined.FingersWithDddAboveThreshold : null), null, null]);
            table.Write(cells);
        }
    }

    private static void WriteEnvironmentAndEvents(CsvTable environment, CsvTable events, string studySessionId, ResearchSessionSource session, TimeBase zero)
    {
        var rows = new List<(double? Time, int Order, string? Hand, string Source, string What)>();
        foreach (var e in session.Events)
        {
            rows.Add((Relative(e.SessionSeconds, zero), 0, e.Hand, "protocol", e.Type));
        }

        var previous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reading in session.Environment.OrderBy(r => r.SessionSeconds))
        {
            var t = Relative(reading.SessionSeconds, zero);
            environment.Write([studySessionId, CsvTable.Number(t), CsvTable.Number(reading.RoomC), CsvTable.Number(reading.HumidityPercent),
                CsvTable.Number(reading.WaterC), string.Join(" | ", reading.Deviations)]);
            // A deviation is listed when it starts (it stays in environment.csv on every reading while it lasts).
            foreach (var deviation in reading.Deviations.Where(d => !previous.Contains(d)))
            {
                rows.Add((t, 1, null, "environment", deviation));
            }

            previous = new HashSet<string>(reading.Deviations, StringComparer.Ordinal);
        }

        foreach (var analysis in session.Analyses.OrderBy(a => a.Hand, StringComparer.Ordinal))
        {
            if (analysis.Result.ValueKind == JsonValueKind.Object && analysis.Result.TryGetProperty("quality", out var quality)
                && quality.ValueKind == JsonValueKind.Object && quality.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Array)
            {
                foreach (var flag in flags.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String))
                {
                    // A two-hand result's flags concern both hands: an empty hand cell, as the dictionary says.
                    rows.Add((null, 2, analysis.Hand is "left" or "right" ? analysis.Hand : null, "analysis", flag.GetString()!));
                }
            }
        }

        foreach (var row in rows.OrderBy(r => r.Time ?? double.MaxValue).ThenBy(r => r.Order))
        {
            events.Write([studySessionId, CsvTable.Number(row.Time), row.Hand, row.Source, row.What]);
        }
    }

    /// <summary>
    /// Every site-calibration version anywhere in the sensor settings (one per sensor), distinct and sorted: a
    /// "calibration_version" value, or the version of a worker's per-sensor "calibration" object (docs/device-stream.md).
    /// </summary>
    private static IEnumerable<string> CalibrationVersions(JsonElement? settings)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        void Visit(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.NameEquals("calibration_version") && property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                        {
                            found.Add(property.Value.ToString());
                        }
                        else if (property.NameEquals("calibration") && property.Value.ValueKind == JsonValueKind.Object
                            && property.Value.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.Number)
                        {
                            // The worker's per-sensor {"id": "SENSORID/vN", "version": N, …}: only the version number
                            // leaves the clinic — the id carries the sensor's serial (EEPROM id).
                            found.Add("v" + version.GetRawText());
                        }
                        else
                        {
                            Visit(property.Value);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Visit(item);
                    }

                    break;
            }
        }

        if (settings is { } s)
        {
            Visit(s);
        }

        return found;
    }

    private static double? Number(JsonElement element, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.Number ? element.GetDouble() : null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // ---------------------------------------------------------------- sessions, dictionary, manifest

    private sealed record SessionRow(string StudyId, string StudySessionId, DateTimeOffset? StartedUtc, IReadOnlyList<string?> Rest);

    private static string SessionsCsv(IReadOnlyList<SessionRow> rows, out long count)
    {
        // Visit numbers are the only trace of the dates: the order of one patient's tests, needed for before/after.
        var visits = rows.Where(r => r.StudyId.Length > 0).GroupBy(r => r.StudyId, StringComparer.Ordinal)
            .SelectMany(g => g.OrderBy(r => r.StartedUtc ?? DateTimeOffset.MaxValue).ThenBy(r => r.StudySessionId, StringComparer.Ordinal)
                .Select((r, i) => (r.StudySessionId, Visit: i + 1)))
            .ToDictionary(v => v.StudySessionId, v => v.Visit, StringComparer.Ordinal);
        var text = new StringWriter { NewLine = "\n" };
        var table = new CsvTable(text, ResearchColumns.Sessions);
        foreach (var row in rows)
        {
            table.Write([row.StudyId, row.StudySessionId, CsvTable.Integer(visits.TryGetValue(row.StudySessionId, out var v) ? v : null), .. row.Rest]);
        }

        count = table.Rows;
        return text.ToString();
    }

    private static string DictionaryCsv(IReadOnlyList<ResearchColumn> columns, out long count)
    {
        var text = new StringWriter { NewLine = "\n" };
        var table = new CsvTable(text, ResearchColumns.Dictionary);
        foreach (var c in columns)
        {
            table.Write([c.File, c.Name, c.Type, c.Unit, c.Definition]);
        }

        count = table.Rows;
        return text.ToString();
    }

    private static string DictionaryMarkdown(IReadOnlyList<ResearchColumn> columns)
    {
        var md = new StringBuilder();
        md.Append("# ThermoHand research export: data dictionary\n\n");
        md.Append("Pseudonymised export of cold-challenge rewarming tests. ").Append(ResearchColumns.TimeZeroText).Append(".\n");
        md.Append("Temperatures in °C, times in seconds. Metric definitions: docs/metrics.md of the ThermoHand source. ");
        md.Append("An empty cell is a missing value (never zero). manifest.json lists every file with its row count and SHA-256.\n");
        md.Append(ResearchColumns.CsvCellRule).Append('\n');
        foreach (var file in columns.GroupBy(c => c.File))
        {
            md.Append("\n## ").Append(file.Key).Append("\n\n| column | type | unit | definition |\n|---|---|---|---|\n");
            foreach (var c in file)
            {
                md.Append("| `").Append(c.Name).Append("` | ").Append(c.Type).Append(" | ").Append(c.Unit).Append(" | ")
                  .Append(c.Definition.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
            }
        }

        return md.ToString();
    }

    private static void WriteManifest(Stream stream, ResearchExportRequest request, IReadOnlyList<ManifestFile> files, IEnumerable<string> versions,
        IReadOnlyList<string> notes, int sessions, int hands, long curveRows)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("schema", Schema);
        json.WriteString("export_id", request.ExportId);
        json.WriteString("software_version", request.SoftwareVersion);
        json.WriteString("cohort", request.CohortDescription);
        json.WriteString("time_zero", ResearchColumns.TimeZeroText);
        json.WriteString("pseudonymisation",
            "Patients and tests are named by study ids (HMAC-SHA256 of the clinic's reference with a study key kept only on the clinic's server). "
            + "Not exported: dates and clock times, clinic session ids, patient references, clinic identifiers, device ids and names, sensor serial numbers and settings, free-text event details.");
        json.WriteStartArray("analysis_versions");
        foreach (var version in versions)
        {
            json.WriteStringValue(version);
        }

        json.WriteEndArray();
        json.WriteStartObject("counts");
        json.WriteNumber("sessions", sessions);
        json.WriteNumber("hands", hands);
        json.WriteNumber("curve_rows", curveRows);
        json.WriteEndObject();
        json.WriteStartArray("files");
        foreach (var file in files)
        {
            json.WriteStartObject();
            json.WriteString("name", file.Name);
            json.WriteNumber("rows", file.Rows);
            json.WriteNumber("bytes", file.Bytes);
            json.WriteString("sha256", file.Sha256);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("notes");
        foreach (var note in notes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static async Task<ManifestFile> WriteTextAsync(ZipArchive zip, string name, string text, long rows)
    {
        await using var entry = new EntryWriter(zip, name);
        await entry.Text.WriteAsync(text);
        return await entry.FinishAsync(rows);
    }

    private sealed record ManifestFile(string Name, long Rows, long Bytes, string Sha256);

    /// <summary>One zip entry being written, hashed on the way in.</summary>
    private sealed class EntryWriter : IAsyncDisposable
    {
        private readonly Stream entryStream;
        private readonly string name;
        private StreamWriter? text;

        public EntryWriter(ZipArchive zip, string name)
        {
            this.name = name;
            entryStream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            Bytes = new HashingStream(entryStream);
        }

        public HashingStream Bytes { get; }

        public StreamWriter Text => text ??= new StreamWriter(Bytes, CsvTable.Utf8, 1 << 16, leaveOpen: true) { NewLine = "\n" };

        public async Task<ManifestFile> FinishAsync(long rows)
        {
            if (text is not null)
            {
                await text.FlushAsync();
            }

            return new ManifestFile(name, rows, Bytes.BytesWritten, Bytes.FinishHash());
        }

        public async ValueTask DisposeAsync()
        {
            if (text is not null)
            {
                await text.DisposeAsync();
            }

            await Bytes.DisposeAsync();
            await entryStream.DisposeAsync();
        }
    }
}
