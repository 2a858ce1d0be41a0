using System.Text.Json;
using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Tests.Reanalysis;

/// <summary>Re-analysis of stored frames on a simulated session: same settings reproduce, changes move the numbers the expected way.</summary>
public sealed class StoredFrameReanalysisTests
{
    private static readonly ReanalysisPlan AsRecorded = new()
    {
        RecordedEmissivity = 0.98,
        ReflectedTemperature = "fixed 23.0 C",
        ReflectedCelsiusAt = _ => 23,
        BasedOn = "device",
    };

    private static AnalysisResult Device()
    {
        using var tracker = new HandRegionTracker(Hand.Right);
        return RewarmingSessionAnalyser.AnalyseRecording(SimulatedFrames.Copies(), new SessionEvents(Hand.Right, SimulatedFrames.Events), tracker);
    }

    private static AnalysisResult Reanalyse(ReanalysisPlan plan) =>
        StoredFrameReanalysis.Run(Hand.Right, SimulatedFrames.Copies(), SimulatedFrames.Events, plan);

    private static string WithoutProvenance(AnalysisResult result) => AnalysisJsonWriter.ToJson(result with { Provenance = null });

    private static double MeanFingerBaseline(AnalysisResult result) =>
        result.Rois.Where(r => r.Digit is >= 2 and <= 5).Average(r => r.Metrics.BaselineCelsius!.Value);

    [Fact]
    public void The_recorded_settings_reproduce_the_device_result_exactly_and_only_the_source_differs()
    {
        var device = Device();
        var again = Reanalyse(AsRecorded);
        Assert.Equal(WithoutProvenance(device), WithoutProvenance(again));
        var deviceProvenance = AsRecorded.Provenance() with { Source = AnalysisSource.DeviceLive, BasedOn = null };
        Assert.Equal(deviceProvenance.SettingsHash, again.Provenance!.SettingsHash);
        Assert.Equal(AnalysisSource.StoredFrames, again.Provenance.Source);

        // The provenance block is the last property of the JSON and is absent from a result without one.
        Assert.DoesNotContain("\"provenance\"", AnalysisJsonWriter.ToJson(device), StringComparison.Ordinal);
        using var document = JsonDocument.Parse(AnalysisJsonWriter.ToJson(again));
        Assert.Equal("provenance", document.RootElement.EnumerateObject().Last().Name);
    }

    [Fact]
    public void A_lower_emissivity_raises_skin_temperatures_and_changes_the_hash()
    {
        var device = Reanalyse(AsRecorded);
        var lower = Reanalyse(AsRecorded with { Emissivity = 0.95 });
        Assert.NotEqual(device.Provenance!.SettingsHash, lower.Provenance!.SettingsHash);
        var rise = MeanFingerBaseline(lower) - MeanFingerBaseline(device);
        Assert.InRange(rise, 0.1, 1.5);
        Assert.Contains(lower.Provenance.Notes, n => n.Contains("re-derived", StringComparison.Ordinal));
    }

    [Fact]
    public void The_covered_pixel_mean_reads_warm_fingertips_cooler_than_the_unmixing()
    {
        var unmixed = Reanalyse(AsRecorded);
        var covered = Reanalyse(AsRecorded with { RegionMethod = RegionMethods.CoveredPixelMean });
        Assert.NotEqual(unmixed.Provenance!.SettingsHash, covered.Provenance!.SettingsHash);
        // At baseline the fingers are warmer than the 23 °C room: a plain mean mixes room into them.
        Assert.True(MeanFingerBaseline(covered) < MeanFingerBaseline(unmixed) - 0.2,
            $"covered {MeanFingerBaseline(covered):0.00} °C vs unmixed {MeanFingerBaseline(unmixed):0.00} °C");
        // The dorsum reading does not depend on the fingertip method.
        Assert.Equal(unmixed.Roi("dorsum")!.Metrics.BaselineCelsius, covered.Roi("dorsum")!.Metrics.BaselineCelsius);
    }

