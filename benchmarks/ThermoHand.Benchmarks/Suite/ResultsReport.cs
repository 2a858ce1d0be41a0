using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using static System.FormattableString;

namespace ThermoHand.Benchmarks.Suite;

/// <summary>
/// Writes benchmarks/RESULTS.md from what scripts/bench.sh collected: BenchmarkDotNet's JSON exports, the fan-out rows
/// of LiveLoadTests, the worker soak's soak.json and the run's environment file (start time, load before, mode, exit
/// codes). Every figure in the table is read from those files; nothing is typed in. A missing part is said so in
/// the table ("not run"/"failed"), never left out silently.
/// <c>report --bdn DIR --fanout FILE --soak FILE --env FILE --out FILE</c>
/// </summary>
internal static class ResultsReport
{
    public static int Run(string[] args)
    {
        var values = CommandLine.Pairs(args);
        string Required(string name) => values.GetValueOrDefault(name) ?? throw new ArgumentException($"report: {name} is required");
        var environment = ReadEnvironment(Required("--env"));
        var benchmarks = BenchmarkExports.Read(Required("--bdn"));
        var fanOut = FanOutRow.Read(Required("--fanout"));
        var soak = ReadSoak(Required("--soak"));
        var output = Required("--out");

        var load = MachineLoad.Read(environment);
        var table = new List<string[]>();
        AddBenchmarkRows(table, benchmarks, load.Busy);
        AddFanOutRows(table, fanOut, environment.GetValueOrDefault("fanout_exit"));
        AddSoakRows(table, soak, environment.GetValueOrDefault("soak_exit"));

        var text = Render(environment, benchmarks, table, load);
        File.WriteAllText(output, text);
        Console.WriteLine($"report: {table.Count} rows written to {output}");
        return 0;
    }

    private static Dictionary<string, string> ReadEnvironment(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return values;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }

