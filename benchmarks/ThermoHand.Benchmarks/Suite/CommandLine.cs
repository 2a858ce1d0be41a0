using System.Globalization;

namespace ThermoHand.Benchmarks.Suite;

/// <summary>"--name value" pairs of the suite's own modes (report, soak); BenchmarkDotNet parses its own arguments.</summary>
internal static class CommandLine
{
    public static Dictionary<string, string> Pairs(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'");
            }

            values[args[i]] = args[++i];
        }

        return values;
    }

    public static int Int(Dictionary<string, string> values, string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static double Double(Dictionary<string, string> values, string name, double fallback) =>
        values.TryGetValue(name, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