    [Fact]
    public void The_earlier_one_width_unmixing_can_be_reproduced_and_differs_only_in_the_thumb()
    {
        // Results made before the per-digit widths carry "unmixed-fingertip": re-analysis with that name gives the
        // one-width model back (thumb read with a finger's width: warmer), under a different settings hash.
        var perDigit = Reanalyse(AsRecorded);
        var oneWidth = Reanalyse(AsRecorded with { RegionMethod = RegionMethods.UnmixedFingertipOneWidth });
        Assert.Equal("unmixed-fingertip", oneWidth.Provenance!.RegionMethod);
        Assert.Equal(RegionMethods.UnmixedFingertip, perDigit.Provenance!.RegionMethod);
        Assert.NotEqual(perDigit.Provenance.SettingsHash, oneWidth.Provenance.SettingsHash);
        foreach (var digit in new[] { 2, 3, 4, 5 })
        {
            Assert.Equal(perDigit.Roi(RegionNames.Digit(digit))!.Metrics.BaselineCelsius, oneWidth.Roi(RegionNames.Digit(digit))!.Metrics.BaselineCelsius);
        }

        var thumbOneWidth = oneWidth.Roi(RegionNames.Digit(1))!.Metrics.BaselineCelsius!.Value;
        var thumbPerDigit = perDigit.Roi(RegionNames.Digit(1))!.Metrics.BaselineCelsius!.Value;
        Assert.True(thumbOneWidth > thumbPerDigit + 0.2, $"thumb one width {thumbOneWidth:0.00} °C vs own width {thumbPerDigit:0.00} °C");
    }

    [Fact]
    public void A_site_calibration_is_removed_and_the_new_one_applied()
    {
        var recorded = new OffsetCorrection("0A1B2C3D4E5F/v1", 0.5f);
        var chosen = new OffsetCorrection("0A1B2C3D4E5F/v2", 1.5f);
        var stored = SimulatedFrames.Copies().Select(f =>
        {
            recorded.Apply(f.TemperaturesCelsius);
            return f;
        }).ToList();
        var plan = AsRecorded with { RecordedCalibration = recorded, Calibration = recorded };
        var asMeasured = StoredFrameReanalysis.Run(Hand.Right, stored.Select(Copy), SimulatedFrames.Events, plan);
        var recalibrated = StoredFrameReanalysis.Run(Hand.Right, stored.Select(Copy), SimulatedFrames.Events, plan with { Calibration = chosen });
        Assert.NotEqual(asMeasured.Provenance!.SettingsHash, recalibrated.Provenance!.SettingsHash);
        Assert.Equal("0A1B2C3D4E5F/v2", recalibrated.Provenance.Calibration!.Id);
        Assert.Equal(1.0, recalibrated.Roi("dorsum")!.Metrics.BaselineCelsius!.Value - asMeasured.Roi("dorsum")!.Metrics.BaselineCelsius!.Value, 2);
    }

    [Fact]
    public void An_emissivity_change_without_a_reflected_temperature_is_refused_with_what_to_do()
    {
        var problem = Assert.Throws<ReanalysisException>(() => Reanalyse(AsRecorded with { Emissivity = 0.95, ReflectedCelsiusAt = null }));
        Assert.Contains(".threc", problem.Message, StringComparison.Ordinal);
        Assert.Throws<ReanalysisException>(() => Reanalyse(AsRecorded with { RegionMethod = "brightest-pixel" }));
        Assert.Throws<ReanalysisException>(() => Reanalyse(AsRecorded with { RewarmingOverrides = new Dictionary<string, double> { ["NoSuchSetting"] = 1 } }));
    }

    [Fact]
    public void Rewarming_overrides_change_the_analysis_and_are_named_in_the_provenance()
    {
        var shorter = Reanalyse(AsRecorded with { RewarmingOverrides = new Dictionary<string, double> { ["RewarmingWindowSeconds"] = 200 } });
        Assert.Equal(200, shorter.Provenance!.RewarmingOverrides["RewarmingWindowSeconds"]);
        Assert.Equal(200, RewarmingOverrides.Apply(new Dictionary<string, double> { ["RewarmingWindowSeconds"] = 200 }).RewarmingWindowSeconds);
        Assert.Equal(900, RewarmingSettings.Default.RewarmingWindowSeconds);
    }

    private static ThermalFrame Copy(ThermalFrame f) => new(f.TimeSeconds, (float[])f.TemperaturesCelsius.Clone());

    /// <summary>A uniform offset calibration: enough to check remove-then-apply without a calibration file.</summary>
    private sealed class OffsetCorrection(string id, float offset) : ISiteCorrection
    {
        public CalibrationReference Reference { get; } = new(id, "00");

        public void Apply(Span<float> temperaturesCelsius)
        {
            for (var i = 0; i < temperaturesCelsius.Length; i++)
            {
                temperaturesCelsius[i] += offset;
            }
        }

        public void Remove(Span<float> temperaturesCelsius)
        {
            for (var i = 0; i < temperaturesCelsius.Length; i++)
            {
                temperaturesCelsius[i] -= offset;
            }
        }
    }
}
