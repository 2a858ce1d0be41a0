using System.Diagnostics;
using System.Globalization;
using ThermoHand.Cli.Accuracy;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand accuracy</c>: simulates a design of sessions (groups × fields of view × distances × hands), runs
/// each through the emulated sensor, the driver and the analysis, compares with the ground truth and writes the
/// accuracy table (docs/accuracy.md).
/// </summary>
public sealed class AccuracyCommand : ICliCommand
{
    public string Name => "accuracy";

    public string Usage =>
        "[--sessions 36] [--seed 1] [--out docs/accuracy.md] [--json FILE] [--baseline-s 120] [--rewarming-s 900] [--rate-hz 2] [--parallel N]";

    public string Summary => "Accuracy of the analysis against the truth over simulated sessions (table as Markdown).";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var sessions = args.IntOption("sessions") ?? AccuracyDesign.CellCount;
        if (sessions is < 1 or > 1000)
        {
            throw new CommandLineException($"--sessions must be 1 to 1000, not {sessions}");
        }

        var seed = args.IntOption("seed") ?? 1;
        var outPath = args.Option("out") ?? Path.Combine("docs", "accuracy.md");
        var jsonPath = args.Option("json");
        var defaults = new ProtocolTimeline();
        var protocol = defaults with
        {
            BaselineSeconds = Seconds(args, "baseline-s", defaults.BaselineSeconds, 65),
            RewarmingSeconds = Seconds(args, "rewarming-s", defaults.RewarmingSeconds, 60),
        };
        var rate = args.DoubleOption("rate-hz") ?? 2;
        if (Array.IndexOf(SimulateAcquisition.RefreshRatesHz, rate) < 0)
        {
            throw new CommandLineException($"--rate-hz must be a sensor refresh rate (0.5, 1, 2, 4, 8, 16, 32 or 64), not {rate.ToString(CultureInfo.InvariantCulture)}");
        }

        var parallel = args.IntOption("parallel") ?? Environment.ProcessorCount;
        if (parallel is < 1 or > 64)
        {
            throw new CommandLineException($"--parallel must be 1 to 64, not {parallel}");
        }

        args.EnsureAllConsumed(0);

        var design = AccuracyDesign.Build(sessions, seed);
        var runner = new AccuracyRunner(protocol, rate) { Parallelism = parallel };
        var wall = Stopwatch.StartNew();
        error.WriteLine($"thermohand accuracy: {design.Count} sessions, {protocol.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s each, {parallel} at a time");
        var results = runner.RunAll(design, (done, s) => error.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"accuracy: session {done}/{design.Count} done: #{s.Session.Index} {s.Session.Describe()} ({s.Seconds:0.0} s)")));
        var seconds = wall.Elapsed.TotalSeconds;

        var commandLine = "thermohand accuracy " + string.Create(CultureInfo.InvariantCulture, $"--sessions {sessions} --seed {seed}")
            + (protocol.BaselineSeconds != defaults.BaselineSeconds ? string.Create(CultureInfo.InvariantCulture, $" --baseline-s {protocol.BaselineSeconds}") : "")
            + (protocol.RewarmingSeconds != defaults.RewarmingSeconds ? string.Create(CultureInfo.InvariantCulture, $" --rewarming-s {protocol.RewarmingSeconds}") : "")
            + (rate != 2 ? string.Create(CultureInfo.InvariantCulture, $" --rate-hz {rate}") : "");
        var table = AccuracyReport.Markdown(results, commandLine, seconds, parallel);
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            var existing = File.Exists(outPath) ? File.ReadAllText(outPath) : null;
            File.WriteAllText(outPath, AccuracyReport.Merge(existing, table));
            if (jsonPath is not null)
            {
                using var file = File.Create(jsonPath);
                AccuracyReport.WriteJson(file, results);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"thermohand accuracy: {ex.Message}");
            return ExitCodes.IoError;
        }

        output.Write(table);
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"thermohand accuracy: {design.Count} sessions in {seconds:0} s → {outPath}{(jsonPath is null ? "" : " and " + jsonPath)}"));
        return ExitCodes.Ok;
    }

    private static double Seconds(CommandArguments args, string name, double fallback, double minimum)
    {
        var value = args.DoubleOption(name) ?? fallback;
        return value >= minimum && value <= 7200
            ? value
            : throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"--{name} must be {minimum} to 7200 seconds, not {value}"));
    }
}
