namespace ThermoHand.Mlx90640.Tests;

/// <summary>Control register 0x800D read-modify-write (datasheet §11.2.2.4; pitfall 7): only the named bits change.</summary>
public class BindingControlRegisterTests
{
    [Theory]
    [InlineData(0x1901, RefreshRate.HalfHertz, 0x1801)]
    [InlineData(0x1901, RefreshRate.TwoHertz, 0x1901)]
    [InlineData(0x1901, RefreshRate.FourHertz, 0x1981)]
    [InlineData(0x1901, RefreshRate.SixtyFourHertz, 0x1B81)]
    [InlineData(0xFFFF, RefreshRate.HalfHertz, 0xFC7F)]
    [InlineData(0x0000, RefreshRate.EightHertz, 0x0200)]
    public void Refresh_rate_changes_bits_7_to_9_only(int before, RefreshRate rate, int expected) =>
        Assert.Equal(expected, RegisterFields.WithRefreshRate((ushort)before, rate));

    [Theory]
    [InlineData(0x1901, AdcResolution.Bits16, 0x1101)]
    [InlineData(0x1901, AdcResolution.Bits19, 0x1D01)]
    [InlineData(0xFFFF, AdcResolution.Bits17, 0xF7FF)]
    [InlineData(0x0000, AdcResolution.Bits18, 0x0800)]
    public void Resolution_changes_bits_10_and_11_only(int before, AdcResolution resolution, int expected) =>
        Assert.Equal(expected, RegisterFields.WithResolution((ushort)before, resolution));

    [Theory]
    [InlineData(0x1901, ReadingPattern.Interleaved, 0x0901)]
    [InlineData(0x0901, ReadingPattern.Chess, 0x1901)]
    [InlineData(0xFFFF, ReadingPattern.Interleaved, 0xEFFF)]
    public void Reading_pattern_changes_bit_12_only(int before, ReadingPattern pattern, int expected) =>
        Assert.Equal(expected, RegisterFields.WithReadingPattern((ushort)before, pattern));

    [Theory]
    [InlineData(RefreshRate.HalfHertz, 0.5)]
    [InlineData(RefreshRate.TwoHertz, 2)]
    [InlineData(RefreshRate.SixtyFourHertz, 64)]
    public void Refresh_rate_converts_to_hertz_and_back(RefreshRate rate, double hertz)
    {
        Assert.Equal(hertz, rate.ToHertz());
        Assert.Equal(rate, RegisterFields.FromHertz(hertz));
    }

    [Fact]
    public void An_unsupported_rate_is_refused_with_the_supported_list()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RegisterFields.FromHertz(3));
        Assert.Contains("0.5, 1, 2, 4, 8, 16, 32 or 64 Hz", error.Message);
    }

    [Fact]
    public void Factory_default_reads_as_2_hertz_18_bit_chess()
    {
        Assert.Equal(RefreshRate.TwoHertz, RegisterFields.GetRefreshRate(0x1901));
        Assert.Equal(18, RegisterFields.GetResolution(0x1901).ToBits());
        Assert.Equal(ReadingPattern.Chess, RegisterFields.GetReadingPattern(0x1901));
    }

    [Fact]
    public void Setting_the_refresh_rate_reads_modifies_writes_and_verifies_on_the_wire()
    {
        var bus = new I2cScriptedDevice()
            .ExpectRegisterRead(0x800D, 0x1901)
            .ExpectRegisterWrite(0x800D, 0x1981)
            .ExpectRegisterRead(0x800D, 0x1981);
        using var sensor = new Mlx90640(bus);

        sensor.RefreshRate = RefreshRate.FourHertz;

        Assert.Equal(0, bus.Remaining);
    }

    [Fact]
    public void Setting_an_unchanged_value_writes_nothing()
    {
        var bus = new I2cScriptedDevice().ExpectRegisterRead(0x800D, 0x1901);
        using var sensor = new Mlx90640(bus);

        sensor.ReadingPattern = ReadingPattern.Chess;

        Assert.Equal(0, bus.Remaining);
    }

    [Fact]
    public void A_control_register_that_does_not_read_back_is_an_io_error()
    {
        var bus = new I2cScriptedDevice()
            .ExpectRegisterRead(0x800D, 0x1901)
            .ExpectRegisterWrite(0x800D, 0x1D01)
            .ExpectRegisterRead(0x800D, 0x1901);
        using var sensor = new Mlx90640(bus);

        var error = Assert.Throws<IOException>(() => sensor.Resolution = AdcResolution.Bits19);
        Assert.Contains("0x1D01 but it reads back 0x1901", error.Message);
    }
}
