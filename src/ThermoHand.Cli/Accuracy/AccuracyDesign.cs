using System.Globalization;
using ThermoHand.Analysis;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Accuracy;

/// <summary>One simulated session of the accuracy design: who (group, seed), which hand, which sensor and how far.</summary>
public sealed record AccuracySession(int Index, PatientGroup Group, Hand Hand, int FovDegrees, double DistanceCm, int Seed)
{
    public string HandWord => Hand == Hand.Left ? "left" : "right";

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture, $"{Group.ToWord()} {HandWord} hand, {FovDegrees}° at {DistanceCm:0} cm, seed {Seed}");

    /// <summary>The simulation settings, as <c>thermohand simulate</c> builds them from the same options.</summary>
    public SimulationSettings Settings(ProtocolTimeline protocol) => new()
    {
        Group = Group,
        Hand = Hand,
        Seed = Seed,
        Optics = FovDegrees == 55 ? SensorOptics.Narrow55(DistanceCm * 10) : SensorOptics.Wide110(DistanceCm * 10),
        Protocol = protocol,
    };
}

/// <summary>
/// The sessions of the accuracy table: every group × field of view (55°, 110°) × distance (15, 20, 25, 30, 35,
/// 40 cm) = 36 cells, each hand in half of them. The order is chosen so that any prefix is balanced: the first six
/// sessions are the three groups on both sensors, and left and right alternate so that every group × sensor gets
/// both hands. Beyond 36 the design repeats with new seeds (another set of patients).
/// </summary>
public static class AccuracyDesign
{
    public static readonly IReadOnlyList<PatientGroup> Groups = [PatientGroup.Healthy, PatientGroup.PrimaryRaynauds, PatientGroup.SystemicSclerosis];

    public static readonly IReadOnlyList<int> FieldsOfView = [55, 110];

    /// <summary>
    /// Distances per field of view, the usual working distance first: 30 cm for the 55° sensor (the hand fills
    /// the view), 15 cm for the 110° sensor (a fingertip still spans ~1.2 px). Both lists hold all six distances.
    /// </summary>
    public static readonly IReadOnlyDictionary<int, IReadOnlyList<double>> Distances = new Dictionary<int, IReadOnlyList<double>>
    {
        [55] = [30, 25, 35, 40, 20, 15],
        [110] = [15, 20, 25, 30, 35, 40],
    };

    public const int CellCount = 36;

    public static IReadOnlyList<AccuracySession> Build(int sessions, int firstSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sessions, 1);
        var design = new List<AccuracySession>(sessions);
        for (var i = 0; i < sessions; i++)
        {
            var cell = i % CellCount;
            var group = Groups[cell % 3];
            var fov = FieldsOfView[(cell / 3) % 2];
            var distance = Distances[fov][cell / 6];
            var hand = (cell + (cell / 6)) % 2 == 0 ? Hand.Right : Hand.Left;
            design.Add(new AccuracySession(i, group, hand, fov, distance, firstSeed + i));
        }

        return design;
    }
}