        return values;
    }

    private static SoakSummary? ReadSoak(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<SoakSummary>(File.ReadAllText(path), SoakSummary.JsonOptions) : null;

    private static void AddBenchmarkRows(List<string[]> table, BenchmarkExports exports, bool busy)
    {
        foreach (var row in BenchmarkCatalogue.Rows)
        {
            if (exports.Find(row.Benchmark) is not { } result)
            {
                table.Add([row.Group, Invariant($"`{row.Benchmark}`: {row.What}"), "**not run** (no BenchmarkDotNet result)", "–", C(row.VendorCNanoseconds), "–", row.Budget?.Text ?? "–", "no result"]);
                continue;
            }

            var figure = Invariant($"{Duration(result.MeanNanoseconds)} (best {Duration(result.MinNanoseconds)})");
            if (row.PerOperation > 1)
            {
                figure += Invariant($"; {Duration(result.MeanNanoseconds / row.PerOperation)} per {row.Unit}");
            }

            if (row.Benchmark.StartsWith("AnalysisPipelineBenchmarks.DevicePipeline", StringComparison.Ordinal))
            {
                figure += Invariant($" → **{1e9 / result.MeanNanoseconds:0} images/s**");
            }

            var ratio = row.VendorCNanoseconds is { } c ? Invariant($"{result.MeanNanoseconds / c:0.00} (best {result.MinNanoseconds / c:0.00})") : "–";
            var verdict = row.Budget is { } budget ? TimingVerdict(result.MeanNanoseconds <= budget.Limit, result.MinNanoseconds <= budget.Limit, busy) : "information";
            table.Add([row.Group, Invariant($"`{row.Benchmark}`: {row.What}"), figure, Bytes(result.AllocatedBytes), C(row.VendorCNanoseconds), ratio, row.Budget?.Text ?? "–", verdict]);
        }
    }

    private static void AddFanOutRows(List<string[]> table, IReadOnlyList<FanOutRow> rows, string? exitCode)
    {
        if (rows.Count == 0)
        {
            table.Add(["dashboard fan-out", "`LiveLoadTests`: viewers of one device at 4 frames/s", Invariant($"**not run** (test exit code {exitCode ?? "unknown"})"), "–", "–", "–", BenchmarkCatalogue.FanOutLag.Text, "no result"]);
            return;
        }

        foreach (var r in rows)
        {
            var ok = r.FramesMissed == 0 && r.P95LagMs < BenchmarkCatalogue.FanOutLag.Limit;
            table.Add([
                "dashboard fan-out",
                Invariant($"{r.Viewers} browsers (SSE) watching one device posting 4 frames/s for {r.Seconds:0} s"),
                Invariant($"lag median {r.MedianLagMs:0} ms, p95 **{r.P95LagMs:0} ms**, max {r.MaxLagMs:0} ms; {r.FramesMissed} of {(long)r.FramesSent * r.Viewers} frames missed; working set {r.WorkingSetBeforeMb:0} → {r.WorkingSetPeakMb:0} MB, managed heap {r.ManagedHeapMb:0} MB"),
                "–", "–", "–", BenchmarkCatalogue.FanOutLag.Text, Verdict(ok),
            ]);
        }

        if (exitCode is not null and not "0")
        {
            table.Add(["dashboard fan-out", "the LiveLoadTests run as a whole", Invariant($"**test failed** (exit code {exitCode}); see out/bench/fanout.log"), "–", "–", "–", "passes", "over budget"]);
        }
    }

    private static void AddSoakRows(List<string[]> table, SoakSummary? soak, string? exitCode)
    {
        if (soak is null)
        {
            table.Add(["worker soak", "worker on the simulated patient, accelerated", Invariant($"**not run** (exit code {exitCode ?? "unknown"})"), "–", "–", "–", "–", "no result"]);
            return;
        }

        var how = Invariant($"{soak.SessionsEnded} of {soak.Sessions} sessions ({soak.SessionsCompleted} completed), ×{soak.TimeScale:0}, {soak.RefreshRateHz:0} Hz subpages, {soak.SubSamplesPerPixel} sub-samples/px: {soak.SimulatedMinutes:0} simulated min in {soak.WallSeconds:0} s");
        if (soak.Failure is not null)
        {
            table.Add(["worker soak", how, "**incomplete**: " + soak.Failure, "–", "–", "–", "every session ends", "over budget"]);
        }

        table.Add(["worker soak", "peak working set (VmHWM); " + how, Mb(soak.PeakWorkingSetMb), "–", "–", "–", BenchmarkCatalogue.WorkerPeakWorkingSet.Text,
            soak.PeakWorkingSetMb is { } hwm ? Verdict(hwm <= BenchmarkCatalogue.WorkerPeakWorkingSet.Limit) : "no result"]);
        var growth = soak.ResidentAtHalfMb is { } half && soak.ResidentAtEndMb is { } end && half > 0 ? end / half : (double?)null;
        table.Add(["worker soak", "resident set (VmRSS) at ¼ / ½ / end of the soak",
            Invariant($"{Mb(soak.ResidentAtQuarterMb)} / {Mb(soak.ResidentAtHalfMb)} / {Mb(soak.ResidentAtEndMb)} (end / half = {growth:0.00})"), "–", "–", "–", BenchmarkCatalogue.WorkerGrowth.Text,
            growth is { } g ? Verdict(g <= BenchmarkCatalogue.WorkerGrowth.Limit) : "no result"]);
        table.Add(["worker soak", "CPU seconds per simulated minute (user + system, whole process)",
            Invariant($"**{soak.CpuSecondsPerSimulatedMinute:0.000} CPU-s/min** ({soak.CpuSeconds:0.0} CPU-s in total)"), "–", "–", "–", BenchmarkCatalogue.WorkerCpu.Text,
            soak.CpuSecondsPerSimulatedMinute is { } cpu ? Verdict(cpu <= BenchmarkCatalogue.WorkerCpu.Limit) : "no result"]);
        table.Add(["worker soak", "GC heap (the worker's health.json): highest / at the end", Invariant($"{Mb(soak.GcHeapMaxMb)} / {Mb(soak.GcHeapEndMb)}"), "–", "–", "–", "–", "information"]);
    }

    private static string Render(Dictionary<string, string> environment, BenchmarkExports exports, List<string[]> table, MachineLoad load)
    {
        var cores = Environment.ProcessorCount;
        var loadBefore = load.Before;
        var loadAfter = load.After;
        var busy = load.Busy
            ? Invariant($"**The machine was busy** (1-min load average up to {load.Highest:0.#} on {cores} cores, the suite itself using about one: other processes competed for the CPU). Every timing is an upper bound; a timing verdict \"over budget (busy machine)\" must be re-measured on a quiet machine before it means anything.")
            : Invariant($"The machine was quiet (1-min load average at most {load.Highest:0.#} on {cores} cores, about one of it the suite itself).");

        var text = new StringBuilder();
        text.AppendLine("# ThermoHand benchmark results");
        text.AppendLine();
        text.AppendLine("Written by `scripts/bench.sh` (the report mode of benchmarks/ThermoHand.Benchmarks) from the run's own result files in");
        text.AppendLine("`out/bench/`; not edited by hand. How to run it and what each row measures: [README.md](README.md).");
        text.AppendLine();
        text.AppendLine(Invariant($"- **Date**: {environment.GetValueOrDefault("started_utc") ?? "unknown"} to {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; mode `{environment.GetValueOrDefault("mode") ?? "unknown"}` (BenchmarkDotNet job: {environment.GetValueOrDefault("bdn_job") ?? "unknown"}, in-process toolchain)"));
        text.AppendLine(Invariant($"- **Machine**: {CpuModel()}, {cores} logical cores, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}"));
        text.AppendLine(Invariant($"- **Load average** (1/5/15 min) before: {loadBefore}; after: {loadAfter}. 1 min, per phase: {(load.PerPhase.Length > 0 ? load.PerPhase : "not recorded")}. {busy}"));
        text.AppendLine(Invariant($"- **.NET** {exports.RuntimeVersion ?? RuntimeInformation.FrameworkDescription}; **BenchmarkDotNet** {exports.BenchmarkDotNetVersion ?? "not run"}"));
        text.AppendLine("- Timings are BenchmarkDotNet means, \"best\" its fastest iteration (closest to the idle cost on a shared machine); allocated = managed bytes per operation.");
        text.AppendLine(Invariant($"- Budgets assume a Raspberry Pi 4 up to {BenchmarkCatalogue.PiSlowdown:0}× slower than this machine (an assumption: no ARM machine measured)."));
        text.AppendLine();
        text.AppendLine("| Group | What is measured | Figure | Allocated | Vendor C (gcc -O2) | ours / C | Budget | Verdict |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in table)
        {
            text.AppendLine("| " + string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        text.AppendLine();
        var over = table.Count(r => r[^1].StartsWith("over budget", StringComparison.Ordinal) || r[^1] == "no result");
        text.AppendLine(over == 0
            ? Invariant($"All {table.Count(r => r[^1] == "within budget")} budgeted figures are within budget.")
            : Invariant($"**{over} row(s) over budget or without a result** — see the Verdict column."));
        text.AppendLine();
        text.AppendLine("Vendor C figures: shared/reference/mlx90640.md, \"Reference speed on a machine like ours\" (gcc 12 -O2, AMD EPYC KVM guest,");
        text.AppendLine("one pinned CPU, medians of 20 000 calls). Raw files: out/bench/bdn/results (BenchmarkDotNet), out/bench/fanout.tsv,");
        text.AppendLine("out/bench/soak/soak.json and soak-samples.tsv (the worker's memory and CPU once a second).");
        return text.ToString();
    }

    private static string CpuModel()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
            {
                return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string Verdict(bool within) => within ? "within budget" : "over budget";

    /// <summary>On a busy machine a mean over budget may be the load's doing: say so, and whether the best iteration fits.</summary>
    private static string TimingVerdict(bool meanWithin, bool bestWithin, bool busy) =>
        meanWithin ? "within budget"
        : !busy ? "over budget"
        : bestWithin ? "over budget (busy machine; best iteration within)"
        : "over budget (busy machine)";

    private static string C(double? nanoseconds) => nanoseconds is { } ns ? Duration(ns) : "–";

    private static string Mb(double? mb) => mb is { } m ? Invariant($"{m:0} MB") : "–";

    private static string Bytes(double? bytes) => bytes switch
    {
        null => "–",
        0 => "0",
        < 1024 => Invariant($"{bytes:0} B"),
        < 1048576 => Invariant($"{bytes / 1024:0.#} KB"),
        _ => Invariant($"{bytes / 1048576:0.##} MB"),
    };

    /// <summary>A duration with a unit that keeps three significant figures.</summary>
    public static string Duration(double nanoseconds) => nanoseconds switch
    {
        < 1e3 => Invariant($"{nanoseconds:0.#} ns"),
        < 1e6 => Invariant($"{nanoseconds / 1e3:0.##} µs"),
        < 1e9 => Invariant($"{nanoseconds / 1e6:0.##} ms"),
        _ => Invariant($"{nanoseconds / 1e9:0.##} s"),
    };
}

/// <summary>
/// The load average the script recorded: 1/5/15-min before and after the run, and the 1-min figure at the start and
/// at the end of each phase (<c>load_at_start</c>, <c>load_after_…</c>). Busy = any of those 1-min figures above the
/// number of cores: the suite itself keeps about one core busy, so more than that means other processes competed.
/// The 5- and 15-min figures before the run describe the past, not the run, and do not count.
/// </summary>
internal sealed record MachineLoad(string Before, string After, string PerPhase, double Highest, bool Busy)
{
    public static MachineLoad Read(Dictionary<string, string> environment)
    {
        var before = environment.GetValueOrDefault("load_before") ?? "unknown";
        var after = environment.GetValueOrDefault("load_after")
            ?? (File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown");
        static double OneMinute(string value) =>
            double.TryParse(value.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : 0;
        var phases = environment.Where(e => e.Key.StartsWith("load_at_", StringComparison.Ordinal) || e.Key.StartsWith("load_after_", StringComparison.Ordinal)).ToList();
        var highest = phases.Select(p => OneMinute(p.Value)).Append(OneMinute(before)).Append(OneMinute(after)).Max();
        var perPhase = string.Join(", ", phases.Select(p => p.Key["load_".Length..].Replace('_', ' ') + " " + p.Value));
        return new MachineLoad(before, after, perPhase, highest, highest > Environment.ProcessorCount);
    }
}

/// <summary>Mean, fastest iteration and allocation per operation of each benchmark in BenchmarkDotNet's JSON exports.</summary>
internal sealed class BenchmarkExports
{
    private readonly Dictionary<string, (double Mean, double Min, double? Allocated)> results = new(StringComparer.Ordinal);

    public string? RuntimeVersion { get; private set; }

    public string? BenchmarkDotNetVersion { get; private set; }

    public static BenchmarkExports Read(string folder)
    {
        var exports = new BenchmarkExports();
        if (!Directory.Exists(folder))
        {
            return exports;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*-report-full-compressed.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var root = document.RootElement;
            if (root.TryGetProperty("HostEnvironmentInfo", out var host))
            {
                exports.RuntimeVersion ??= host.GetProperty("RuntimeVersion").GetString();
                exports.BenchmarkDotNetVersion ??= host.GetProperty("BenchmarkDotNetVersion").GetString();
            }

            foreach (var benchmark in root.GetProperty("Benchmarks").EnumerateArray())
            {
                // A benchmark that failed has no statistics: it stays absent and the report says "not run".
                if (!benchmark.TryGetProperty("Statistics", out var statistics) || statistics.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                double? allocated = benchmark.TryGetProperty("Memory", out var memory) && memory.ValueKind == JsonValueKind.Object
                    ? memory.GetProperty("BytesAllocatedPerOperation").GetDouble()
                    : null;
                var key = benchmark.GetProperty("Type").GetString() + "." + benchmark.GetProperty("Method").GetString();
                exports.results[key] = (statistics.GetProperty("Mean").GetDouble(), statistics.GetProperty("Min").GetDouble(), allocated);
            }
        }

        return exports;
    }

    public (double MeanNanoseconds, double MinNanoseconds, double? AllocatedBytes)? Find(string benchmark) =>
        results.TryGetValue(benchmark, out var r) ? r : null;
}

/// <summary>One viewer level of the dashboard fan-out, as LiveLoadTests writes it (THERMOHAND_LOAD_RESULTS).</summary>
internal sealed record FanOutRow(int Viewers, double Seconds, int FramesSent, double MedianLagMs, double P95LagMs, double MaxLagMs, long FramesMissed, double WorkingSetBeforeMb, double WorkingSetPeakMb, double ManagedHeapMb)
{
    public static IReadOnlyList<FanOutRow> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        static double D(string v) => double.Parse(v, CultureInfo.InvariantCulture);
        return File.ReadAllLines(path)
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => new FanOutRow(int.Parse(f[0], CultureInfo.InvariantCulture), D(f[1]), int.Parse(f[2], CultureInfo.InvariantCulture), D(f[3]), D(f[4]), D(f[5]), long.Parse(f[6], CultureInfo.InvariantCulture), D(f[7]), D(f[8]), D(f[9])))
            .ToList();
    }
}
