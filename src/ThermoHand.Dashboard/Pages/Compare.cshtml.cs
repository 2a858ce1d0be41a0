using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Pages.Sessions;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages;

/// <summary>
/// /compare?sessions=a,b,…: the same patient's sessions side by side (for example before and after an iloprost
/// infusion), oldest first: per hand and region the rewarming curves overlaid, and a table of each metric with every
/// later session's difference from the first. Sessions of different patients are refused, not mixed.
/// </summary>
[Authorize(Policy = ClinicPolicies.ViewSessions)]
public sealed class CompareModel(IClinicStore store, AuditTrail audit) : PageModel
{
    public const int MaxSessions = 6;

    [BindProperty(SupportsGet = true)]
    public string? Sessions { get; set; }

    public IReadOnlyList<SessionSummary> Compared { get; private set; } = [];

    public IReadOnlyList<ComparisonRow> Rows { get; private set; } = [];

    public IReadOnlyList<string> Hands { get; private set; } = [];

    public string ChartJson { get; private set; } = "{}";

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var ids = (Sessions ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count is < 2 or > MaxSessions)
        {
            Problem = $"Choose 2 to {MaxSessions} sessions to compare (sessions=ID1,ID2 in the address); {ids.Count} given.";
            return Page();
        }

        var loaded = new List<(SessionDetail Detail, IReadOnlyDictionary<string, AnalysisView> Hands)>();
        foreach (var id in ids)
        {
            var detail = await store.GetSessionAsync(id, cancellationToken);
            if (detail is null)
            {
                return NotFound($"No session '{id}'.");
            }

            loaded.Add((detail, SessionFacts.ResultsByHand(detail.Results)));
        }

        var patients = loaded.Select(l => l.Detail.Summary.PatientReference).Distinct(StringComparer.Ordinal).ToList();
        if (patients.Count != 1 || patients[0] is null)
        {
            Problem = "These sessions belong to different patient references (" + string.Join(", ", patients.Select(p => p ?? "none")) + "); a comparison is only made within one patient.";
            return Page();
        }

        loaded = [.. loaded.OrderBy(l => l.Detail.Summary.StartedUtc ?? DateTimeOffset.MaxValue)];
        Compared = [.. loaded.Select(l => l.Detail.Summary)];
        Rows = SessionComparison.Rows([.. loaded.Select(l => l.Hands)]);
        Hands = [.. loaded.SelectMany(l => l.Hands.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var charts = new List<ChartData.Chart>();
        foreach (var hand in Hands)
        {
            var regions = loaded.SelectMany(l => l.Hands.TryGetValue(hand, out var v) ? v.Rois.Select(r => r.Name) : []).Distinct(StringComparer.Ordinal).OrderBy(ChartData.Rank);
            foreach (var region in regions)
            {
                var series = loaded.Select((l, index) => (l, index))
                    .Where(x => x.l.Hands.TryGetValue(hand, out var v) && v.Roi(region) is not null)
                    .Select(x => new ChartData.Series(Label(x.l.Detail.Summary, x.index), region, x.index, [.. x.l.Hands[hand].Roi(region)!.Curve.Select(p => new[] { p.Seconds, p.Celsius })]))
                    .ToList();
                charts.Add(new ChartData.Chart(CanvasId(hand, region), $"{MetricCatalog.RegionLabel(region)}: seconds after challenge end", series));
            }
        }

        ChartJson = ChartData.Json(charts);
        await audit.RecordAsync(User, AuditTrail.ViewPatientHistory, "patient", patients[0], "compare " + string.Join(',', ids), cancellationToken);
        return Page();
    }

    public static string CanvasId(string hand, string region) => $"compare-{hand}-{region}";

    public static string Label(SessionSummary session, int index)
        => $"{(index == 0 ? "reference" : "#" + (index + 1))} {session.StartedUtc?.ToUniversalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";

    public IEnumerable<string> RegionsOf(string hand)
        => Rows.Where(r => r.Hand == hand && r.Region != SessionComparison.DddRegion).Select(r => r.Region).Distinct(StringComparer.Ordinal);
}
