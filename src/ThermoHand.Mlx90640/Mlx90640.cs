using System.Buffers.Binary;
using System.Device.I2c;

namespace ThermoHand.Mlx90640;

/// <summary>
/// The Melexis MLX90640 32×24 thermal sensor on I2C (datasheet rev. 12, §11 memory map and registers; read sequence as
/// the vendor reference <c>MLX90640_GetFrameData</c> @f6be7ca, with the validation it lacks). Owns and disposes the
/// <see cref="I2cDevice"/>. Never writes the EEPROM (pitfall 9).
/// </summary>
/// <remarks>
/// Every register access is one <see cref="I2cDevice.WriteRead"/> (address pointer then repeated start) per block or chunk;
/// words are big-endian on the wire (pitfall 13). A subpage read allocates nothing. A transfer that fails with an
/// <see cref="IOException"/> is tried again up to <see cref="TransferAttempts"/> times in all, and counted.
/// </remarks>
public sealed class Mlx90640 : ISubpageSource
{
    /// <summary>Factory I2C address (datasheet §8.1; EEPROM 0x240F may move it).</summary>
    public const byte DefaultI2cAddress = 0x33;

    /// <summary>How many times a block with an aux word of 0x7FFF (not ready) is read again before giving up.</summary>
    public const int AuxiliaryReadAttempts = 3;

    /// <summary>How many times a subpage torn by a measurement completing during the read is read again.</summary>
    public const int TornReadAttempts = 3;

    private const int EepromWordCount = 832;
    private const ushort NotReadyWord = 0x7FFF;

    private readonly TimeProvider timeProvider;
    private readonly long startTimestamp;
    // Large enough for the longest block (the EEPROM, 832 words) in one transfer.
    private readonly byte[] readBuffer = new byte[EepromWordCount * 2];
    private ushort[]? eepromWords;
    private ushort? lastControlRegister;
    private I2cDevice? device;
    // Read by the health check on another thread, written by the acquisition thread.
    private long transferCount;
    private long failedTransferCount;

    /// <param name="i2cDevice">The sensor's I2C device (address <see cref="DefaultI2cAddress"/>); owned and disposed by this object.</param>
    /// <param name="timeProvider">Clock for timeouts and subpage timestamps; <see cref="TimeProvider.System"/> when null.</param>
    public Mlx90640(I2cDevice i2cDevice, TimeProvider? timeProvider = null)
    {
        device = i2cDevice ?? throw new ArgumentNullException(nameof(i2cDevice));
        this.timeProvider = timeProvider ?? TimeProvider.System;
        startTimestamp = this.timeProvider.GetTimestamp();
    }

