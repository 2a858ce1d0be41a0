using ThermoHand.Dashboard.Storage;
using ThermoHand.Exports.Csv;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>
/// The curve export: every region reading of a session, one row per hand, region and frame, in long format
/// (<c>session_id,hand,region,t_s,t_c</c>) so a spreadsheet or R reads it without reshaping. t_s is the session
/// clock (seconds since the recording started, as in the device stream), t_c °C with 3 decimals. Cells follow the
/// research export's rule (<see cref="CsvCell"/>): text is guarded against spreadsheet formulas, numbers stay numbers.
/// </summary>
public static class CurveCsv
{
    public const string Header = "session_id,hand,region,t_s,t_c";

    public static void Write(TextWriter output, string sessionId, IReadOnlyList<RegionCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(curves);
        output.Write(Header);
        output.Write('\n');
        var id = Field(sessionId);
        foreach (var curve in curves.OrderBy(c => c.Hand, StringComparer.Ordinal).ThenBy(c => RegionRank(c.Region)))
        {
            var prefix = string.Join(',', id, Field(curve.Hand), Field(curve.Region)) + ",";
            foreach (var point in curve.Points)
            {
                output.Write(prefix);
                output.Write(CsvCell.Number(point.TimeSeconds, "0.###"));
                output.Write(',');
                output.Write(CsvCell.Number(point.TemperatureC, "0.###"));
                output.Write('\n');
            }
        }
    }

    private static int RegionRank(string region)
    {
        var index = MetricCatalog.RegionOrder.ToList().IndexOf(region);
        return index < 0 ? int.MaxValue : index;
    }

    /// <summary>A text field: the shared CSV rule (formula guard, RFC 4180 quoting).</summary>
    internal static string Field(string value) => CsvCell.Text(value);
}
