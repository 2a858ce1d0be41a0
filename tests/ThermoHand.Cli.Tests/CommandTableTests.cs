using ThermoHand.Cli;

namespace ThermoHand.Cli.Tests;

public class CommandTableTests
{
    private sealed class EchoCommand : ICliCommand
    {
        public string Name => "echo twice";

        public string Usage => "WORD [--times N]";

        public string Summary => "test command";

        public int Run(CommandArguments args, TextWriter output, TextWriter error)
        {
            var word = args.Required(0, "WORD");
            var times = args.IntOption("times") ?? 2;
            args.EnsureAllConsumed(1);
            for (var i = 0; i < times; i++)
            {
                output.WriteLine(word);
            }

            return ExitCodes.Ok;
        }
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CommandTable([new EchoCommand()]).Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Dispatches_multi_word_command_with_options()
    {
        var (code, output, _) = Run("echo", "twice", "hi", "--times", "3");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(3, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error_not_ignored()
    {
        var (code, _, error) = Run("echo", "twice", "hi", "--tims", "3");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--tims", error);
    }

    [Fact]
    public void Bad_number_names_the_option()
    {
        var (code, _, error) = Run("echo", "twice", "hi", "--times", "x");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--times must be a whole number", error);
    }

    [Fact]
    public void Unknown_command_and_help()
    {
        Assert.Equal(ExitCodes.Usage, Run("nope").Code);
        var help = Run("help");
        Assert.Equal(ExitCodes.Ok, help.Code);
        Assert.Contains("echo twice", help.Output);
    }
}
