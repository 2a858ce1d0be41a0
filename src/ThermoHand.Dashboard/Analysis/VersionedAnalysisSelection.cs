using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Analysis;

/// <summary>
/// Which analysis exports use, version-aware (docs/reanalysis.md): the newest re-analysis of the session ("v2",
/// "v3"…) when it has one, else the device's final result ("device"). The choice is per session, not per hand:
/// a re-analysis covers every hand it could analyse, and a hand it left out keeps the device's result under the
/// label "device", so the export always says which analysis each number came from.
/// </summary>
public sealed class VersionedAnalysisSelection(IAnalysisVersionStore versions) : IAnalysisSelection
{
    public async Task<IReadOnlyList<SelectedAnalysis>> SelectAsync(SessionDetail session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var stored = await versions.ListAnalysisVersionsAsync(session.Summary.SessionId, cancellationToken);
        int? newest = stored.Count == 0 ? null : stored.Max(v => v.Version);
        var fromNewest = stored.Where(v => v.Version == newest).ToDictionary(v => v.Hand, StringComparer.Ordinal);
        var selected = new List<SelectedAnalysis>();
        foreach (var hand in session.Results.Where(r => r.IsFinal).Select(r => r.Hand).Union(fromNewest.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            if (fromNewest.TryGetValue(hand, out var version))
            {
                selected.Add(new SelectedAnalysis(hand, version.Label, version.Result));
            }
            else if (session.Results.FirstOrDefault(r => r.IsFinal && r.Hand == hand) is { } device)
            {
                selected.Add(new SelectedAnalysis(hand, "device", device.Result));
            }
        }

        return selected;
    }
}
