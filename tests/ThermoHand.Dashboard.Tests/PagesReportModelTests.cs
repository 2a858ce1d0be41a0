using System.Globalization;
using System.Text;
using System.Text.Json;
using ThermoHand.Dashboard.Pages.Sessions;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Tests;

/// <summary>Reading analysis results for display, the comparison's differences, the curve CSV and the PDF.</summary>
public sealed class PagesReportModelTests
{
    private const string Result = """
        {"schema":"thermohand/analysis/v1","hand":"right","provisional":false,"analysed_until_s":1080,
         "challenge":{"start_s":120,"end_s":180,"immersion_s":60},
         "rois":[
          {"name":"D2","digit":2,"tip":{"x":10,"y":3},"baseline_c":31.2,"min_c":22.4,"drop_c":8.8,
           "recovery_pct":{"300":45.1,"600":80.3,"900":null},"t50_s":240.0,"max_rate_c_per_min":2.1,
           "auc_above_min_c_min":98.0,"fit":{"tau_s":150.5,"t_inf_c":31.0,"t0_c":22.5,"lag_s":30,"r2":0.9991},
           "curve":[[0.0,22.9],[1.0,22.8],["bad",1],[2.0,22.7]]},
          {"name":"dorsum","digit":null,"tip":null,"baseline_c":32.6,"min_c":27.0,"t50_s":null,"fit":null,"curve":[]}
         ],
         "ddd_c":{"D2":1.4,"D3":null,"mean":1.4},"ddd_thumb_c":0.2,"fingers_ddd_over_1c":1,
         "quality":{"flags":["D3: no trusted frames for 50 s"],"frames_used":1080,"frames_rejected":3},
         "definitions":{"ddd_c":"DDD = T_dorsum - T_fingertip"}}
        """;

    [Fact]
    public void Analysis_view_reads_metrics_nested_fields_curves_and_quality_and_names_what_it_skipped()
    {
        using var document = JsonDocument.Parse(Result);
        var view = AnalysisView.Read(document.RootElement);
        Assert.Equal("right", view.Hand);
        Assert.False(view.Provisional);
        Assert.Equal(60, view.ImmersionSeconds);
        var d2 = view.Roi("D2")!;
        Assert.Equal(31.2, d2["baseline_c"]);
        Assert.Equal(80.3, d2["recovery_pct.600"]);
        Assert.Null(d2["recovery_pct.900"]);
        Assert.Equal(150.5, d2["fit.tau_s"]);
        Assert.Null(d2["t100_s"]);                      // absent in the JSON: shown as "—", never invented
        Assert.Equal([(0.0, 22.9), (1.0, 22.8), (2.0, 22.7)], d2.Curve);
        Assert.Null(view.Roi("dorsum")!["fit.tau_s"]);
        Assert.Equal(1.4, view.Ddd["mean"]);
        Assert.Null(view.Ddd["D3"]);
        Assert.Equal(["D3: no trusted frames for 50 s"], view.QualityFlags);
        Assert.Equal((1080, 3), (view.FramesUsed!.Value, view.FramesRejected!.Value));
        Assert.Equal(["D2: 1 curve points were not [seconds, °C] pairs and are not drawn"], view.ReadProblems);
    }

