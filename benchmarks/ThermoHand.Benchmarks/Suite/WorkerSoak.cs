using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ThermoHand.Benchmarks.Suite;

/// <summary>
/// The worker soak (<c>ThermoHand.Benchmarks soak …</c>, run by scripts/bench.sh): starts the built worker on the
/// simulated patient with the auto-clinician at an accelerated clock, lets it play a number of complete sessions
/// with no dashboard (every message stays in the on-disk outbox), and samples the process from /proc once a second:
/// peak working set (VmHWM), resident set (VmRSS), CPU seconds, and the GC heap from the worker's own health.json.
/// Writes <c>soak.json</c> (summary) and <c>soak-samples.tsv</c> (the curve) into the output folder.
/// </summary>
internal sealed partial class WorkerSoak
{
    private static readonly double ClockTicksPerSecond = 100; // USER_HZ on Linux x64/arm64

    private readonly SoakOptions options;

    private WorkerSoak(SoakOptions options) => this.options = options;

    public static int Run(string[] args)
    {
        var options = SoakOptions.Parse(args);
        return new WorkerSoak(options).Run();
    }

    private int Run()
    {
        Directory.CreateDirectory(options.OutputFolder);
        var storage = Path.Combine(options.OutputFolder, "device");
        if (Directory.Exists(storage))
        {
            Directory.Delete(storage, recursive: true); // each soak starts from an empty device, like a fresh install
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(options.WorkerDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(options.WorkerDll);
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Storage__Path"] = storage,
            ["Dashboard__Url"] = string.Empty,
            ["Simulation__AutoClinician"] = "true",
            ["Simulation__Sessions"] = options.Sessions.ToString(CultureInfo.InvariantCulture),
            ["Simulation__TimeScale"] = options.TimeScale.ToString(CultureInfo.InvariantCulture),
            ["Simulation__SubSamplesPerPixel"] = options.SubSamplesPerPixel.ToString(CultureInfo.InvariantCulture),
            ["Simulation__Group"] = "ssc",
            ["Simulation__Seed"] = "7",
            ["Sensors__0__RefreshRateHz"] = options.RefreshRateHz.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var ended = new List<string>();
        var logTail = new Queue<string>();
        using var worker = Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker: dotnet " + options.WorkerDll);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (ended)
            {
                logTail.Enqueue(line);
                if (logTail.Count > 40)
                {
                    logTail.Dequeue();
                }

                if (SessionEndedLine().Match(line) is { Success: true } match)
                {
                    ended.Add(match.Groups["outcome"].Value);
                }
            }
        }

        worker.OutputDataReceived += (_, e) => OnLine(e.Data);
        worker.ErrorDataReceived += (_, e) => OnLine(e.Data);
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();

        var samples = new List<SoakSample>();
        var clock = Stopwatch.StartNew();
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        string? failure = null;
        while (true)
        {
            Thread.Sleep(1000);
            if (worker.HasExited)
            {
                failure = $"the worker exited early with code {worker.ExitCode}";
                break;
            }

            if (Sample(worker.Id, clock.Elapsed.TotalSeconds, storage) is { } sample)
            {
                samples.Add(sample);
            }

            int count;
            lock (ended)
            {
                count = ended.Count;
            }

            if (count >= options.Sessions)
            {
                break;
            }

            if (clock.Elapsed > timeout)
            {
                failure = $"only {count} of {options.Sessions} sessions ended within {options.TimeoutSeconds} s";
                break;
            }
        }

        var wall = clock.Elapsed.TotalSeconds;
        if (!worker.HasExited)
        {
            worker.Kill(); // the process this soak started, by its handle; the worker has no "stop after N sessions"
            worker.WaitForExit(10_000);
        }

        WriteSamples(samples);
        WriteSummary(samples, ended, wall, failure);
        if (failure is not null)
        {
            Console.Error.WriteLine("soak: " + failure + ". Last worker output:");
            lock (ended)
            {
                foreach (var line in logTail)
                {
                    Console.Error.WriteLine("  " + line);
                }
            }

            return 1;
        }

        Console.WriteLine($"soak: {ended.Count} sessions in {wall:0} s; peak working set {samples.Max(s => s.PeakWorkingSetMb):0} MB");
        return 0;
    }

    private static SoakSample? Sample(int pid, double elapsedSeconds, string storage)
    {
        try
        {
            double? Kb(string[] lines, string key) =>
                lines.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) is { } line
                    ? double.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
                    : null;
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var hwm = Kb(status, "VmHWM:");
            var rss = Kb(status, "VmRSS:");

            // Fields 14 and 15 of /proc/PID/stat (after the parenthesised command name) are utime and stime in ticks.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
            if (hwm is null || rss is null)
            {
                return null;
            }

            return new SoakSample(elapsedSeconds, hwm.Value / 1024, rss.Value / 1024, cpu, GcHeapMb(storage));
        }
        catch (IOException)
        {
            return null; // the process ended between the check and the read
        }
    }

