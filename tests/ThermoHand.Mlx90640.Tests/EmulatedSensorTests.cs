using System.Buffers.Binary;
using ThermoHand.Mlx90640.Emulation;

namespace ThermoHand.Mlx90640.Tests;

/// <summary>The emulated sensor's register map and timing, checked at the register level (fixed RAM, no scene).</summary>
public class EmulatedSensorTests
{
    private static ushort Read(EmulatedMlx90640 sensor, ushort address)
    {
        Span<byte> word = stackalloc byte[2];
        sensor.WriteRead([(byte)(address >> 8), (byte)address], word);
        return BinaryPrimitives.ReadUInt16BigEndian(word);
    }

    private static void Write(EmulatedMlx90640 sensor, ushort address, ushort value) =>
        sensor.Write([(byte)(address >> 8), (byte)address, (byte)(value >> 8), (byte)value]);

    [Fact]
    public void Default_eeprom_is_the_melexis_sample_and_sets_the_control_register()
    {
        var clock = new EmulationTestClock(TimeSpan.Zero);
        using var sensor = new EmulatedMlx90640(timeProvider: clock);

        Assert.Equal(832, EmulatedMlx90640.DefaultEepromWords.Length);
        Assert.Equal(0x00AE, Read(sensor, 0x2400));
        Assert.Equal(0x499A, Read(sensor, 0x2401));
        Assert.Equal(0x1901, Read(sensor, 0x240C));
        Assert.Equal(0x1901, Read(sensor, 0x800D)); // power-up value copied from EEPROM 0x240C
    }

    [Fact]
    public void New_data_appears_each_subpage_period_with_alternating_subpages()
    {
        var clock = new EmulationTestClock(TimeSpan.Zero);
        using var sensor = new EmulatedMlx90640(timeProvider: clock); // 2 Hz: 500 ms per subpage

        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(0, Read(sensor, 0x8000) & 0x0008);

        clock.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal(0x0018, Read(sensor, 0x8000)); // new data, overwrite enabled, subpage 0

        Write(sensor, 0x8000, 0x0030);
        // Pitfall 3: the device rewrites the status register, the read-back is not the 0x0030 written.
        Assert.Equal(0x0010, Read(sensor, 0x8000));

        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0x0019, Read(sensor, 0x8000)); // subpage 1
        Assert.Equal(2, sensor.Counts.CompletedMeasurements);
    }

    [Fact]
    public void Changing_the_refresh_rate_changes_the_period_from_that_moment()
    {
        var clock = new EmulationTestClock(TimeSpan.Zero);
        using var sensor = new EmulatedMlx90640(timeProvider: clock);
        Write(sensor, 0x800D, RegisterFields.WithRefreshRate(0x1901, RefreshRate.SixteenHertz)); // 62.5 ms

        clock.Advance(TimeSpan.FromMilliseconds(62));
        Assert.Equal(0, Read(sensor, 0x8000) & 0x0008);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0x0008, Read(sensor, 0x8000) & 0x0008);
    }

    [Fact]
    public void Ram_reads_return_the_loaded_words_big_endian_with_the_pointer_advancing()
    {
        using var sensor = new EmulatedMlx90640(timeProvider: new EmulationTestClock(TimeSpan.Zero));
        var ram = Enumerable.Range(0, 832).Select(i => (ushort)(i * 77)).ToArray();
        sensor.SetRamWords(ram);

        var bytes = new byte[8];
        sensor.WriteRead([0x06, 0xFE], bytes); // 0x06FE, 0x06FF (last pixels), 0x0700, 0x0701 (first aux words)

        Assert.Equal(new[] { ram[766], ram[767], ram[768], ram[769] }, Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2 * i))));
        Span<byte> next = stackalloc byte[2];
        sensor.Read(next); // plain read continues at 0x0702
        Assert.Equal(ram[770], BinaryPrimitives.ReadUInt16BigEndian(next));
    }

    [Theory]
    [InlineData(0x2400, "EEPROM 0x2400 not acknowledged")]
    [InlineData(0x240C, "EEPROM 0x240C not acknowledged")]
    [InlineData(0x0400, "0x0400 not acknowledged (not a writable register)")]
    [InlineData(0x9000, "0x9000 not acknowledged")]
    public void Writes_outside_the_writable_registers_are_not_acknowledged(int address, string expected)
    {
        using var sensor = new EmulatedMlx90640(timeProvider: new EmulationTestClock(TimeSpan.Zero));

        var error = Assert.Throws<IOException>(() => Write(sensor, (ushort)address, 0x1234));

        Assert.Contains(expected, error.Message);
        Assert.Equal(0x1901, Read(sensor, 0x240C)); // the EEPROM is unchanged
    }

    [Fact]
    public void Reads_outside_the_memory_map_are_not_acknowledged()
    {
        using var sensor = new EmulatedMlx90640(timeProvider: new EmulationTestClock(TimeSpan.Zero));

        var error = Assert.Throws<IOException>(() => Read(sensor, 0x3000));
        Assert.Contains("0x3000 is not in the memory map", error.Message);
    }

    [Fact]
    public void Unplugged_sensor_fails_every_transfer_and_powers_up_with_defaults_when_replugged()
    {
        var clock = new EmulationTestClock(TimeSpan.Zero);
        using var sensor = new EmulatedMlx90640(timeProvider: clock);
        Write(sensor, 0x800D, 0x1981);

        sensor.IsUnplugged = true;
        Assert.Throws<IOException>(() => Read(sensor, 0x800D));
        Assert.Throws<IOException>(() => Write(sensor, 0x8000, 0x0030));
        sensor.IsUnplugged = false;

        Assert.Equal(0x1901, Read(sensor, 0x800D)); // settings are RAM: lost on power-up (pitfall 9)
        Assert.Equal(2, sensor.Counts.UnpluggedTransfers);
    }

    [Fact]
    public void Fault_rates_outside_0_to_1_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmulatedMlx90640(options: new EmulatedMlx90640Options { Faults = new EmulatedFaults { TornReadRate = 1.5 } }));
        Assert.Contains("TornReadRate = 1.5", error.Message);
    }

    [Fact]
    public void Fixed_ram_reads_through_the_driver_allocate_nothing_per_subpage()
    {
        var clock = new EmulationTestClock(TimeSpan.FromMilliseconds(1));
        using var driver = new Mlx90640(new EmulatedMlx90640(timeProvider: clock), clock) { StatusPollInterval = TimeSpan.Zero };
        driver.RefreshRate = RefreshRate.SixtyFourHertz;
        var subpage = new RawSubpage();
        Assert.True(driver.TryReadSubpage(subpage, TimeSpan.FromSeconds(1))); // warm-up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            Assert.True(driver.TryReadSubpage(subpage, TimeSpan.FromSeconds(1)));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
