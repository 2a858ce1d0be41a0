using ThermoHand.Recording.Bench;
using ThermoHand.Recording.Csv;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand import bench RAW --out FRAMES.csv[.gz]</c>: converts a headerless float32 bench recording to the frame
/// CSV (t = frame index in seconds). Rejected frames are listed on standard error with the reason.
/// </summary>
public sealed class ImportBenchCommand : ICliCommand
{
    public string Name => "import bench";

    public string Usage => "RAW --out FRAMES.csv[.gz]";

    public string Summary => "Convert a bench .raw recording (float32, 768 per frame, ~1 Hz) to frame CSV.";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var raw = args.Required(0, "RAW");
        var outPath = args.Option("out") ?? throw new CommandLineException("missing --out FRAMES.csv");
        args.EnsureAllConsumed(1);
        if (!File.Exists(raw))
        {
            error.WriteLine($"thermohand import bench: {raw} does not exist");
            return ExitCodes.IoError;
        }

        var report = new BenchImportReport();
        try
        {
            FrameCsv.Write(outPath, BenchRawImporter.Read(raw, report));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"thermohand import bench: {ex.Message}");
            return ExitCodes.IoError;
        }

        foreach (var rejected in report.Rejected)
        {
            error.WriteLine($"thermohand import bench: frame {rejected.Index} rejected: {rejected.Reason}");
        }

        output.WriteLine($"{raw}: {report.Describe()} -> {outPath}");
        return report.FramesKept > 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
    }
}