    /// <summary>The GC heap the worker reports about itself in health.json (process.gc_heap_bytes), null before the first report.</summary>
    private static double? GcHeapMb(string storage)
    {
        var path = Path.Combine(storage, "health.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.TryGetProperty("process", out var process) && process.TryGetProperty("gc_heap_bytes", out var heap)
                ? heap.GetDouble() / 1048576
                : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void WriteSamples(List<SoakSample> samples)
    {
        using var writer = new StreamWriter(Path.Combine(options.OutputFolder, "soak-samples.tsv"));
        writer.WriteLine("wall_seconds\tsimulated_minutes\tpeak_working_set_mb\tresident_mb\tcpu_seconds\tgc_heap_mb");
        foreach (var s in samples)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.WallSeconds:0.0}\t{s.WallSeconds * options.TimeScale / 60:0.0}\t{s.PeakWorkingSetMb:0.0}\t{s.ResidentMb:0.0}\t{s.CpuSeconds:0.00}\t{s.GcHeapMb:0.0}"));
        }
    }

    private void WriteSummary(List<SoakSample> samples, List<string> ended, double wall, string? failure)
    {
        var simulatedMinutes = wall * options.TimeScale / 60;
        var last = samples.LastOrDefault();
        double? ResidentAt(double fraction) =>
            samples.Count == 0 ? null : Math.Round(samples[Math.Min(samples.Count - 1, (int)(fraction * samples.Count))].ResidentMb, 1);
        var heaps = samples.Where(s => s.GcHeapMb is not null).Select(s => s.GcHeapMb!.Value).ToList();
        var summary = new SoakSummary
        {
            Sessions = options.Sessions,
            SessionsEnded = ended.Count,
            SessionsCompleted = ended.Count(o => o == "completed"),
            TimeScale = options.TimeScale,
            RefreshRateHz = options.RefreshRateHz,
            SubSamplesPerPixel = options.SubSamplesPerPixel,
            WallSeconds = Math.Round(wall, 1),
            SimulatedMinutes = Math.Round(simulatedMinutes, 1),
            PeakWorkingSetMb = samples.Count == 0 ? null : Math.Round(samples.Max(s => s.PeakWorkingSetMb), 1),
            ResidentAtQuarterMb = ResidentAt(0.25),
            ResidentAtHalfMb = ResidentAt(0.5),
            ResidentAtEndMb = last is null ? null : Math.Round(last.ResidentMb, 1),
            CpuSeconds = last?.CpuSeconds,
            CpuSecondsPerSimulatedMinute = last is null || simulatedMinutes <= 0 ? null : Math.Round(last.CpuSeconds / simulatedMinutes, 3),
            GcHeapMaxMb = heaps.Count == 0 ? null : Math.Round(heaps.Max(), 1),
            GcHeapEndMb = heaps.Count == 0 ? null : Math.Round(heaps[^1], 1),
            Failure = failure,
        };
        File.WriteAllText(Path.Combine(options.OutputFolder, "soak.json"), JsonSerializer.Serialize(summary, SoakSummary.JsonOptions));
    }

    [GeneratedRegex(@"Session \S+ ended \((?<outcome>[a-z_]+)\)")]
    private static partial Regex SessionEndedLine();

    private sealed record SoakSample(double WallSeconds, double PeakWorkingSetMb, double ResidentMb, double CpuSeconds, double? GcHeapMb);
}

/// <summary>Command line of the soak: <c>soak --worker DLL --out DIR [--sessions N] [--time-scale X] [--refresh-hz R] [--sub-samples S] [--timeout S]</c>.</summary>
internal sealed record SoakOptions(string WorkerDll, string OutputFolder, int Sessions, double TimeScale, double RefreshRateHz, int SubSamplesPerPixel, double TimeoutSeconds)
{
    public static SoakOptions Parse(string[] args)
    {
        var values = CommandLine.Pairs(args);
        var worker = values.GetValueOrDefault("--worker") ?? throw new ArgumentException("soak: --worker PATH-TO-thermohand-worker.dll is required");
        if (!File.Exists(worker))
        {
            throw new ArgumentException($"soak: the worker {worker} does not exist; build src/ThermoHand.Worker first (scripts/bench.sh does)");
        }

        return new SoakOptions(
            Path.GetFullPath(worker),
            Path.GetFullPath(values.GetValueOrDefault("--out") ?? throw new ArgumentException("soak: --out FOLDER is required")),
            CommandLine.Int(values, "--sessions", 3),
            CommandLine.Double(values, "--time-scale", 50),
            CommandLine.Double(values, "--refresh-hz", 2),
            CommandLine.Int(values, "--sub-samples", 4),
            CommandLine.Double(values, "--timeout", 1800));
    }
}

/// <summary>What soak.json holds; the report reads it back.</summary>
internal sealed record SoakSummary
{
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public int Sessions { get; init; }

    public int SessionsEnded { get; init; }

    public int SessionsCompleted { get; init; }

    public double TimeScale { get; init; }

    public double RefreshRateHz { get; init; }

    public int SubSamplesPerPixel { get; init; }

    public double WallSeconds { get; init; }

    public double SimulatedMinutes { get; init; }

    public double? PeakWorkingSetMb { get; init; }

    public double? ResidentAtQuarterMb { get; init; }

    public double? ResidentAtHalfMb { get; init; }

    public double? ResidentAtEndMb { get; init; }

    public double? CpuSeconds { get; init; }

    public double? CpuSecondsPerSimulatedMinute { get; init; }

    public double? GcHeapMaxMb { get; init; }

    public double? GcHeapEndMb { get; init; }

    public string? Failure { get; init; }
}
