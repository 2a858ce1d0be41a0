using System.Globalization;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using ThermoHand.Exports.Fhir;

namespace ThermoHand.Exports.Tests.Fhir;

public sealed class FhirSessionBundleTests
{
    private static readonly DateTimeOffset Started = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A result JSON as the analysis writes it: D2 sampled every 0.5 s for 0–20 s with a gap 8–14 s; D3 never measured.</summary>
    private static JsonElement Result(string hand, bool withProvenance = false)
    {
        var curve = new StringBuilder();
        for (var t = 0.0; t <= 20.0001; t += 0.5)
        {
            if (t is > 8 and < 14)
            {
                continue;
            }

            curve.Append(curve.Length == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"[{t:0.0},{22 + (t / 10):0.000}]");
        }

        var provenance = withProvenance
            ? ",\"provenance\":{\"based_on\":\"device\",\"notes\":[],\"schema\":\"thermohand/analysis-provenance/v1\",\"settings\":{\"calibration\":null,\"emissivity\":0.95,\"reflected_temperature\":\"Ta - 8\",\"region_method\":\"unmixed-fingertip\",\"rewarming_overrides\":{}},\"settings_hash\":\"0123456789abcdef\",\"software\":\"x\",\"source\":\"stored-frames\"}"
            : "";
        var json = $$"""
            {"schema":"thermohand/analysis/v1","hand":"{{hand}}","provisional":false,"challenge":{"start_s":120,"end_s":180,"immersion_s":60},
             "rois":[
              {"name":"D2","digit":2,"baseline_c":31.2,"min_c":22.0,"drop_c":9.2,"recovery_pct":{"300":45.1,"600":null,"900":null},"t50_s":240.5,
               "max_rate_c_per_min":2.1,"auc_above_min_c_min":98.0,"curve":[{{curve}}]},
              {"name":"D3","digit":3,"baseline_c":null,"min_c":null,"drop_c":null,"recovery_pct":{"300":null,"600":null,"900":null},"t50_s":null,
               "max_rate_c_per_min":null,"auc_above_min_c_min":null,"curve":[]},
              {"name":"dorsum","digit":null,"baseline_c":32.0,"min_c":25.0,"drop_c":7.0,"recovery_pct":{"300":60,"600":80,"900":90},"t50_s":100,
               "max_rate_c_per_min":1.0,"auc_above_min_c_min":50.0,"curve":[[0.0,25.0],[0.5,25.1]]}],
             "ddd_c":{"D2":0.8,"D3":null,"D4":null,"D5":null,"mean":0.8},
             "quality":{"flags":[],"frames_used":10,"frames_rejected":0}{{provenance}}}
            """;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static FhirSessionInput Input(params FhirHandResult[] hands) => new()
    {
        SessionId = "S-1",
        ClinicIdentifier = "MRN-0042",
        ClinicIdentifierSystem = "urn:oid:1.2.3.4",
        StartedUtc = Started,
        SoftwareVersion = "ThermoHand.Analysis 1.0",
        Hands = hands,
    };

    private static Bundle RoundTrip(FhirSessionInput input) => FhirSessionBundle.Parse(FhirSessionBundle.ToJson(FhirSessionBundle.Build(input)));

    [Fact]
    public void The_bundle_parses_back_with_the_Firely_parser_and_every_observation_is_complete()
    {
        var bundle = RoundTrip(Input(new FhirHandResult("left", "device", Result("left")), new FhirHandResult("right", "v2", Result("right", withProvenance: true))));
        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        var patient = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Patient>());
        Assert.Equal("MRN-0042", patient.Identifier.Single().Value);
        Assert.Equal("urn:oid:1.2.3.4", patient.Identifier.Single().System);
        var device = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Device>());
        Assert.Empty(device.Identifier); // no serial numbers leave the clinic
        Assert.Null(device.SerialNumber);

        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        Assert.Equal((2 * (3 + 1)) + 1, observations.Count); // per hand: D2, D3, dorsum and the DDD mean; the 8-finger summary
        var patientUrl = bundle.Entry.Single(e => e.Resource is Patient).FullUrl;
        foreach (var observation in observations)
        {
            Assert.Equal(ObservationStatus.Final, observation.Status);
            Assert.NotEmpty(observation.Code.Coding);
            Assert.Equal(patientUrl, observation.Subject!.Reference);
            Assert.True(observation.Value is not null || observation.DataAbsentReason is not null, "an observation has a value or says why not");
            Assert.All(observation.Component, c => Assert.True(c.Value is not null || c.DataAbsentReason is not null));
            Assert.Contains(observation.Meta!.Tag, t => t.System == FhirCodes.AnalysisVersionTagSystem);
        }