    [Fact]
    public void Analysis_view_of_an_unexpected_document_reports_the_problem_instead_of_throwing()
    {
        using var notObject = JsonDocument.Parse("[1,2]");
        Assert.Equal(["the stored analysis result is not a JSON object"], AnalysisView.Read(notObject.RootElement).ReadProblems);
        using var other = JsonDocument.Parse("""{"schema":"thermohand/analysis-bilateral/v1"}""");
        var view = AnalysisView.Read(other.RootElement);
        Assert.Empty(view.Rois);
        Assert.Equal(2, view.ReadProblems.Count);
        Assert.Contains("expected 'thermohand/analysis/v1'", view.ReadProblems[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t50_s", 240.0, "240")]
    [InlineData("baseline_c", 31.2345, "31.23")]
    [InlineData("recovery_pct.300", 45.06, "45.1")]
    [InlineData("fit.r2", 0.99912, "0.9991")]
    [InlineData("t50_s", null, "—")]
    public void Metric_values_are_shown_with_their_stated_precision(string field, double? value, string shown)
        => Assert.Equal(shown, MetricCatalog.Get(field).Format(value));

    [Fact]
    public void Comparison_tables_each_session_minus_the_reference_only_where_both_exist()
    {
        var before = View(baseline: 30.0, t50: 400.0, ddd: 2.5);
        var after = View(baseline: 31.5, t50: null, ddd: 1.0);
        var later = View(baseline: 32.0, t50: 150.0, ddd: 0.5);
        var rows = SessionComparison.Rows([
            new Dictionary<string, AnalysisView> { ["right"] = before },
            new Dictionary<string, AnalysisView> { ["right"] = after },
            new Dictionary<string, AnalysisView> { ["right"] = later }]);

        var baseline = rows.Single(r => r.Region == "D3" && r.Metric.Field == "baseline_c");
        Assert.Equal([30.0, 31.5, 32.0], baseline.Values);
        Assert.Null(baseline.DifferencesFromFirst[0]);
        Assert.Equal(1.5, baseline.DifferencesFromFirst[1]!.Value, 9);
        Assert.Equal(2.0, baseline.DifferencesFromFirst[2]!.Value, 9);
        var t50 = rows.Single(r => r.Region == "D3" && r.Metric.Field == "t50_s");
        Assert.Null(t50.DifferencesFromFirst[1]);                    // never reached after: no difference invented
        Assert.Equal(-250.0, t50.DifferencesFromFirst[2]);
        var ddd = rows.Single(r => r.Region == SessionComparison.DddRegion);
        Assert.Equal(-2.0, ddd.DifferencesFromFirst[2]!.Value, 9);   // fingers less cold than the dorsum after treatment
        Assert.Equal(1 + MetricCatalog.KeyFields.Count, rows.Count);
    }

    [Fact]
    public void Curve_csv_is_long_format_sorted_by_hand_and_region_with_safe_text()
    {
        var curves = new List<RegionCurve>
        {
            new("right", "dorsum", null, [new CurvePoint(1.0, 32.123456)]),
            new("right", "D2", 2, [new CurvePoint(0.5, 30.1), new CurvePoint(1.5, 29.95)]),
            new("left", "D5", 5, [new CurvePoint(2.25, 28.0)]),
        };
        var text = new StringWriter(CultureInfo.InvariantCulture);
        CurveCsv.Write(text, "=s,1", curves);

        Assert.Equal(
            "session_id,hand,region,t_s,t_c\n" +
            "\"'=s,1\",left,D5,2.25,28\n" +
            "\"'=s,1\",right,D2,0.5,30.1\n" +
            "\"'=s,1\",right,D2,1.5,29.95\n" +
            "\"'=s,1\",right,dorsum,1,32.123\n",
            text.ToString());
    }

    [Fact]
    public void Curve_csv_guards_text_cells_but_keeps_negative_numbers_as_numbers()
    {
        var curves = new List<RegionCurve> { new("left", "D2", 2, [new CurvePoint(0.5, -1.25), new CurvePoint(1.0, double.NaN)]) };
        var text = new StringWriter(CultureInfo.InvariantCulture);
        CurveCsv.Write(text, "-5+cmd", curves);
        // The same rule as the research export (ThermoHand.Exports.Csv.CsvCell): text guarded, a number never; a
        // reading that is not a number is an empty (missing) cell.
        Assert.Equal("session_id,hand,region,t_s,t_c\n'-5+cmd,left,D2,0.5,-1.25\n'-5+cmd,left,D2,1,\n", text.ToString());
    }

    [Fact]
    public void Pdf_report_is_a_pdf_with_a_page_for_the_facts_and_one_per_hand()
    {
        using var document = JsonDocument.Parse(Result);
        var view = AnalysisView.Read(document.RootElement);
        var facts = new ReportFacts("ThermoHand session report", [("Session", "s1"), ("Patient reference", "PT-1")]);
        using var output = new MemoryStream();
        ReportPdf.Write(output, facts, [view]);
        var bytes = output.ToArray();
        Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
        var text = Encoding.Latin1.GetString(bytes);
        Assert.Equal(2, CountOf(text, "/Type /Page\n") + CountOf(text, "/Type /Page\r") + CountOf(text, "/Type /Page>") + CountOf(text, "/Type /Page "));
        Assert.Contains("ThermoHand session report", text, StringComparison.Ordinal);   // the document title (metadata)
        // Text was drawn with the embedded DejaVu font (Skia embeds only fonts that drew glyphs; without the font file
        // the default typeface draws nothing).
        Assert.Contains("/BaseFont /", text, StringComparison.Ordinal);
        Assert.Contains("DejaVuSans", text, StringComparison.Ordinal);

        using var empty = new MemoryStream();
        ReportPdf.Write(empty, facts, []);
        Assert.True(empty.Length > 500, "a session without results still gets a report saying so");
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static AnalysisView View(double baseline, double? t50, double ddd)
    {
        var json = JsonSerializer.Serialize(new
        {
            schema = "thermohand/analysis/v1",
            hand = "right",
            rois = new[] { new { name = "D3", digit = 3, baseline_c = baseline, t50_s = t50, curve = new[] { new[] { 0.0, 22.0 } } } },
            ddd_c = new { D3 = ddd, mean = ddd },
        });
        using var document = JsonDocument.Parse(json);
        return AnalysisView.Read(document.RootElement.Clone());
    }
}
