namespace ThermoHand.Cli;

/// <summary>
/// Dispatches <c>thermohand WORD [WORD] ARGS</c> to the command whose name matches the longest prefix of the
/// arguments. Commands are plain classes so that tests can run them in-process with captured output.
/// </summary>
public sealed class CommandTable
{
    private readonly IReadOnlyList<ICliCommand> commands;

    public CommandTable(IReadOnlyList<ICliCommand> commands) => this.commands = commands;

    public int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            WriteHelp(output);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }

        var match = commands
            .Select(c => (Command: c, Words: c.Name.Split(' ')))
            .Where(c => c.Words.Length <= args.Length && c.Words.SequenceEqual(args.Take(c.Words.Length)))
            .OrderByDescending(c => c.Words.Length)
            .FirstOrDefault();
        if (match.Command is null)
        {
            error.WriteLine($"thermohand: unknown command '{string.Join(' ', args.Take(2))}'. Run 'thermohand help'.");
            return ExitCodes.Usage;
        }

        var rest = args.Skip(match.Words.Length).ToArray();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            output.WriteLine($"thermohand {match.Command.Name} {match.Command.Usage}");
            output.WriteLine();
            output.WriteLine(match.Command.Summary);
            return ExitCodes.Ok;
        }

        try
        {
            return match.Command.Run(new CommandArguments(rest), output, error);
        }
        catch (CommandLineException ex)
        {
            error.WriteLine($"thermohand {match.Command.Name}: {ex.Message}");
            error.WriteLine($"usage: thermohand {match.Command.Name} {match.Command.Usage}");
            return ExitCodes.Usage;
        }
    }

    private void WriteHelp(TextWriter output)
    {
        output.WriteLine("thermohand — objective Raynaud's assessment with an MLX90640 thermal sensor");
        output.WriteLine();
        output.WriteLine("Commands:");
        foreach (var command in commands)
        {
            output.WriteLine($"  {command.Name,-22} {command.Summary}");
        }

        output.WriteLine();
        output.WriteLine("Run 'thermohand COMMAND --help' for the arguments of one command.");
    }
}

/// <summary>One command of the tool. <see cref="Name"/> may have several words ("mlx90640 compute").</summary>
public interface ICliCommand
{
    string Name { get; }

    /// <summary>The argument synopsis, e.g. "VECTOR.json [--out FILE]".</summary>
    string Usage { get; }

    string Summary { get; }

    int Run(CommandArguments args, TextWriter output, TextWriter error);
}

/// <summary>Process exit codes shared by every command, so scripts can tell bad input from a bad sensor.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The input was read but is wrong (corrupt EEPROM, malformed CSV, …).</summary>
    public const int InvalidInput = 1;

    /// <summary>The command line itself is wrong.</summary>
    public const int Usage = 2;

    /// <summary>A file could not be read or written.</summary>
    public const int IoError = 3;
}

/// <summary>Thrown for a malformed command line; the table prints the message and the usage.</summary>
public sealed class CommandLineException(string message) : Exception(message);

/// <summary>
/// Minimal argument reader: positional words, <c>--name value</c> options and <c>--flag</c> switches.
/// Every option a command reads is checked off, and <see cref="EnsureAllConsumed"/> rejects the rest,
/// so a typo never silently changes an analysis.
/// </summary>
public sealed class CommandArguments
{
    private readonly List<string> positional = [];
    private readonly Dictionary<string, string?> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> consumed = new(StringComparer.Ordinal);

    public CommandArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var eq = arg.IndexOf('=');
                if (eq > 0)
                {
                    options[arg[2..eq]] = arg[(eq + 1)..];
                }
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    options[arg[2..]] = args[++i];
                }
                else
                {
                    options[arg[2..]] = null;
                }
            }
            else
            {
                positional.Add(arg);
            }
        }
    }

    public IReadOnlyList<string> Positional => positional;

    /// <summary>The positional argument at <paramref name="index"/>, or a usage error naming it.</summary>
    public string Required(int index, string what)
        => index < positional.Count ? positional[index] : throw new CommandLineException($"missing {what}");

    public string? Option(string name)
    {
        consumed.Add(name);
        return options.TryGetValue(name, out var value) ? value ?? throw new CommandLineException($"--{name} needs a value") : null;
    }

    public bool Flag(string name)
    {
        consumed.Add(name);
        if (!options.TryGetValue(name, out var value))
        {
            return false;
        }

        // "--flag VALUE" was parsed as an option; a flag takes no value, so give the word back as positional.
        if (value is not null)
        {
            positional.Add(value);
            options[name] = null;
        }

        return true;
    }

    public double? DoubleOption(string name)
    {
        var text = Option(name);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CommandLineException($"--{name} must be a number, not '{text}'");
    }

    public int? IntOption(string name)
    {
        var text = Option(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CommandLineException($"--{name} must be a whole number, not '{text}'");
    }

    /// <summary>Call after reading every option: an option the command does not know is an error.</summary>
    public void EnsureAllConsumed(int maxPositional)
    {
        var unknown = options.Keys.Where(k => !consumed.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new CommandLineException($"unknown option --{unknown[0]}");
        }

        if (positional.Count > maxPositional)
        {
            throw new CommandLineException($"unexpected argument '{positional[maxPositional]}'");
        }
    }
}
