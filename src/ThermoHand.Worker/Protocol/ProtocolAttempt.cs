using ThermoHand.Analysis;

namespace ThermoHand.Worker.Protocol;

/// <summary>What one attempt of the protocol left behind: its events and deviations, on its own session clock.</summary>
public sealed record ProtocolAttempt(
    int Number,
    SessionSetup? Setup,
    ProtocolState FinalState,
    IReadOnlyList<SessionEvent> Events,
    IReadOnlyList<ProtocolDeviation> Deviations,
    string? AbortReason)
{
    /// <summary>The events in the analysis' form, one record per imaged hand (shared/formats.md §3).</summary>
    public IReadOnlyList<SessionEvents> ForAnalysis() =>
        Setup is null ? [] : Setup.Hands.Hands().Select(hand => new SessionEvents(hand, Events)).ToList();
}
