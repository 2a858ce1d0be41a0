using System.Text.Json;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>
/// The curves a report or comparison page embeds for report.js, serialised once on the server. The default JSON
/// encoder escapes &lt; and &gt;, so the JSON is safe inside a &lt;script type="application/json"&gt; element.
/// </summary>
public static class ChartData
{
    public sealed record Series(string Name, string? Region, int? Session, IReadOnlyList<double[]> Points);

    public sealed record Chart(string Canvas, string XLabel, IReadOnlyList<Series> Series);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Json(IEnumerable<Chart> charts) => JsonSerializer.Serialize(new { charts }, Options);

    /// <summary>A report chart: one series per region of a hand, seconds after challenge end.</summary>
    public static Chart ForHand(string canvasId, AnalysisView hand)
        => new(canvasId, "seconds after challenge end", [.. hand.Rois
            .OrderBy(r => Rank(r.Name))
            .Select(r => new Series(MetricCatalog.RegionLabel(r.Name), r.Name, null, [.. r.Curve.Select(p => new[] { p.Seconds, p.Celsius })]))]);

    internal static int Rank(string region)
    {
        var index = MetricCatalog.RegionOrder.ToList().IndexOf(region);
        return index < 0 ? int.MaxValue : index;
    }
}
