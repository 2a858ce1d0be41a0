using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Exports.Bilateral;

namespace ThermoHand.Dashboard.Analysis;

/// <summary>
/// The 8-finger summary of a stored session as the report, its PDF and report.json show it: the analysis selection
/// the exports use (<see cref="IAnalysisSelection"/>: the newest re-analysis, else the device's final result) picks
/// each hand's result, and <see cref="EightFingerSummary"/> combines them with HandSummary.Combine. The device's own
/// result carries no settings, so its settings hash is the one the recorded session settings give (as the analysis
/// versions table shows it); a re-analysis carries its own.
/// </summary>
public static class SessionEightFinger
{
    public static async Task<EightFingerSummary> ForAsync(SessionDetail session, IAnalysisSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(selection);
        var selected = await selection.SelectAsync(session, cancellationToken);
        var recorded = RecordedSessionSettings.Read(session);
        return EightFingerSummary.Combine(selected
            .Where(s => s.Hand is "left" or "right")
            .Select(s => new HandAnalysis(s.Hand, s.VersionLabel, s.Result, s.VersionLabel == "device" ? recorded.DeviceProvenance(s.Hand) : null))
            .ToList());
    }
}
