using System.Globalization;
using ThermoHand.Analysis;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand simulate</c>: a simulated patient under an emulated MLX90640, recorded exactly like a real session
/// (docs/simulation.md). Parses and checks the command line; <see cref="SimulateSession"/> does the work.
/// </summary>
public sealed class SimulateCommand : ICliCommand
{
    public string Name => "simulate";

    public string Usage =>
        "--group healthy|primary|ssc --out DIR [--seed N] [--hand left|right] [--fov 55|110] [--distance-cm 15..40] " +
        "[--rate-hz 2] [--png] [--baseline-s 120] [--challenge-s 60] [--rewarming-s 900] [--noise-c 0.15] " +
        "[--time-scale X] [--sensor-vector VECTOR.json]";

    public string Summary => "Record a simulated cold-challenge session (emulated sensor, real driver) with its ground truth.";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var options = Parse(args);
        return new SimulateSession(options, error).Run(output);
    }

    internal static SimulateOptions Parse(CommandArguments args)
    {
        var groupWord = args.Option("group") ?? throw new CommandLineException("missing --group healthy|primary|ssc");
        if (!PatientGroupNames.TryParse(groupWord, out var group))
        {
            throw new CommandLineException($"--group must be healthy, primary or ssc, not '{groupWord}'");
        }

        var outDirectory = args.Option("out") ?? throw new CommandLineException("missing --out DIR");
        var seed = args.IntOption("seed") ?? 1;
        var hand = (args.Option("hand") ?? "right").ToLowerInvariant() switch
        {
            "right" => Hand.Right,
            "left" => Hand.Left,
            var other => throw new CommandLineException($"--hand must be left or right, not '{other}'"),
        };
        var fov = args.IntOption("fov") ?? 55;
        if (fov is not (55 or 110))
        {
            throw new CommandLineException($"--fov must be 55 (MLX90640 BAB, 55°×35°) or 110 (BAA, 110°×75°), not {fov}");
        }

        var distanceCm = args.DoubleOption("distance-cm") ?? 30;
        if (!(distanceCm is >= 15 and <= 40))
        {
            throw new CommandLineException($"--distance-cm must be 15 to 40, not {distanceCm.ToString(CultureInfo.InvariantCulture)}");
        }

        var rate = args.DoubleOption("rate-hz") ?? 2;
        if (Array.IndexOf(SimulateSession.RefreshRatesHz, rate) < 0)
        {
            throw new CommandLineException($"--rate-hz must be a sensor refresh rate (0.5, 1, 2, 4, 8, 16, 32 or 64), not {rate.ToString(CultureInfo.InvariantCulture)}");
        }

        var png = args.Flag("png");
        var defaults = new ProtocolTimeline();
        var protocol = defaults with
        {
            BaselineSeconds = Positive(args, "baseline-s", defaults.BaselineSeconds),
            ChallengeSeconds = Positive(args, "challenge-s", defaults.ChallengeSeconds),
            RewarmingSeconds = Positive(args, "rewarming-s", defaults.RewarmingSeconds),
        };
        if (protocol.RewarmingSeconds <= protocol.ReturnDelaySeconds)
        {
            throw new CommandLineException($"--rewarming-s must be longer than the {protocol.ReturnDelaySeconds.ToString(CultureInfo.InvariantCulture)} s the hands take to come back under the sensor");
        }

        var noise = args.DoubleOption("noise-c") ?? 0.15;
        if (!(noise is >= 0 and <= 2))
        {
            throw new CommandLineException($"--noise-c must be 0 to 2 °C, not {noise.ToString(CultureInfo.InvariantCulture)}");
        }

        var timeScale = args.DoubleOption("time-scale");
        if (timeScale is not null && !(timeScale is > 0 and <= 1000))
        {
            throw new CommandLineException($"--time-scale must be above 0 and at most 1000, not {timeScale.Value.ToString(CultureInfo.InvariantCulture)}");
        }

        var sensorVector = args.Option("sensor-vector");
        args.EnsureAllConsumed(0);

        var distanceMm = distanceCm * 10;
        var settings = new SimulationSettings
        {
            Group = group,
            Hand = hand,
            Seed = seed,
            Optics = fov == 55 ? SensorOptics.Narrow55(distanceMm) : SensorOptics.Wide110(distanceMm),
            Protocol = protocol,
            TemporalNoiseCelsius = noise,
        };
        return new SimulateOptions(settings, outDirectory, rate, png, timeScale, sensorVector);
    }

    private static double Positive(CommandArguments args, string name, double fallback)
    {
        var value = args.DoubleOption(name) ?? fallback;
        return value is >= 1 and <= 7200
            ? value
            : throw new CommandLineException($"--{name} must be 1 to 7200 seconds, not {value.ToString(CultureInfo.InvariantCulture)}");
    }
}

/// <summary>A checked <c>simulate</c> command line.</summary>
internal sealed record SimulateOptions(
    SimulationSettings Settings,
    string OutDirectory,
    double RefreshRateHz,
    bool WritePicture,
    double? TimeScale,
    string? SensorVectorPath);
