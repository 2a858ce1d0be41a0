using System.Text.Json;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Analysis;

/// <summary>One hand's analysis result chosen for a report or an export, and the label of the analysis that made it.</summary>
/// <param name="Hand">"left", "right" or "both" (the 8-finger summary).</param>
/// <param name="VersionLabel">"device" for the result the device computed live; "v2", "v3"… for a re-analysis.</param>
/// <param name="Result">The result in the analysis result JSON of ../shared/formats.md.</param>
public sealed record SelectedAnalysis(string Hand, string VersionLabel, JsonElement Result);

/// <summary>
/// Which analysis of a session exports use. One place decides, so that a study can state exactly which analysis
/// produced its numbers and every export of the same session agrees.
/// </summary>
public interface IAnalysisSelection
{
    Task<IReadOnlyList<SelectedAnalysis>> SelectAsync(SessionDetail session, CancellationToken cancellationToken = default);
}

/// <summary>The device's final result per hand (provisional results are never exported).</summary>
public sealed class DeviceAnalysisSelection : IAnalysisSelection
{
    public Task<IReadOnlyList<SelectedAnalysis>> SelectAsync(SessionDetail session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyList<SelectedAnalysis> selected = session.Results
            .Where(r => r.IsFinal)
            .OrderBy(r => r.Hand, StringComparer.Ordinal)
            .Select(r => new SelectedAnalysis(r.Hand, "device", r.Result))
            .ToList();
        return Task.FromResult(selected);
    }
}