        var skin = observations.Where(o => o.Code.Coding.Any(c => c.System == FhirCodes.Loinc && c.Code == "39106-0")).ToList();
        Assert.Equal(6, skin.Count);
        Assert.Contains(observations, o => o.Meta!.Tag.Any(t => t.System == FhirCodes.SettingsHashTagSystem && t.Code == "0123456789abcdef"));
        Assert.Contains(observations, o => o.Meta!.Tag.Any(t => t.System == FhirCodes.AnalysisVersionTagSystem && t.Code == "v2"));
    }

    [Fact]
    public void The_curve_becomes_sampled_data_with_its_period_point_count_and_gaps_as_E()
    {
        var bundle = RoundTrip(Input(new FhirHandResult("left", "device", Result("left"))));
        var d2 = bundle.Entry.Select(e => e.Resource).OfType<Observation>().Single(o => o.BodySite?.Coding.Any(c => c.Code == "83738005") == true);
        var sampled = Assert.IsType<SampledData>(d2.Value);
        Assert.Equal(500m, sampled.Period); // 0.5 s in milliseconds
        Assert.Equal(1, sampled.Dimensions);
        var points = sampled.Data!.Split(' ');
        Assert.Equal(41, points.Length); // 0..20 s every 0.5 s
        Assert.Equal("22", points[0]);
        Assert.Equal("24", points[^1]);
        // 8.5–13.5 s had no samples: the stretch 8 → 14 s is longer than 2.5 periods, so those points are "E".
        Assert.All(points[17..28], p => Assert.Equal("E", p));
        Assert.Equal("22.8", points[16]);
        var period = Assert.IsType<Period>(d2.Effective);
        Assert.Equal("2026-03-02T09:03:00.000Z", period.Start); // t0 = challenge_end = 180 s after the start
        Assert.Equal("2026-03-02T09:03:20.000Z", period.End);
        Assert.Equal("Cel", sampled.Origin.Code);
    }

    [Fact]
    public void Derived_metrics_use_the_local_code_system_and_UCUM_units()
    {
        var bundle = RoundTrip(Input(new FhirHandResult("left", "device", Result("left"))));
        var d2 = bundle.Entry.Select(e => e.Resource).OfType<Observation>().Single(o => o.BodySite?.Coding.Any(c => c.Code == "83738005") == true);
        Quantity Metric(string code) => Assert.IsType<Quantity>(d2.Component.Single(c => c.Code.Coding.Single().Code == code).Value);
        Assert.Equal("s", Metric("t50").Code);
        Assert.Equal(240.5m, Metric("t50").Value);
        Assert.Equal("%", Metric("recovery-300").Code);
        Assert.Equal("Cel.min", Metric("auc-above-min").Code);
        Assert.Equal("Cel/min", Metric("max-rate").Code);
        Assert.Equal(0.8m, Metric("ddd").Value);
        Assert.All(d2.Component, c => Assert.Equal(FhirCodes.DefaultMetricCodeSystem, c.Code.Coding.Single().System));
        var missing = d2.Component.Single(c => c.Code.Coding.Single().Code == "recovery-900");
        Assert.Null(missing.Value);
        Assert.NotNull(missing.DataAbsentReason);
        var ddd = bundle.Entry.Select(e => e.Resource).OfType<Observation>().Single(o => o.Code.Coding.Any(c => c.Code == "ddd-mean"));
        Assert.Equal(0.8m, Assert.IsType<Quantity>(ddd.Value).Value);
    }

    [Fact]
    public void Sampling_of_an_irregular_curve_keeps_every_grid_point_accounted_for()
    {
        var curve = new List<(double, double)> { (0, 20), (0.5, 20.5), (1.0, 21), (1.6, 21.6), (2.0, 22) };
        var sampling = CurveSampling.FromCurve(curve)!;
        Assert.Equal(0.5, sampling.PeriodSeconds);
        Assert.Equal(5, sampling.Values.Count);
        Assert.Equal(21.5, sampling.Values[3]!.Value, 6);
        Assert.Null(CurveSampling.FromCurve([]));
    }
    [Fact]
    public void A_site_s_own_systems_are_used_for_the_patient_identifier_and_every_metric_code()
    {
        const string Mrn = "https://hospital.example/fhir/NamingSystem/mrn", Metrics = "https://hospital.example/fhir/CodeSystem/thermohand-rewarming";
        var input = Input(new FhirHandResult("left", "device", Result("left")), new FhirHandResult("right", "v2", Result("right"))) with
        {
            ClinicIdentifierSystem = Mrn,
            MetricCodeSystem = Metrics,
        };
        var bundle = RoundTrip(input);
        Assert.Equal(Mrn, bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single().Identifier.Single().System);
        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        var metricCodings = observations.SelectMany(o => o.Component.SelectMany(c => c.Code.Coding))
            .Concat(observations.SelectMany(o => o.Code.Coding).Where(c => c.System != FhirCodes.Loinc)).ToList();
        Assert.Equal((2 * ((2 * 10) + 9 + 1)) + 9 + 1 + 1, metricCodings.Count); // per hand: D2 and D3 (9 metrics + ddd), dorsum (9), the DDD mean; 8-finger: 9 metrics, DDD mean, its code
        Assert.All(metricCodings, c => Assert.Equal(Metrics, c.System));
        Assert.DoesNotContain(FhirCodes.DefaultMetricCodeSystem, FhirSessionBundle.ToJson(FhirSessionBundle.Build(input)), StringComparison.Ordinal);
        Assert.DoesNotContain(FhirCodes.DefaultClinicIdentifierSystem, FhirSessionBundle.ToJson(FhirSessionBundle.Build(input)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urn:oid:1.2.840.113619.6.1", true)]
    [InlineData("https://hospital.example/fhir/CodeSystem/rewarming", true)]
    [InlineData(FhirCodes.DefaultMetricCodeSystem, true)]
    [InlineData(FhirCodes.DefaultClinicIdentifierSystem, true)]
    [InlineData("/fhir/CodeSystem/rewarming", false)] // .NET on Linux would read it as file:///fhir/...
    [InlineData("hospital.example/mrn", false)]
    [InlineData("https://hospital.example/my codes", false)]
    [InlineData("https://hospital.example/codes|2", false)]
    [InlineData("https://hospital.example/codes#metrics", false)]
    [InlineData(" ", false)]
    public void A_system_must_be_an_absolute_URI_usable_in_FHIR(string system, bool usable)
    {
        var problem = FhirSystemUri.Problem(system, "Dashboard:Fhir:MetricCodeSystem");
        Assert.Equal(usable, problem is null);
        if (problem is not null)
        {
            Assert.StartsWith("Dashboard:Fhir:MetricCodeSystem is", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_bundle_is_not_built_with_an_unusable_system()
    {
        var input = Input(new FhirHandResult("left", "device", Result("left"))) with { ClinicIdentifierSystem = "mrn-numbers" };
        var problem = Assert.Throws<ArgumentException>(() => FhirSessionBundle.Build(input));
        Assert.Contains("ClinicIdentifierSystem is 'mrn-numbers', which is not an absolute URI", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_two_hand_session_gets_one_8_finger_observation_with_the_per_region_codes_and_a_one_hand_session_none()
    {
        var left = Bilateral.EightFingerSummaryTests.HandResult(ThermoHand.Analysis.Hand.Left, 0);
        var right = Bilateral.EightFingerSummaryTests.HandResult(ThermoHand.Analysis.Hand.Right, 1.5);
        var expected = ThermoHand.Analysis.Rewarming.HandSummary.Combine(left, right);
        var bundle = RoundTrip(Input(
            new FhirHandResult("left", "device", Bilateral.EightFingerSummaryTests.Stored(left)),
            new FhirHandResult("right", "v2", Bilateral.EightFingerSummaryTests.Stored(right))));
        var summary = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Observation>(), o => o.Code.Coding.Any(c => c.Code == "eight-finger"));
        Assert.Equal(FhirCodes.DefaultMetricCodeSystem, summary.Code.Coding.Single().System);
        decimal? Component(string code) => Assert.IsType<Quantity>(summary.Component.Single(c => c.Code.Coding.Single().Code == code).Value).Value;
        decimal Expected(string name) => Math.Round((decimal)expected.EightFingerAverages.Single(s => s.Name == name).Mean!.Value, 4);
        Assert.Equal(Expected("baseline_c"), Component("baseline"));
        Assert.Equal(Expected("t50_s"), Component("t50"));
        Assert.Equal(Expected("recovery_900_pct"), Component("recovery-900"));
        Assert.Equal(Math.Round((decimal)expected.EightFingerDddMeanCelsius!.Value, 4), Component("ddd-mean"));
        Assert.Equal(["device", "v2"], summary.Meta!.Tag.Where(t => t.System == FhirCodes.AnalysisVersionTagSystem).Select(t => t.Code));
        var note = summary.Note.Single().Text!;
        Assert.Contains("left device, right v2", note, StringComparison.Ordinal);
        Assert.Contains("recovery-900 n = 6", note, StringComparison.Ordinal);

        var oneHand = RoundTrip(Input(new FhirHandResult("left", "device", Bilateral.EightFingerSummaryTests.Stored(left))));
        Assert.DoesNotContain(oneHand.Entry.Select(e => e.Resource).OfType<Observation>(), o => o.Code.Coding.Any(c => c.Code == "eight-finger"));
    }
}
