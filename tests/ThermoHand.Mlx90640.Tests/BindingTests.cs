using ThermoHand.Mlx90640.Emulation;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>What the driver puts on the wire, byte for byte (datasheet §11: 16-bit addresses, big-endian words).</summary>
public class BindingTests
{
    [Fact]
    public void Register_read_is_one_write_read_with_big_endian_address_and_word()
    {
        var bus = new I2cScriptedDevice().ExpectWriteRead([0x80, 0x0D], [0x19, 0x01]);
        using var sensor = new Mlx90640(bus);

        Assert.Equal(0x1901, sensor.ReadControlRegister());
        Assert.Equal(0, bus.Remaining);
    }

    [Fact]
    public void Subpage_read_follows_the_vendor_sequence_and_decodes_big_endian()
    {
        var pixels = new byte[768 * 2];
        pixels[0] = 0xFF; // pixel 0 = 0xFFB4 (a signed −76), byte order must not be swapped
        pixels[1] = 0xB4;
        pixels[^2] = 0x01;
        pixels[^1] = 0x02;
        var aux = new byte[64 * 2];
        aux[0] = 0x4C; // Ta_Vbe 0x4CCD
        aux[1] = 0xCD;
        var bus = new I2cScriptedDevice()
            .ExpectRegisterRead(0x8000, 0x0000) // no new data yet
            .ExpectRegisterRead(0x8000, 0x0019) // new data (bit 3), subpage 1 (bit 0), overwrite enabled (bit 4)
            .ExpectRegisterWrite(0x8000, 0x0030) // clear new data, as MLX90640_GetFrameData
            .ExpectWriteRead([0x04, 0x00], pixels) // 768 pixel words in one transfer
            .ExpectWriteRead([0x07, 0x00], aux) // 64 aux words
            .ExpectRegisterRead(0x800D, 0x1901) // control register with every subpage (pitfall 8)
            .ExpectRegisterRead(0x8000, 0x0011); // no further measurement during the read: not torn
        using var sensor = new Mlx90640(bus) { StatusPollInterval = TimeSpan.Zero };
        var subpage = new RawSubpage();

        Assert.True(sensor.TryReadSubpage(subpage, TimeSpan.FromSeconds(1)));

        Assert.Equal(0, bus.Remaining);
        Assert.Equal(0xFFB4, subpage.Words[0]);
        Assert.Equal(0x0102, subpage.Words[767]);
        Assert.Equal(0x4CCD, subpage.Words[768]);
        Assert.Equal(0x1901, subpage.ControlRegister);
        Assert.Equal(1, subpage.Subpage);
        Assert.Equal(0, sensor.TornReadCount);
    }

    [Fact]
    public void Writing_the_eeprom_is_refused_before_anything_reaches_the_bus()
    {
        var bus = new I2cScriptedDevice();
        using var sensor = new Mlx90640(bus);

        var error = Assert.Throws<InvalidOperationException>(() => sensor.WriteRegister(0x240C, 0x1981));
        Assert.Contains("0x240C", error.Message);
    }

    [Fact]
    public void Dispose_disposes_the_owned_i2c_device_and_later_use_is_refused()
    {
        var bus = new I2cScriptedDevice();
        var sensor = new Mlx90640(bus);
        sensor.Dispose();

        Assert.True(bus.Disposed);
        Assert.Throws<ObjectDisposedException>(() => sensor.ReadControlRegister());
    }

    [Theory]
    [InlineData(0, 2)] // whole block: EEPROM (832 words) twice in one transfer each
    [InlineData(100, 18)] // 9 chunks (8 × 100 + 32 words) per read, twice
    [InlineData(32, 52)] // 26 chunks of 32 words per read, twice
    public void Long_reads_are_chunked_to_the_maximum_transfer_size_with_the_address_advanced(int maximumWords, int expectedTransfers)
    {
        var recorder = new I2cRecordingDevice(new EmulatedMlx90640());
        using var sensor = new Mlx90640(recorder) { MaximumWordsPerRead = maximumWords };

        var calibration = sensor.ReadEeprom();

        Assert.Equal(expectedTransfers, recorder.Reads.Count);
        var perRead = expectedTransfers / 2;
        var address = 0x2400;
        foreach (var (readAddress, byteCount) in recorder.Reads.Take(perRead))
        {
            Assert.Equal(address, readAddress);
            address += byteCount / 2;
        }

        Assert.Equal(0x2740, address);
        Assert.True(sensor.EepromWords.Span.SequenceEqual(EmulatedMlx90640.DefaultEepromWords.Span));
        Assert.Equal(Mlx90640Calibration.Extract(EmulatedMlx90640.DefaultEepromWords.Span).KVdd, calibration.KVdd);
        Assert.Empty(recorder.Writes); // reading the EEPROM writes nothing
    }

    [Fact]
    public void Eeprom_reads_that_disagree_are_an_io_error_naming_the_words()
    {
        var faults = new EmulatedFaults { FlippedBitRate = 0.01, Seed = 3 }; // ≈ 8 flipped words per EEPROM read
        using var sensor = new Mlx90640(new EmulatedMlx90640(options: new EmulatedMlx90640Options { Faults = faults }));

        var error = Assert.Throws<IOException>(() => sensor.ReadEeprom());

        Assert.Matches("EEPROM read twice gave different values in [0-9]+ word\\(s\\): 0x2[4-7][0-9A-F]{2} \\(0x[0-9A-F]{4} then 0x[0-9A-F]{4}\\)", error.Message);
    }

    [Fact]
    public void Subpage_source_reads_the_eeprom_once_and_keeps_it()
    {
        var recorder = new I2cRecordingDevice(new EmulatedMlx90640());
        using var sensor = new Mlx90640(recorder);
        ISubpageSource source = sensor;

        Assert.Equal(832, source.EepromWords.Length);
        Assert.Equal(832, source.EepromWords.Length);
        Assert.Equal(2, recorder.Reads.Count); // one double read, not one per access
    }
}
