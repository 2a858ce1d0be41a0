using ThermoHand.Analysis;

namespace ThermoHand.Worker.Protocol;

/// <summary>Which hand(s) the session images. "Both" gives one analysis record per hand.</summary>
public enum HandSelection
{
    Left,
    Right,
    Both,
}

public static class HandSelectionExtensions
{
    public static IReadOnlyList<Hand> Hands(this HandSelection selection) => selection switch
    {
        HandSelection.Left => [Hand.Left],
        HandSelection.Right => [Hand.Right],
        HandSelection.Both => [Hand.Left, Hand.Right],
        _ => throw new ArgumentOutOfRangeException(nameof(selection), selection, "unknown hand selection"),
    };
}
