namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand mlx90640 compute VECTOR.json</c>: runs a conformance vector's inputs through the driver's
/// calculation (shared/formats.md §1). Placeholder until the driver lands: refuses to run rather than invent output.
/// </summary>
public sealed class Mlx90640ComputeCommand : ICliCommand
{
    public string Name => "mlx90640 compute";

    public string Usage => "VECTOR.json";

    public string Summary => "Compute temperatures for a sensor vector (EEPROM + raw frames) as JSON.";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var path = args.Required(0, "VECTOR.json");
        args.EnsureAllConsumed(1);
        error.WriteLine($"thermohand mlx90640 compute: not implemented yet ({path})");
        return ExitCodes.InvalidInput;
    }
}