    /// <summary>
    /// Most words moved by one I2C read. 0 (default) = a whole block (768 pixel words = 1536 bytes) in one transfer.
    /// Set it lower for hosts or adapters with short transfer buffers: a too-short buffer returns all 0xFFFF or partial
    /// data instead of failing (pitfall 13, vendor issues #104 and #25).
    /// </summary>
    public int MaximumWordsPerRead
    {
        get;
        set => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaximumWordsPerRead), value, "0 (whole block) or a positive word count.");
    }

    /// <summary>Pause between two polls of the status register while waiting for new data. Tests with a fake clock use zero.</summary>
    public TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// How long <see cref="ISubpageSource.TryReadSubpage"/> waits for new data before reporting a stuck sensor:
    /// this many subpage periods at the current refresh rate (plus a fixed second for the bus).
    /// </summary>
    public int StuckSensorPeriods { get; set; } = 4;

    /// <summary>
    /// How many times one I2C transfer is tried before its <see cref="IOException"/> reaches the caller (default 3, at
    /// least 1). Reads and control-register writes are idempotent, so a transfer that failed on a noisy bus is simply done
    /// again; without this, a glitch after the new-data flag was cleared lost that measurement (10 % failing transfers cost
    /// 55–70 % of the measurements, docs/reliability.md). An unplugged sensor fails every attempt within microseconds.
    /// Clearing the new-data flag is the one write that is not idempotent; see <see cref="ClearNewData"/>.
    /// </summary>
    public int TransferAttempts
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(TransferAttempts), value, "at least 1 (1 = no retry).");
    } = 3;

    /// <summary>I2C transfers tried (every attempt), for the bus error rate the technician sees.</summary>
    public long TransferCount => Interlocked.Read(ref transferCount);

    /// <summary>I2C transfers that failed (every failed attempt, whether a later attempt succeeded or not).</summary>
    public long FailedTransferCount => Interlocked.Read(ref failedTransferCount);

    /// <summary>Subpages discarded because a measurement completed while they were being read (see <see cref="TryReadSubpage(RawSubpage, TimeSpan, CancellationToken)"/>).</summary>
    public int TornReadCount { get; private set; }

    /// <summary>Aux blocks read again because a checked word was 0x7FFF.</summary>
    public int AuxiliaryRereadCount { get; private set; }

    /// <inheritdoc/>
    /// <remarks>Read from the sensor (twice, compared) on first use and kept.</remarks>
    public ReadOnlyMemory<ushort> EepromWords => eepromWords ?? ReadEepromWords();

    /// <summary>Subpage refresh rate (control register bits 7–9). Setting it changes only those bits.</summary>
    public RefreshRate RefreshRate
    {
        get => RegisterFields.GetRefreshRate(ReadControlRegister());
        set => ModifyControlRegister(c => RegisterFields.WithRefreshRate(c, value), nameof(RefreshRate));
    }

    /// <summary>ADC resolution (control register bits 10–11). Setting it changes only those bits.</summary>
    public AdcResolution Resolution
    {
        get => RegisterFields.GetResolution(ReadControlRegister());
        set => ModifyControlRegister(c => RegisterFields.WithResolution(c, value), nameof(Resolution));
    }

    /// <summary>Reading pattern (control register bit 12). Setting it changes only that bit. Use chess (pitfall 10).</summary>
    public ReadingPattern ReadingPattern
    {
        get => RegisterFields.GetReadingPattern(ReadControlRegister());
        set => ModifyControlRegister(c => RegisterFields.WithReadingPattern(c, value), nameof(ReadingPattern));
    }

    /// <summary>Control register 0x800D as a whole word.</summary>
    public ushort ReadControlRegister() => ReadRegister((ushort)Register.Control);

    /// <summary>Status register 0x8000 (the device changes it by itself; see <see cref="RegisterFields"/>).</summary>
    public ushort ReadStatusRegister() => ReadRegister((ushort)Register.Status);

    /// <summary>
    /// Reads the EEPROM (0x2400–0x273F) twice, checks both reads agree (an I2C glitch must not become a wrong calibration)
    /// and extracts the calibration. Throws <see cref="IOException"/> naming the differing words, or
    /// <see cref="Mlx90640EepromException"/> for an implausible dump.
    /// </summary>
    public Mlx90640Calibration ReadEeprom() => Mlx90640Calibration.Extract(ReadEepromWords());

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for a new subpage and reads it into <paramref name="destination"/>:
    /// poll status bit 3, clear it with 0x0030, read 768 pixel words and 64 aux words, check the aux words (re-read on
    /// 0x7FFF), read the control register, take the subpage from status bit 0, and read status again: if a further
    /// measurement completed during the read, the aux words may belong to it (torn read), so the subpage is discarded and
    /// the newer one read instead. Returns false on timeout. Throws <see cref="IOException"/> for a bus fault, an aux
    /// block that stays "not ready", or reads that are torn every time (bus too slow for the refresh rate).
    /// </summary>
    public bool TryReadSubpage(RawSubpage destination, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var waitStart = timeProvider.GetTimestamp();
        var status = WaitForNewData(waitStart, timeout, cancellationToken);
        if (status is null)
        {
            return false;
        }

        var words = destination.Words;
        for (var attempt = 1; ; attempt++)
        {
            destination.TimeSeconds = timeProvider.GetElapsedTime(startTimestamp).TotalSeconds;
            status = ClearNewData(status.Value);
            words[RawSubpage.SubpageIndex] = (ushort)(status.Value & RegisterFields.StatusLastSubpageMask);
            ReadWords((ushort)Register.PixelRamStart, words.AsSpan(0, RawSubpage.PixelWordCount));
            ReadAuxiliaryWords(words.AsSpan(RawSubpage.PixelWordCount, RawSubpage.AuxWordCount));
            words[RawSubpage.ControlRegisterIndex] = ReadControlRegister();
            lastControlRegister = words[RawSubpage.ControlRegisterIndex];

            var after = ReadStatusRegister();
            if ((after & RegisterFields.StatusNewDataMask) == 0)
            {
                return true;
            }

            TornReadCount++;
            if (attempt == TornReadAttempts)
            {
                throw new IOException(
                    $"MLX90640: a new measurement completed during each of {TornReadAttempts} subpage reads, so the data may mix two " +
                    $"measurements. The I2C transfer is too slow for the refresh rate ({RegisterFields.GetRefreshRate(words[RawSubpage.ControlRegisterIndex]).ToHertz()} Hz): " +
                    "raise dtparam=i2c_arm_baudrate (400000) in /boot/firmware/config.txt or lower the refresh rate.");
            }

            status = after;
        }
    }

    /// <inheritdoc/>
    /// <remarks>A sensor that produces nothing for <see cref="StuckSensorPeriods"/> periods is reported as an <see cref="IOException"/>: a live sensor never ends.</remarks>
    bool ISubpageSource.TryReadSubpage(RawSubpage destination, CancellationToken cancellationToken)
    {
        // The control word of the last subpage saves a bus transfer per subpage; the first call reads it.
        var period = RegisterFields.GetRefreshRate(lastControlRegister ?? ReadControlRegister()).SubpagePeriod();
        var timeout = (period * StuckSensorPeriods) + TimeSpan.FromSeconds(1);
        if (TryReadSubpage(destination, timeout, cancellationToken))
        {
            return true;
        }

        throw new IOException(
            $"MLX90640 at 0x{ConnectionAddress:X2}: no new data for {timeout.TotalSeconds:0.##} s (status bit 3 never set) at " +
            $"{period.TotalSeconds:0.###} s per subpage. Check the sensor's supply and that nothing else writes its control register.");
    }

    public void Dispose()
    {
        device?.Dispose();
        device = null;
    }

    /// <summary>One register word: write the 2-byte address, repeated start, read 2 bytes (big-endian).</summary>
    internal ushort ReadRegister(ushort address)
    {
        Span<ushort> word = stackalloc ushort[1];
        ReadWords(address, word);
        return word[0];
    }

    /// <summary>One register write: address then value, both big-endian, in one transfer.</summary>
    internal void WriteRegister(ushort address, ushort value)
    {
        if (address is >= (ushort)Register.EepromStart and < (ushort)Register.EepromStart + EepromWordCount)
        {
            // Pitfall 9: EEPROM writes have corrupted sensors in the field; this driver has no reason to make one.
            throw new InvalidOperationException($"Refusing to write EEPROM word 0x{address:X4}: ThermoHand never writes the MLX90640 EEPROM.");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                WriteOnce(address, value);
                return;
            }
            catch (IOException) when (attempt < TransferAttempts)
            {
                // Writing the same word again is harmless for every register this driver writes, except the status
                // register's new-data flag, which ClearNewData handles.
            }
        }
    }

    /// <summary>
    /// Clears the new-data flag (status bit 3) of the measurement described by <paramref name="status"/> and returns the
    /// status of the measurement that will be read. A failed clear may or may not have reached the sensor, and blindly
    /// writing it again could clear the flag of a newer measurement that completed in between — that one would then be
    /// read without the torn-read check noticing. So after a failure the status is read again: flag clear = the write
    /// did arrive; flag still set = it did not, or a newer measurement has arrived (then its status, with its own subpage
    /// number, is the one cleared and read).
    /// </summary>
    private ushort ClearNewData(ushort status)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                WriteOnce((ushort)Register.Status, RegisterFields.StatusClearNewData);
                return status;
            }
            catch (IOException) when (attempt < TransferAttempts)
            {
                var now = ReadStatusRegister();
                if ((now & RegisterFields.StatusNewDataMask) == 0)
                {
                    return status;
                }

                status = now;
            }
        }
    }

    private void WriteOnce(ushort address, ushort value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, address);
        BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], value);
        var i2c = Device;
        Interlocked.Increment(ref transferCount);
        try
        {
            i2c.Write(bytes);
        }
        catch (IOException)
        {
            Interlocked.Increment(ref failedTransferCount);
            throw;
        }
    }

    /// <summary>One address-then-read transfer, tried up to <see cref="TransferAttempts"/> times (reads change nothing on the sensor).</summary>
    private void WriteRead(I2cDevice i2c, ReadOnlySpan<byte> address, Span<byte> destination)
    {
        for (var attempt = 1; ; attempt++)
        {
            Interlocked.Increment(ref transferCount);
            try
            {
                i2c.WriteRead(address, destination);
                return;
            }
            catch (IOException)
            {
                Interlocked.Increment(ref failedTransferCount);
                if (attempt >= TransferAttempts)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// Reads consecutive words from <paramref name="address"/>, one WriteRead per chunk of at most
    /// <see cref="MaximumWordsPerRead"/> words (the address pointer is set again for every chunk).
    /// </summary>
    internal void ReadWords(ushort address, Span<ushort> destination)
    {
        var device = Device;
        Span<byte> addressBytes = stackalloc byte[2];
        var chunkWords = MaximumWordsPerRead == 0 ? readBuffer.Length / 2 : Math.Min(MaximumWordsPerRead, readBuffer.Length / 2);
        var done = 0;
        while (done < destination.Length)
        {
            var count = Math.Min(chunkWords, destination.Length - done);
            BinaryPrimitives.WriteUInt16BigEndian(addressBytes, (ushort)(address + done));
            var bytes = readBuffer.AsSpan(0, count * 2);
            WriteRead(device, addressBytes, bytes);
            for (var i = 0; i < count; i++)
            {
                destination[done + i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]);
            }

            done += count;
        }
    }

    /// <summary>Aux block indices that must never read 0x7FFF (pitfall 5); the others may legitimately hold it.</summary>
    internal static bool IsCheckedAuxiliaryIndex(int index) => index switch
    {
        0 => true,
        >= 8 and <= 18 => true,
        >= 20 and <= 22 => true,
        >= 24 and <= 32 => true,
        >= 40 and <= 50 => true,
        >= 52 and <= 54 => true,
        >= 56 and <= 63 => true,
        _ => false,
    };

    private I2cDevice Device => device ?? throw new ObjectDisposedException(nameof(Mlx90640));

    private int ConnectionAddress => device?.ConnectionSettings.DeviceAddress ?? DefaultI2cAddress;

    private ushort? WaitForNewData(long waitStart, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var status = ReadStatusRegister();
            if ((status & RegisterFields.StatusNewDataMask) != 0)
            {
                return status;
            }

            if (timeProvider.GetElapsedTime(waitStart) >= timeout)
            {
                return null;
            }

            if (StatusPollInterval > TimeSpan.Zero)
            {
                cancellationToken.WaitHandle.WaitOne(StatusPollInterval);
            }
        }
    }

    private void ReadAuxiliaryWords(Span<ushort> aux)
    {
        for (var attempt = 1; ; attempt++)
        {
            ReadWords((ushort)Register.AuxiliaryRamStart, aux);
            var notReady = FirstNotReadyAuxiliaryIndex(aux);
            if (notReady < 0)
            {
                return;
            }

            if (attempt == AuxiliaryReadAttempts)
            {
                throw new IOException(
                    $"MLX90640: auxiliary RAM word 0x{(int)Register.AuxiliaryRamStart + notReady:X4} read 0x7FFF (not ready) on " +
                    $"{AuxiliaryReadAttempts} reads; the die temperature and supply voltage cannot be computed from it.");
            }

            AuxiliaryRereadCount++;
        }
    }

    private static int FirstNotReadyAuxiliaryIndex(ReadOnlySpan<ushort> aux)
    {
        for (var i = 0; i < aux.Length; i++)
        {
            if (aux[i] == NotReadyWord && IsCheckedAuxiliaryIndex(i))
            {
                return i;
            }
        }

        return -1;
    }

    private ushort[] ReadEepromWords()
    {
        var first = new ushort[EepromWordCount];
        var second = new ushort[EepromWordCount];
        ReadWords((ushort)Register.EepromStart, first);
        ReadWords((ushort)Register.EepromStart, second);
        if (!first.AsSpan().SequenceEqual(second))
        {
            var differences = new List<string>();
            var count = 0;
            for (var i = 0; i < EepromWordCount; i++)
            {
                if (first[i] != second[i])
                {
                    count++;
                    if (differences.Count < 5)
                    {
                        differences.Add($"0x{(int)Register.EepromStart + i:X4} (0x{first[i]:X4} then 0x{second[i]:X4})");
                    }
                }
            }

            throw new IOException(
                $"MLX90640 EEPROM read twice gave different values in {count} word(s): {string.Join(", ", differences)}. " +
                "The I2C bus is unreliable: check wiring, pull-ups and the 10 µF + 100 nF decoupling at the sensor.");
        }

        eepromWords = first;
        return first;
    }

    private void ModifyControlRegister(Func<ushort, ushort> change, string setting)
    {
        var before = ReadControlRegister();
        var after = change(before);
        if (after == before)
        {
            return;
        }

        WriteRegister((ushort)Register.Control, after);
        lastControlRegister = null;
        // The control register is plain RAM (unlike 0x8000), so a read-back must equal what was written.
        var readBack = ReadControlRegister();
        if (readBack != after)
        {
            throw new IOException($"MLX90640: setting {setting} wrote control register 0x800D = 0x{after:X4} but it reads back 0x{readBack:X4}.");
        }
    }
}
