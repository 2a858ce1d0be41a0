using System.Text.Json;
using ThermoHand.Analysis.Reanalysis;

namespace ThermoHand.Analysis.Tests.Reanalysis;

public sealed class AnalysisProvenanceTests
{
    private static AnalysisProvenance Device() => new()
    {
        Software = "ThermoHand.Analysis 1.0.0.0",
        Source = AnalysisSource.DeviceLive,
        Emissivity = 0.98,
        ReflectedTemperature = "Ta - 8",
        RegionMethod = RegionMethods.UnmixedFingertip,
    };

    [Fact]
    public void The_hash_covers_the_settings_not_where_the_frames_came_from()
    {
        var device = Device();
        var stored = device with { Source = AnalysisSource.StoredFrames, BasedOn = "device", Notes = ["a note"], Software = "other build" };
        Assert.Equal(device.SettingsHash, stored.SettingsHash);
        Assert.Equal(16, device.SettingsHash.Length);
        Assert.NotEqual(device.SettingsHash, (device with { Emissivity = 0.95 }).SettingsHash);
        Assert.NotEqual(device.SettingsHash, (device with { RegionMethod = RegionMethods.CoveredPixelMean }).SettingsHash);
        Assert.NotEqual(device.SettingsHash, (device with { Calibration = new CalibrationReference("0A1B2C3D4E5F/v1", "ab") }).SettingsHash);
        Assert.NotEqual(device.SettingsHash, (device with { RewarmingOverrides = new Dictionary<string, double> { ["RewarmingWindowSeconds"] = 600 } }).SettingsHash);
    }

    [Fact]
    public void Canonical_json_has_ordered_keys_and_reads_back_equal()
    {
        var provenance = Device() with
        {
            Source = AnalysisSource.StoredFrames,
            Calibration = new CalibrationReference("0A1B2C3D4E5F/v2", "ABCDEF"),
            RewarmingOverrides = new Dictionary<string, double> { ["RewarmingWindowSeconds"] = 600, ["BaselineWindowSeconds"] = 30 },
            BasedOn = "device",
        };
        var json = provenance.ToCanonicalJson();
        Assert.DoesNotContain("\n", provenance.CanonicalSettingsJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("\": ", provenance.CanonicalSettingsJson(), StringComparison.Ordinal);
        Assert.True(json.IndexOf("\"based_on\"", StringComparison.Ordinal) < json.IndexOf("\"settings\"", StringComparison.Ordinal));
        Assert.True(json.IndexOf("\"BaselineWindowSeconds\"", StringComparison.Ordinal) < json.IndexOf("\"RewarmingWindowSeconds\"", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(json);
        var back = AnalysisProvenance.Read(document.RootElement);
        Assert.Equal(provenance.SettingsHash, back.SettingsHash);
        Assert.Equal(provenance.ToCanonicalJson(), back.ToCanonicalJson());
        Assert.Equal("abcdef", back.Calibration!.Sha256);
    }

    [Fact]
    public void Differences_are_listed_in_words()
    {
        var changed = Device() with { Emissivity = 0.95, RegionMethod = RegionMethods.CoveredPixelMean };
        var differences = changed.DifferencesFrom(Device());
        Assert.Contains("emissivity 0.98 → 0.95", differences);
        // The device's default is the per-digit unmixing (its name changed with its results: docs/regions.md).
        Assert.Contains("region method unmixed-fingertip-per-digit → covered-pixel-mean", differences);
        Assert.Contains(
            "region method unmixed-fingertip → unmixed-fingertip-per-digit",
            Device().DifferencesFrom(Device() with { RegionMethod = RegionMethods.UnmixedFingertipOneWidth }));
        Assert.Empty(Device().DifferencesFrom(Device() with { Source = AnalysisSource.StoredFrames }));
    }

    [Fact]
    public void A_provenance_without_settings_is_refused()
    {
        using var document = JsonDocument.Parse("{\"source\":\"device-live\"}");
        Assert.Throws<FormatException>(() => AnalysisProvenance.Read(document.RootElement));
    }
}
