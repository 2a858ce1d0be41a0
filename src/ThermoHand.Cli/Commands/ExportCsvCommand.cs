using ThermoHand.Mlx90640;
using ThermoHand.Recording.Csv;
using ThermoHand.Recording.Export;
using ThermoHand.Recording.Native;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand export csv RECORDING --out FRAMES.csv[.gz]</c>: recomputes temperatures from a recording's raw
/// subpages with its sensor's calibration (optionally another emissivity or a fixed reflected temperature) and
/// writes the frame CSV. A damaged recording is exported up to its last good record, with a warning.
/// </summary>
public sealed class ExportCsvCommand : ICliCommand
{
    public string Name => "export csv";

    public string Usage => "RECORDING.threc --out FRAMES.csv[.gz] [--emissivity E] [--reflected-c T]";

    public string Summary => "Recompute a session recording's frames and write them as frame CSV.";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var path = args.Required(0, "RECORDING.threc");
        var outPath = args.Option("out") ?? throw new CommandLineException("missing --out FRAMES.csv");
        var emissivity = args.DoubleOption("emissivity");
        var reflected = args.DoubleOption("reflected-c");
        args.EnsureAllConsumed(1);
        if (emissivity is { } e && !(e > 0 && e <= 1))
        {
            throw new CommandLineException($"--emissivity must be in (0, 1], not {e}");
        }

        var settings = new RecomputeSettings
        {
            Emissivity = (float?)emissivity,
            ReflectedTemperature = reflected is { } tr ? new ReflectedTemperatureRule(ReflectedTemperatureMode.Fixed, tr) : null,
        };
        try
        {
            using var reader = SessionRecordingReader.Open(path);
            var count = FrameCsv.Write(outPath, RecordedFrames.Compute(reader, settings));
            var integrity = reader.Integrity;
            if (integrity.IsDamaged)
            {
                error.WriteLine($"thermohand export csv: warning: {path} is damaged, exported what was recovered: {integrity.Describe()}");
            }

            output.WriteLine($"{path}: {count} frames -> {outPath}");
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is RecordingFormatException or Mlx90640EepromException)
        {
            error.WriteLine($"thermohand export csv: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"thermohand export csv: {ex.Message}");
            return ExitCodes.IoError;
        }
    }
}
