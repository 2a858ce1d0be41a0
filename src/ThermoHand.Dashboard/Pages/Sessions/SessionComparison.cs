namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>One row of the differences table: a metric of one region in each session, and each session minus the first.</summary>
public sealed record ComparisonRow(string Hand, string Region, MetricDefinition Metric, IReadOnlyList<double?> Values, IReadOnlyList<double?> DifferencesFromFirst);

/// <summary>One session's final (or latest) result for one hand, as the comparison uses it.</summary>
public sealed record ComparedResult(string SessionId, string Label, AnalysisView Analysis);

/// <summary>
/// Compares the same patient's sessions (for example before and after an iloprost infusion): for each hand, region
/// and key metric, the values side by side and each later session minus the first (the reference). A difference is
/// shown only when both values exist; nothing is filled in.
/// </summary>
public static class SessionComparison
{
    /// <summary>Pseudo-region for the hand's DDD mean (digits 2–5) in the table.</summary>
    public const string DddRegion = "DDD mean (D2–D5)";

    public static readonly MetricDefinition DddMetric = new("ddd_c.mean", "DDD mean", "°C", MetricCatalog.DddConvention, 2);

    /// <param name="sessions">Per session, in the order to show (first = reference): its results by hand.</param>
    public static IReadOnlyList<ComparisonRow> Rows(IReadOnlyList<IReadOnlyDictionary<string, AnalysisView>> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var rows = new List<ComparisonRow>();
        var hands = sessions.SelectMany(s => s.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var hand in hands)
        {
            var views = sessions.Select(s => s.TryGetValue(hand, out var v) ? v : null).ToList();
            rows.Add(Row(hand, DddRegion, DddMetric, views.Select(v => v?.Ddd.GetValueOrDefault("mean")).ToList()));
            var regions = views.Where(v => v is not null).SelectMany(v => v!.Rois.Select(r => r.Name)).Distinct(StringComparer.Ordinal)
                .OrderBy(Order).ToList();
            foreach (var region in regions)
            {
                foreach (var field in MetricCatalog.KeyFields)
                {
                    var values = views.Select(v => v?.Roi(region)?[field]).ToList();
                    rows.Add(Row(hand, region, MetricCatalog.Get(field), values));
                }
            }
        }

        return rows;
    }

    private static ComparisonRow Row(string hand, string region, MetricDefinition metric, IReadOnlyList<double?> values)
    {
        var first = values.Count > 0 ? values[0] : null;
        var differences = values.Select((v, i) => i == 0 || v is null || first is null ? (double?)null : v - first).ToList();
        return new ComparisonRow(hand, region, metric, values, differences);
    }

    private static int Order(string region)
    {
        var index = MetricCatalog.RegionOrder.ToList().IndexOf(region);
        return index < 0 ? int.MaxValue : index;
    }
}
