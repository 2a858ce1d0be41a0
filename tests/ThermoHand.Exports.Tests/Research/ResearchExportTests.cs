using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parquet;
using Parquet.Schema;
using ThermoHand.Exports.Research;

namespace ThermoHand.Exports.Tests.Research;

/// <summary>The research export's contents and its pseudonymisation: nothing that identifies a patient, a test, a
/// device or a date leaves, and every file and column is described and checksummed.</summary>
public sealed class ResearchExportTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    // Identifiers planted in the input, each of which must not appear anywhere in the zip.
    private const string PatientA = "PT-ALPHA-0042", PatientB = "PT-BRAVO-0077", ClinicIdentifier = "HOSP-NR-99887766";
    private const string DeviceId = "bench-room-7", SensorId = "0x5A3F91C2", EepromId = "EEPROM-7F3A-1122", SessionA = "sess-2026-03-02-a", SessionB = "sess-xyz-b", SessionC = "sess-xyz-c";
    private static readonly DateTimeOffset Started = new(2026, 3, 2, 9, 15, 30, TimeSpan.Zero);

    private static readonly IReadOnlyList<ResearchMetricDefinition> Metrics =
    [
        new("baseline_c", "°C", "Mean of trusted frames in the 60 s before challenge start"),
        new("t50_s", "s", "First time after the minimum with recovery ≥ 50 %"),
        new("recovery_pct.300", "%", "100 · (T(300 s) − min) / (baseline − min)"),
        new("fit.tau_s", "s", "Time constant of the exponential fit"),
    ];

    private static string[] Identifiers() =>
        [PatientA, PatientB, ClinicIdentifier, DeviceId, SensorId, EepromId, SessionA, SessionB, SessionC, "sess-", "PT-", "HOSP", "bench", "0x5A3F", "EEPROM"];

    private static ResearchSessionSource Session(string sessionId, string? patient, DateTimeOffset started, double challengeEnd = 210.0, bool twoHands = false)
    {
        var hands = twoHands ? new[] { "left", "right" } : ["left"];
        var readings = new List<ResearchRegionReading>();
        foreach (var hand in hands)
        {
            for (var t = 100.0; t <= 400.0; t += 0.25)
            {
                readings.Add(new(hand, t, "D2", 2, 25 + t / 100, true, null));
                var lost = t is >= 150 and <= 151; // the dorsum lost for a second: no temperature, not trusted, flagged
                readings.Add(new(hand, t, "dorsum", null, lost ? null : 30.1, !lost, lost ? "motion" : null));
            }
        }

        // The analysis JSON carries the session id and a date in places the export must not copy.
        JsonElement Result(string hand) => JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["schema"] = "thermohand/analysis/v1",
            ["hand"] = hand,
            ["session_id"] = sessionId,
            ["recorded_utc"] = started.ToString("O"),
            ["challenge"] = new { start_s = challengeEnd - 60, end_s = challengeEnd, immersion_s = 60 },
            ["rois"] = new object[]
            {
                new Dictionary<string, object?> { ["name"] = "D2", ["digit"] = 2, ["baseline_c"] = 31.25, ["t50_s"] = 240.5, ["recovery_pct"] = new Dictionary<string, object?> { ["300"] = 45.1, ["600"] = null }, ["fit"] = new { tau_s = 150.0 } },
                new Dictionary<string, object?> { ["name"] = "dorsum", ["digit"] = null, ["baseline_c"] = 32.5, ["t50_s"] = null, ["fit"] = null },
            },
            ["ddd_c"] = new Dictionary<string, object?> { ["D2"] = 1.25, ["mean"] = 1.25 },
            ["fingers_ddd_over_1c"] = 1,
            ["quality"] = new { flags = new[] { "D3: no trusted frames for 50 s (280–330 s after challenge_end)" }, frames_used = 1200, frames_rejected = 3 },
        });
        var settings = JsonSerializer.SerializeToElement(new
        {
            emissivity = 0.98,
            sensors = new object[]
            {
                new { left = new { sensor_id = SensorId, eeprom_id = EepromId, device = DeviceId, calibration_version = "cal-3" } },
                // The worker's shape (docs/device-stream.md): the id carries the sensor serial, only "v2" may leave.
                new { hand = "right", sensor_id = SensorId, calibration = new { id = SensorId + "/v2", sensor_id = SensorId, version = 2, sha256 = "ab12" } },
            },
            clinic = ClinicIdentifier,
        });
        return new ResearchSessionSource(
            sessionId, patient, DeviceId, started, hands, "standard-15C-60s", "completed", ["SSc", "study:ILO-2026"], settings,
            [new(challengeEnd - 60, "challenge_start", null), new(challengeEnd, "challenge_end", null), new(300, "paused", "left")],
            [new(120, 23.5, 40, 15.1, []), new(180, 26.2, 41, 15.0, ["room above 25 °C"]), new(240, 26.3, 41, 15.0, ["room above 25 °C"])],
            [.. hands.Select(h => new ResearchAnalysis(h, "device", Result(h)))],
            readings);
    }

    private static readonly Dictionary<string, ResearchSessionSource> Cohort = new()
    {
        [SessionA] = Session(SessionA, PatientA, Started, twoHands: true),
        [SessionB] = Session(SessionB, PatientA, Started.AddDays(7)),
        [SessionC] = Session(SessionC, PatientB, Started.AddDays(1), challengeEnd: 250.0),
    };

    private static async Task<(Dictionary<string, byte[]> Files, ResearchExportSummary Summary)> ExportAsync(
        byte[]? key = null, IReadOnlyList<string>? sessions = null, IReadOnlyDictionary<string, ResearchSessionSource>? cohort = null)
    {
        cohort ??= Cohort;
        var builder = new ResearchExportBuilder(new StudyPseudonymiser(key ?? Key));
        var request = new ResearchExportRequest("E-TESTEXPORT01", "protocol preset 'standard-15C-60s'; group tag 'SSc'", sessions ?? [.. cohort.Keys], Metrics, "1.0.0-test");
        using var zipBytes = new MemoryStream();
        var summary = await builder.WriteAsync(request, (id, _) => Task.FromResult(cohort[id]), zipBytes);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[entry.FullName] = copy.ToArray();
        }

        return (files, summary);
    }

    private static List<string[]> Csv(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(SplitCsvLine).ToList();

    // Enough of RFC 4180 for these files (quoted cells with commas and doubled quotes).
    private static string[] SplitCsvLine(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { cell.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else { cell.Append(c); }
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }

    private static async Task<List<Dictionary<string, object?>>> ReadParquetAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var rows = new List<Dictionary<string, object?>>();
        var fields = reader.Schema.GetDataFields();
        // The reader reports strings as ReadOnlyMemory<char>; the writer's schema says what each column is.
        var types = ResearchExportBuilder.CurvesParquetSchema.GetDataFields().ToDictionary(f => f.Name, f => f.ClrType);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = (int)group.RowCount;
            var columns = new Dictionary<string, object?[]>();
            foreach (var field in fields)
            {
                var type = types[field.Name];
                columns[field.Name] = type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? await ReadStrings(group, field, count)
                    : type == typeof(int) ? (await ReadNullable<int>(group, field, count)).Select(v => (object?)v).ToArray()
                    : type == typeof(double) ? (await ReadNullable<double>(group, field, count)).Select(v => (object?)v).ToArray()
                    : (await ReadNullable<bool>(group, field, count)).Select(v => (object?)v).ToArray();
            }

            for (var i = 0; i < count; i++)
            {
                rows.Add(columns.ToDictionary(c => c.Key, c => c.Value[i]));
            }
        }

        return rows;
    }

    private static async Task<object?[]> ReadStrings(ParquetRowGroupReader group, DataField field, int count)
    {
        var values = new string?[count];
        await group.ReadAsync(field, values.AsMemory());
        return [.. values];
    }

    private static async Task<T?[]> ReadNullable<T>(ParquetRowGroupReader group, DataField field, int count) where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[count];
            await group.ReadAsync(field, values.AsMemory());
            return values;
        }

        var plain = new T[count];
        await group.ReadAsync(field, plain.AsMemory());
        return [.. plain.Select(v => (T?)v)];
    }

    [Fact]
    public void Study_ids_are_deterministic_for_one_key_and_unlinkable_across_keys()
    {
        var first = new StudyPseudonymiser(Key);
        var again = new StudyPseudonymiser(Key.ToArray());
        var other = new StudyPseudonymiser(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());

        Assert.Equal(first.StudyId(PatientA), again.StudyId(PatientA));
        Assert.Equal(first.StudySessionId(SessionA), again.StudySessionId(SessionA));
        Assert.Matches("^S-[A-Z2-7]{10}$", first.StudyId(PatientA));
        Assert.Matches("^T-[A-Z2-7]{10}$", first.StudySessionId(SessionA));
        Assert.NotEqual(first.StudyId(PatientA), first.StudyId(PatientB));
        Assert.NotEqual(first.StudyId(PatientA), other.StudyId(PatientA));
        // Unlinkable: across 200 references, no id under one key reappears under the other.
        var underFirst = Enumerable.Range(0, 200).Select(i => first.StudyId("PT-" + i)).ToHashSet();
        var underOther = Enumerable.Range(0, 200).Select(i => other.StudyId("PT-" + i)).ToHashSet();
        Assert.Equal(200, underFirst.Count);
        Assert.Empty(underFirst.Intersect(underOther));
        Assert.Equal("", first.StudyId(null));
        Assert.Throws<ArgumentException>(() => new StudyPseudonymiser(new byte[16]));
    }

    [Fact]
    public void Study_key_file_is_created_once_owner_only_and_reused()
    {
        var folder = Directory.CreateTempSubdirectory("thermohand-key-").FullName;
        try
        {
            var path = Path.Combine(folder, "state", "study.key");
            var created = StudyKeyFile.LoadOrCreate(path);
            Assert.Equal(32, created.Length);
            Assert.Equal(created, StudyKeyFile.LoadOrCreate(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            File.WriteAllText(path, "c2hvcnQ=");
            var problem = Assert.Throws<InvalidDataException>(() => StudyKeyFile.LoadOrCreate(path));
            Assert.Contains("at least 32", problem.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task No_identifier_or_date_leaks_into_any_file_of_the_export()
    {
        var (files, _) = await ExportAsync();
        Assert.Equal(
            [ResearchColumns.CurvesCsv, ResearchColumns.CurvesParquet, ResearchColumns.DictionaryCsv, ResearchColumns.DictionaryMarkdown, ResearchColumns.EnvironmentCsv,
             ResearchColumns.EventsCsv, ResearchColumns.Manifest, ResearchColumns.MetricsCsv, ResearchColumns.SessionsCsv],
            files.Keys.Order(StringComparer.Ordinal));

        var texts = files.Where(f => !f.Key.EndsWith(".parquet", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => Encoding.UTF8.GetString(f.Value));
        // Parquet is scanned as read back (every value) and as raw bytes (metadata, uncompressed pages).
        var parquetRows = await ReadParquetAsync(files[ResearchColumns.CurvesParquet]);
        texts["curves_long.parquet (values)"] = string.Join("\n", parquetRows.SelectMany(r => r.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
        texts["curves_long.parquet (bytes)"] = Encoding.Latin1.GetString(files[ResearchColumns.CurvesParquet]);

        var dates = new Regex(@"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}(:\d{2})?|20\d{2}(0[1-9]|1[0-2])\d{2}", RegexOptions.CultureInvariant);
        var leaks = new List<string>();
        foreach (var (file, text) in texts)
        {
            leaks.AddRange(Identifiers().Where(id => text.Contains(id, StringComparison.OrdinalIgnoreCase)).Select(id => $"{file}: '{id}'"));
            leaks.AddRange(dates.Matches(text).Select(m => $"{file}: date/time '{m.Value}'"));
        }

        Assert.Empty(leaks);
        Assert.True(parquetRows.Count > 1000);
    }

    [Fact]
    public async Task Parquet_holds_exactly_the_rows_of_the_curve_csv()
    {
        var (files, summary) = await ExportAsync();
        var csv = Csv(files[ResearchColumns.CurvesCsv]);
        var header = csv[0];
        var parquet = await ReadParquetAsync(files[ResearchColumns.CurvesParquet]);

        Assert.Equal(header, ResearchExportBuilder.CurvesParquetSchema.GetDataFields().Select(f => f.Name).ToArray());
        Assert.Equal(csv.Count - 1, parquet.Count);
        Assert.Equal(summary.CurveRows, parquet.Count);
        for (var i = 0; i < parquet.Count; i++)
        {
            var row = csv[i + 1];
            for (var c = 0; c < header.Length; c++)
            {
                var value = parquet[i][header[c]];
                var asText = value switch
                {
                    null => "",
                    double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    bool b => b ? "true" : "false",
                    _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                };
                // Parquet holds text without the CSV's formula guard (one leading apostrophe, docs/research-export.md).
                var csvValue = row[c].StartsWith('\'') && ThermoHand.Exports.Csv.CsvCell.StartsLikeFormula(row[c][1..]) ? row[c][1..] : row[c];
                Assert.True(csvValue == asText, $"row {i + 1} column {header[c]}: CSV '{row[c]}', Parquet '{asText}'");
            }
        }
    }

    [Fact]
    public async Task Times_are_relative_to_challenge_end_and_contents_follow_the_input()
    {
        var (files, summary) = await ExportAsync();
        var pseudonymiser = new StudyPseudonymiser(Key);
        var a = pseudonymiser.StudySessionId(SessionA);
        var c = pseudonymiser.StudySessionId(SessionC);

        var curves = Csv(files[ResearchColumns.CurvesCsv]);
        var cFirst = curves.Skip(1).First(r => r[0] == c);
        Assert.Equal("-150", cFirst[4]); // first reading at 100 s, challenge end at 250 s
        var untrusted = curves.Skip(1).First(r => r[0] == a && r[2] == "dorsum" && r[6] == "false");
        Assert.Equal(("", "motion"), (untrusted[5], untrusted[7]));

        var sessions = Csv(files[ResearchColumns.SessionsCsv]);
        Assert.Equal(3, sessions.Count - 1);
        var rowA = sessions.Single(r => r[1] == a);
        var rowB = sessions.Single(r => r[1] == pseudonymiser.StudySessionId(SessionB));
        Assert.Equal(pseudonymiser.StudyId(PatientA), rowA[0]);
        Assert.Equal(rowA[0], rowB[0]);
        Assert.Equal(("1", "2"), (rowA[2], rowB[2])); // visit order from the start dates, without the dates
        Assert.Equal("SSc;study:ILO-2026", rowA[5]);
        Assert.Equal("device", rowA[7]);
        Assert.Equal("cal-3;v2", rowA[8]);
        Assert.Equal("challenge_end", rowA[9]);
        Assert.Equal("-60", rowA[10]);

        var metrics = Csv(files[ResearchColumns.MetricsCsv]);
        Assert.Contains("recovery_pct_300", metrics[0]);
        var d2 = metrics.First(r => r[0] == a && r[1] == "left" && r[2] == "D2");
        var column = (string name) => Array.IndexOf(metrics[0], name);
        Assert.Equal(("31.25", "240.5", "45.1", "150", "1.25"), (d2[column("baseline_c")], d2[column("t50_s")], d2[column("recovery_pct_300")], d2[column("fit_tau_s")], d2[column("ddd_c")]));
        Assert.Equal("", metrics.First(r => r[0] == a && r[2] == "dorsum")[column("t50_s")]);

        var events = Csv(files[ResearchColumns.EventsCsv]);
        Assert.Contains(events, r => r[0] == a && r[1] == "0" && r[3] == "protocol" && r[4] == "challenge_end");
        Assert.Single(events, r => r[0] == a && r[3] == "environment"); // listed once, when the deviation starts
        Assert.Contains(events, r => r[0] == a && r[3] == "analysis" && r[4].StartsWith("D3: no trusted frames", StringComparison.Ordinal));

        using var manifest = JsonDocument.Parse(files[ResearchColumns.Manifest]);
        var listed = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(files.Count - 1, listed.Count);
        foreach (var file in listed)
        {
            var name = file.GetProperty("name").GetString()!;
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(files[name])), file.GetProperty("sha256").GetString());
            if (name.EndsWith(".csv", StringComparison.Ordinal))
            {
                Assert.Equal(Csv(files[name]).Count - 1, file.GetProperty("rows").GetInt64());
            }
        }

        Assert.Equal(summary.CurveRows, manifest.RootElement.GetProperty("counts").GetProperty("curve_rows").GetInt64());
        Assert.Equal(["device"], manifest.RootElement.GetProperty("analysis_versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(4, summary.Hands);
    }

    [Fact]
    public async Task Data_dictionary_describes_every_column_of_every_file()
    {
        var (files, _) = await ExportAsync();
        var dictionary = Csv(files[ResearchColumns.DictionaryCsv]).Skip(1).Select(r => (File: r[0], Column: r[1], Definition: r[4])).ToList();
        Assert.All(dictionary, d => Assert.False(string.IsNullOrWhiteSpace(d.Definition), $"{d.File}.{d.Column} has no definition"));
        var described = dictionary.Select(d => (d.File, d.Column)).ToHashSet();

        var missing = new List<string>();
        foreach (var (name, bytes) in files.Where(f => f.Key.EndsWith(".csv", StringComparison.Ordinal)))
        {
            missing.AddRange(Csv(bytes)[0].Where(column => !described.Contains((name, column))).Select(column => $"{name}.{column}"));
        }

        var parquet = await ReadParquetAsync(files[ResearchColumns.CurvesParquet]);
        missing.AddRange(parquet[0].Keys.Where(column => !described.Contains((ResearchColumns.CurvesParquet, column))).Select(c => "parquet." + c));
        using var manifest = JsonDocument.Parse(files[ResearchColumns.Manifest]);
        missing.AddRange(manifest.RootElement.EnumerateObject().Where(p => !described.Contains((ResearchColumns.Manifest, p.Name))).Select(p => "manifest." + p.Name));
        Assert.Empty(missing);

        var markdown = Encoding.UTF8.GetString(files[ResearchColumns.DictionaryMarkdown]);
        Assert.All(dictionary, d => Assert.Contains($"`{d.Column}`", markdown, StringComparison.Ordinal));
        Assert.Contains("docs/metrics.md", dictionary.Single(d => d.File == ResearchColumns.MetricsCsv && d.Column == "t50_s").Definition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_study_key_gives_other_ids_and_a_cohort_of_one_has_only_its_session()
    {
        var (first, _) = await ExportAsync(sessions: [SessionC]);
        var (other, summary) = await ExportAsync(key: Enumerable.Repeat((byte)7, 32).ToArray(), sessions: [SessionC]);
        var firstIds = Csv(first[ResearchColumns.SessionsCsv]).Skip(1).Select(r => (r[0], r[1])).Single();
        var otherIds = Csv(other[ResearchColumns.SessionsCsv]).Skip(1).Select(r => (r[0], r[1])).Single();
        Assert.NotEqual(firstIds.Item1, otherIds.Item1);
        Assert.NotEqual(firstIds.Item2, otherIds.Item2);
        Assert.Equal([otherIds.Item2], summary.StudySessionIds);
        Assert.All(Csv(other[ResearchColumns.CurvesCsv]).Skip(1), r => Assert.Equal(otherIds.Item2, r[0]));
    }
    [Fact]
    public async Task Text_cells_that_would_run_as_formulas_are_guarded_and_numbers_stay_numbers()
    {
        const string Hostile = "hostile-session";
        var plain = Session(Hostile, PatientB, Started.AddDays(3));
        var result = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["schema"] = "thermohand/analysis/v1",
            ["challenge"] = new { start_s = 150.0, end_s = 210.0, immersion_s = 60 },
            ["rois"] = new object[] { new Dictionary<string, object?> { ["name"] = "D2", ["digit"] = 2, ["baseline_c"] = -1.25, ["t50_s"] = 240.5 } },
            ["ddd_c"] = new Dictionary<string, object?> { ["D2"] = -1.25, ["mean"] = -1.25 },
            ["quality"] = new { flags = new[] { "@SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0" }, frames_used = 10, frames_rejected = 0 },
        });
        var hostile = plain with
        {
            Environment = [new(120, -0.5, 40, 15.1, ["=HYPERLINK(\"http://x.example\",\"open\")"])],
            Analyses = [new ResearchAnalysis("left", "device", result)],
            RegionReadings = [.. plain.RegionReadings, new("left", 401, "D2", 2, 29.0, false, "=motion")],
        };
        var (files, _) = await ExportAsync(sessions: [Hostile], cohort: new Dictionary<string, ResearchSessionSource> { [Hostile] = hostile });

        Assert.Contains(Csv(files[ResearchColumns.CurvesCsv]), r => r[4] == "191" && r[6] == "false" && r[7] == "'=motion");
        Assert.Contains(await ReadParquetAsync(files[ResearchColumns.CurvesParquet]), r => (string?)r["flag"] == "=motion"); // Parquet: the value itself

        var environment = Csv(files[ResearchColumns.EnvironmentCsv]);
        var reading = Assert.Single(environment.Skip(1));
        Assert.Equal(("-90", "-0.5", "'=HYPERLINK(\"http://x.example\",\"open\")"), (reading[1], reading[2], reading[5]));

        var events = Csv(files[ResearchColumns.EventsCsv]);
        Assert.Contains(events, r => r[3] == "analysis" && r[4] == "'@SUM(A1:A9)");
        Assert.Contains(events, r => r[3] == "analysis" && r[4] == "'-2+3+cmd|' /C calc'!A0");
        Assert.Contains(events, r => r[3] == "protocol" && r[1] == "-60" && r[4] == "challenge_start");
        Assert.Contains(events, r => r[3] == "environment" && r[1] == "-90" && r[4].StartsWith("'=HYPERLINK", StringComparison.Ordinal));

        var metrics = Csv(files[ResearchColumns.MetricsCsv]);
        var column = (string name) => Array.IndexOf(metrics[0], name);
        var d2 = Assert.Single(metrics.Skip(1));
        Assert.Equal(("-1.25", "-1.25", "-1.25"), (d2[column("baseline_c")], d2[column("ddd_c")], d2[column("hand_ddd_mean_c")]));

        Assert.Contains(ResearchColumns.CsvCellRule, Encoding.UTF8.GetString(files[ResearchColumns.DictionaryMarkdown]), StringComparison.Ordinal);

        // No cell of any CSV file starts with a formula character unless it is a plain number.
        foreach (var (name, bytes) in files.Where(f => f.Key.EndsWith(".csv", StringComparison.Ordinal)))
        {
            Assert.All(Csv(bytes).SelectMany(r => r), cell => Assert.True(
                !ThermoHand.Exports.Csv.CsvCell.StartsLikeFormula(cell) || double.TryParse(cell, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _),
                $"{name}: unguarded cell '{cell}'"));
        }
    }

    [Fact]
    public async Task A_two_hand_session_gets_both_rows_with_the_numbers_of_HandSummary_Combine()
    {
        const string Both = "combined-session";
        var left = Bilateral.EightFingerSummaryTests.HandResult(ThermoHand.Analysis.Hand.Left, 0);
        var right = Bilateral.EightFingerSummaryTests.HandResult(ThermoHand.Analysis.Hand.Right, 1.5, "tracker: motion in 3 frames (rewarming 3)");
        var expected = ThermoHand.Analysis.Rewarming.HandSummary.Combine(left, right);
        var twoHands = Session(Both, PatientA, Started.AddDays(21), twoHands: true);
        var session = twoHands with
        {
            Analyses = [new ResearchAnalysis("left", "device", Bilateral.EightFingerSummaryTests.Stored(left)), new ResearchAnalysis("right", "v2", Bilateral.EightFingerSummaryTests.Stored(right))],
        };
        var oneHand = Session(SessionB, PatientA, Started);
        var cohort = new Dictionary<string, ResearchSessionSource> { [Both] = session, [SessionB] = oneHand };
        var (files, _) = await ExportAsync(sessions: [Both, SessionB], cohort: cohort);

        var metrics = Csv(files[ResearchColumns.MetricsCsv]);
        var column = (string name) => Array.IndexOf(metrics[0], name);
        var both = metrics.Skip(1).Where(r => r[1] == "both").ToList();
        Assert.Equal(["fingers_2_5_mean", "fingers_2_5_sd", "fingers_2_5_cv", "fingers_2_5_n"], both.Select(r => r[2]));
        Assert.All(both, r => Assert.Equal((new StudyPseudonymiser(Key).StudySessionId(Both), "", "left:device;right:v2"), (r[0], r[3], r[4])));
        string Cell(double? value) => CsvTable.Number(value) ?? "";
        foreach (var (field, name) in new[] { ("baseline_c", "baseline_c"), ("t50_s", "t50_s"), ("recovery_pct.300", "recovery_300_pct"), ("fit.tau_s", "tau_s") })
        {
            var spread = expected.EightFingerAverages.Single(s => s.Name == name);
            var col = column(field.Replace('.', '_'));
            Assert.Equal((Cell(spread.Mean), Cell(spread.StandardDeviation), Cell(spread.CoefficientOfVariation), Cell(spread.Count)), (both[0][col], both[1][col], both[2][col], both[3][col]));
        }

        Assert.Equal((Cell(expected.EightFingerDddMeanCelsius), Cell(expected.FingersWithDddAboveThreshold)), (both[0][column("hand_ddd_mean_c")], both[0][column("hand_fingers_ddd_over_1c")]));
        Assert.Equal("", both[1][column("hand_ddd_mean_c")]);
        // The one-hand session has no 'both' rows and no note: there is nothing to combine, by definition.
        Assert.DoesNotContain(metrics, r => r[0] == new StudyPseudonymiser(Key).StudySessionId(SessionB) && r[1] == "both");
        using var manifest = JsonDocument.Parse(files[ResearchColumns.Manifest]);
        Assert.Empty(manifest.RootElement.GetProperty("notes").EnumerateArray());
        var dictionary = Csv(files[ResearchColumns.DictionaryCsv]).Single(r => r[0] == ResearchColumns.MetricsCsv && r[1] == "hand");
        Assert.Contains("'both' for the 8-finger summary", dictionary[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_two_hand_session_whose_summary_cannot_be_computed_has_no_both_rows_and_a_note_saying_why()
    {
        const string Flagged = "flagged-session";
        var left = Bilateral.EightFingerSummaryTests.HandResult(ThermoHand.Analysis.Hand.Left, 0, "missing event: no challenge_end: rewarming metrics not computed");
        var right = Bilateral.EightFingerSummaryTests.HandResult(ThermoHand.Analysis.Hand.Right, 0);
        var session = Session(Flagged, PatientA, Started.AddDays(28), twoHands: true) with
        {
            Analyses = [new ResearchAnalysis("left", "device", Bilateral.EightFingerSummaryTests.Stored(left)), new ResearchAnalysis("right", "device", Bilateral.EightFingerSummaryTests.Stored(right))],
        };
        var (files, _) = await ExportAsync(sessions: [Flagged], cohort: new Dictionary<string, ResearchSessionSource> { [Flagged] = session });
        Assert.DoesNotContain(Csv(files[ResearchColumns.MetricsCsv]), r => r[1] == "both");
        using var manifest = JsonDocument.Parse(files[ResearchColumns.Manifest]);
        var note = Assert.Single(manifest.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!));
        Assert.Contains("both: no hand = both rows. Not computed: the left hand's result (device) is flagged \"missing event", note, StringComparison.Ordinal);
        Assert.DoesNotContain(Flagged, note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_two_hand_result_a_device_sent_gives_no_metrics_rows_of_its_own_and_is_named_in_the_manifest()
    {
        const string Both = "both-session";
        var twoHands = Session(Both, PatientA, Started.AddDays(14), twoHands: true);
        var bilateral = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["schema"] = "thermohand/analysis-bilateral/v1",
            ["eight_finger"] = new { ddd_mean_c = 1.5, fingers_ddd_over_1c = 2 },
            ["quality"] = new { flags = new[] { "eight-finger flag" } },
        });
        var session = twoHands with { Analyses = [.. twoHands.Analyses, new ResearchAnalysis("both", "device", bilateral)] };
        var (files, _) = await ExportAsync(sessions: [Both], cohort: new Dictionary<string, ResearchSessionSource> { [Both] = session });

        var metrics = Csv(files[ResearchColumns.MetricsCsv]);
        Assert.Equal(["both", "left", "right"], metrics.Skip(1).Select(r => r[1]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(4 + 4, metrics.Count - 1); // D2 and dorsum of each hand, and the four 'both' rows combined from them
        using var manifest = JsonDocument.Parse(files[ResearchColumns.Manifest]);
        var note = Assert.Single(manifest.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!));
        Assert.Contains("both: a two-hand result the device sent (device) is not exported as metrics rows", note, StringComparison.Ordinal);
        Assert.DoesNotContain(Both, note, StringComparison.Ordinal);
        // Its quality flag concerns both hands: an empty hand cell, as the data dictionary says.
        Assert.Contains(Csv(files[ResearchColumns.EventsCsv]), r => r[2] == "" && r[3] == "analysis" && r[4] == "eight-finger flag");
        var dictionary = Csv(files[ResearchColumns.DictionaryCsv]).Single(r => r[0] == ResearchColumns.MetricsCsv && r[1] == "hand");
        Assert.Contains("'both' for the 8-finger summary", dictionary[4], StringComparison.Ordinal);
    }
}
