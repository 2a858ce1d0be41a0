using ThermoHand.Recording.Native;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand recording info FILE</c>: header, duration, record counts, events and whether the file was closed
/// normally or recovered after a crash. Exit code 0 for an intact file (closed or not), 1 for a damaged one.
/// </summary>
public sealed class RecordingInfoCommand : ICliCommand
{
    public string Name => "recording info";

    public string Usage => "RECORDING.threc";

    public string Summary => "Show a session recording's header, duration, counts and integrity.";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var path = args.Required(0, "RECORDING.threc");
        args.EnsureAllConsumed(1);
        RecordingInfo info;
        try
        {
            info = RecordingInfo.Read(path);
        }
        catch (RecordingFormatException ex)
        {
            error.WriteLine($"thermohand recording info: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"thermohand recording info: cannot read {path}: {ex.Message}");
            return ExitCodes.IoError;
        }

        output.Write(info.Describe());
        if (info.Integrity.IsDamaged)
        {
            error.WriteLine($"thermohand recording info: {path} is damaged: {info.Integrity.Describe()}");
            return ExitCodes.InvalidInput;
        }

        return ExitCodes.Ok;
    }
}
