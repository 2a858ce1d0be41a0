namespace ThermoHand.Worker.Protocol;

/// <summary>The answer to a clinician's command: accepted, or refused with a reason the clinician can act on.</summary>
public readonly record struct CommandResult(bool Accepted, string? Reason)
{
    public static CommandResult Ok { get; } = new(true, null);

    public static CommandResult Refused(string reason) => new(false, reason);

    public override string ToString() => Accepted ? "accepted" : $"refused: {Reason}";
}
