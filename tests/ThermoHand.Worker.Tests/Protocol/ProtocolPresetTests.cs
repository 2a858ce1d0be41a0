using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Tests.Protocol;

public sealed class ProtocolPresetTests
{
    // Expected values from shared/reference/clinical.md §1.1: water °C, immersion s, rewarming min.
    [Theory]
    [InlineData("manchester", 15.0, 60, 15)]
    [InlineData("bath-ring", 20.0, 60, 15)]
    [InlineData("iso-14835-1", 12.0, 300, 15)]
    public void Presets_carry_the_published_challenge(string name, double waterCelsius, int immersionSeconds, int rewarmingMinutes)
    {
        Assert.True(ProtocolPresets.TryFind(name, out ProtocolPreset preset));
        Assert.Equal(waterCelsius, preset.BathSetPointCelsius);
        Assert.Equal(TimeSpan.FromSeconds(immersionSeconds), preset.Immersion);
        Assert.Equal(TimeSpan.FromMinutes(rewarmingMinutes), preset.Rewarming);
        Assert.Equal(TimeSpan.FromMinutes(20), preset.Acclimatisation);
        Assert.Equal(TimeSpan.FromMinutes(2), preset.BaselineCapture);
        Assert.Equal(23.0, preset.RoomSetPointCelsius);
        Assert.Equal(1.0, preset.RoomToleranceCelsius);
        Assert.Equal(1.0, preset.BathToleranceCelsius);
        Assert.Contains("[S", preset.Source);
    }

    [Fact]
    public void Lookup_ignores_case_and_rejects_unknown_names()
    {
        Assert.True(ProtocolPresets.TryFind("MANCHESTER", out ProtocolPreset found));
        Assert.Same(ProtocolPresets.Manchester, found);
        Assert.False(ProtocolPresets.TryFind("copenhagen", out _));
        Assert.False(ProtocolPresets.TryFind(null, out _));
        Assert.Equal("manchester", ProtocolPresets.DefaultName);
    }

    [Theory]
    [InlineData(22.0, true)]
    [InlineData(24.0, true)]
    [InlineData(24.01, false)]
    [InlineData(21.99, false)]
    public void Room_band_is_23_plus_minus_1(double celsius, bool inBand) =>
        Assert.Equal(inBand, ProtocolPresets.Manchester.IsRoomInBand(celsius));

    [Theory]
    [InlineData(20.0, true)]
    [InlineData(75.0, true)]
    [InlineData(19.9, false)]
    [InlineData(75.1, false)]
    public void Humidity_band_is_20_to_75_percent(double percent, bool inBand) =>
        Assert.Equal(inBand, ProtocolPreset.IsHumidityInBand(percent));
}
