using System.Buffers.Binary;
using System.Device.I2c;
using System.Globalization;

namespace ThermoHand.Mlx90640.Emulation;

/// <summary>
/// An MLX90640 that lives in memory: an <see cref="I2cDevice"/> answering the datasheet register map (§11.1) so the real
/// driver (<see cref="Mlx90640"/>) runs unchanged against it. It measures alternating subpages at the configured refresh
/// rate on a <see cref="TimeProvider"/> clock, passes what an <see cref="IThermalScene"/> shows through the pixel errors of
/// <see cref="PixelResponseErrors"/> (when set), turns it into raw RAM words with <see cref="RawSubpageSynthesizer"/>,
/// and injects the faults of <see cref="EmulatedFaults"/>.
/// </summary>
/// <remarks>
/// Map: EEPROM 0x2400–0x273F (read only: a write is not acknowledged), RAM 0x0400–0x073F (read only for the host),
/// status 0x8000, control 0x800D (power-up value from EEPROM 0x240C), I2C configuration 0x800F; anything else is not
/// acknowledged. Transfers take no emulated time: the clock moves only when the <see cref="TimeProvider"/> does.
/// Measurements are instantaneous at the end of each subpage period (a real sensor integrates over the period).
/// Thread-safe: one lock around each transfer, so a test may unplug the sensor while a worker reads it.
/// </remarks>
public sealed class EmulatedMlx90640 : I2cDevice
{
    private const int EepromWordCount = 832;
    private const int RamWordCount = RawSubpage.PixelWordCount + RawSubpage.AuxWordCount;
    private const string EepromResourceName = "ThermoHand.Mlx90640.Resources.melexis-sample-eeprom.txt";
    private static readonly Lazy<ushort[]> SampleEeprom = new(LoadSampleEeprom);

    private readonly Lock gate = new();
    private readonly IThermalScene? scene;
    private readonly EmulatedMlx90640Options options;
    private readonly TimeProvider timeProvider;
    private readonly long createdTimestamp;
    private readonly ushort[] eeprom;
    private readonly Mlx90640Calibration calibration;
    private readonly RawSubpage ram = new();
    private readonly float[] sceneTemperatures = new float[RawSubpage.PixelWordCount];
    private readonly Random faultRandom;
    private readonly PlantedPixelErrors? pixelErrors;

    private ushort control;
    private ushort i2cConfiguration;
    private bool newData;
    private bool overwriteEnabled;
    private int lastSubpage;
    private int nextSubpage;
    private TimeSpan scheduleOrigin;
    private long measurementsSinceOrigin;
    private ushort addressPointer;
    private bool unplugged;
    private bool disposed;
    private TimeSpan poweredOnAt;

    /// <param name="scene">What the sensor looks at; null = RAM keeps the words given to <see cref="SetRamWords"/> (register-level tests).</param>
    /// <param name="options">EEPROM, conditions and faults; defaults when null.</param>
    /// <param name="timeProvider">The clock measurements follow; <see cref="TimeProvider.System"/> when null.</param>
    public EmulatedMlx90640(IThermalScene? scene = null, EmulatedMlx90640Options? options = null, TimeProvider? timeProvider = null)
    {
        this.scene = scene;
        this.options = options ?? new EmulatedMlx90640Options();
        var faultProblem = this.options.Faults.Validate();
        if (faultProblem is not null)
        {
            throw new ArgumentException(faultProblem, nameof(options));
        }

        var words = this.options.EepromWords ?? SampleEeprom.Value;
        if (words.Length != EepromWordCount)
        {
            throw new ArgumentException($"The emulated EEPROM needs {EepromWordCount} words (0x2400–0x273F), not {words.Length}.", nameof(options));
        }

        eeprom = words.ToArray();
        calibration = Mlx90640Calibration.Extract(eeprom);
        if (this.options.PixelErrors?.Validate() is { } pixelProblem)
        {
            throw new ArgumentException(pixelProblem, nameof(options));
        }

        pixelErrors = this.options.PixelErrors is { } errors ? PlantedPixelErrors.Draw(errors, calibration) : null;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        createdTimestamp = this.timeProvider.GetTimestamp();
        faultRandom = new Random(this.options.Faults.Seed);
        PowerOn();
    }

    /// <summary>The embedded Melexis sample EEPROM (832 words; Apache-2.0, see Resources/melexis-sample-eeprom.txt).</summary>
    public static ReadOnlyMemory<ushort> DefaultEepromWords => SampleEeprom.Value;

    public override I2cConnectionSettings ConnectionSettings { get; } = new(1, Mlx90640.DefaultI2cAddress);

    /// <summary>The calibration the emulator inverts when it synthesises raw words.</summary>
    public Mlx90640Calibration Calibration => calibration;

    /// <summary>The pixel errors this sensor was given (drawn once from <see cref="EmulatedMlx90640Options.PixelErrors"/>); null = a perfect sensor.</summary>
    public PlantedPixelErrors? PixelErrors => pixelErrors;

    /// <summary>Time since the sensor was last powered on (created or plugged back in): what its warm-up and drift follow.</summary>
    public TimeSpan SincePowerOn
    {
        get
        {
            lock (gate)
            {
                return Now - poweredOnAt;
            }
        }
    }

    /// <summary>Faults injected and measurements completed so far.</summary>
    public EmulatedFaultCounts Counts { get; } = new();

    /// <summary>
    /// True = the sensor is unplugged: every transfer fails with <see cref="IOException"/>. Setting it back to false is a
    /// power-up: the control register returns to its EEPROM default and measurement restarts with subpage 0.
    /// </summary>
    public bool IsUnplugged
    {
        get
        {
            lock (gate)
            {
                return unplugged;
            }
        }

        set
        {
            lock (gate)
            {
                if (unplugged && !value)
                {
                    PowerOn();
                }

                unplugged = value;
            }
        }
    }

    /// <summary>Control register 0x800D as the device holds it now.</summary>
    public ushort ControlRegister
    {
        get
        {
            lock (gate)
            {
                return control;
            }
        }
    }

    /// <summary>Sets RAM 0x0400–0x073F (832 words) directly, for register-level tests without a scene.</summary>
    public void SetRamWords(ReadOnlySpan<ushort> words)
    {
        if (words.Length != RamWordCount)
        {
            throw new ArgumentException($"RAM holds {RamWordCount} words (0x0400–0x073F), not {words.Length}.", nameof(words));
        }

        lock (gate)
        {
            words.CopyTo(ram.Words);
        }
    }

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public override void Read(Span<byte> buffer)
    {
        lock (gate)
        {
            BeginTransfer();
            ReadAtPointer(buffer);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (gate)
        {
            BeginTransfer();
            if (buffer.Length < 2 || buffer.Length % 2 != 0)
            {
                throw new IOException($"Emulated MLX90640: a write is a 16-bit address and 16-bit words; got {buffer.Length} byte(s).");
            }

            addressPointer = BinaryPrimitives.ReadUInt16BigEndian(buffer);
            for (var i = 2; i < buffer.Length; i += 2)
            {
                WriteWord((ushort)(addressPointer + ((i - 2) / 2)), BinaryPrimitives.ReadUInt16BigEndian(buffer[i..]));
            }

            if (Chance(options.Faults.AppliedWriteErrorRate))
            {
                Counts.AppliedWriteErrors++;
                throw new IOException("Error 5 performing I2C data transfer (emulated I/O error after the write was applied).");
            }
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        lock (gate)
        {
            BeginTransfer();
            if (writeBuffer.Length != 2)
            {
                throw new IOException($"Emulated MLX90640: a read starts with the 2-byte word address; got {writeBuffer.Length} byte(s).");
            }

            addressPointer = BinaryPrimitives.ReadUInt16BigEndian(writeBuffer);
            ReadAtPointer(readBuffer);
        }
    }

    protected override void Dispose(bool disposing)
    {
        disposed = true;
        base.Dispose(disposing);
    }

    private static ushort[] LoadSampleEeprom()
    {
        using var stream = typeof(EmulatedMlx90640).Assembly.GetManifestResourceStream(EepromResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {EepromResourceName} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var words = new List<ushort>(EepromWordCount);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.StartsWith('#') || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            foreach (var token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!ushort.TryParse(token, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var word))
                {
                    throw new InvalidDataException($"{EepromResourceName} line {lineNumber}: '{token}' is not a hexadecimal 16-bit word.");
                }

                words.Add(word);
            }
        }

        return words.Count == EepromWordCount
            ? [.. words]
            : throw new InvalidDataException($"{EepromResourceName} holds {words.Count} words, not {EepromWordCount}.");
    }

    private void PowerOn()
    {
        control = eeprom[(int)Register.EepromControlDefault - (int)Register.EepromStart];
        i2cConfiguration = 0;
        newData = false;
        overwriteEnabled = true;
        lastSubpage = 1;
        nextSubpage = 0;
        // Warm-up starts again at every power-up: the die and the optics start cold.
        poweredOnAt = Now;
        RestartSchedule();
    }

    private void RestartSchedule()
    {
        scheduleOrigin = Now;
        measurementsSinceOrigin = 0;
    }

    private TimeSpan Now => timeProvider.GetElapsedTime(createdTimestamp);

    private TimeSpan Period => RegisterFields.GetRefreshRate(control).SubpagePeriod();

    private bool Chance(double rate) => rate > 0 && faultRandom.NextDouble() < rate;

    private void BeginTransfer()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var faults = options.Faults;
        if (unplugged)
        {
            Counts.UnpluggedTransfers++;
            throw new IOException("Error 121 performing I2C data transfer (emulated MLX90640 unplugged: no acknowledge at 0x33).");
        }

        if (Chance(faults.NackRate))
        {
            Counts.Nacks++;
            throw new IOException("Error 121 performing I2C data transfer (emulated NACK).");
        }

        if (Chance(faults.IoErrorRate))
        {
            Counts.IoErrors++;
            throw new IOException("Error 5 performing I2C data transfer (emulated I/O error).");
        }

        CatchUpMeasurements();
    }

    /// <summary>Completes every measurement whose subpage period has ended since the last transfer.</summary>
    private void CatchUpMeasurements()
    {
        var period = Period;
        var due = (long)Math.Floor((Now - scheduleOrigin) / period);
        if (due - measurementsSinceOrigin > 2)
        {
            // Nobody read these; only the last two shape RAM (one per subpage), so skip the synthesis of the rest.
            var skipped = due - measurementsSinceOrigin - 2;
            Counts.CompletedMeasurements += (int)skipped;
            Counts.LostUnread += (int)skipped;
            if (skipped % 2 == 1)
            {
                nextSubpage ^= 1;
            }

            measurementsSinceOrigin += skipped;
        }

        while (measurementsSinceOrigin < due)
        {
            measurementsSinceOrigin++;
            CompleteMeasurement(scheduleOrigin + (period * measurementsSinceOrigin));
        }
    }

    private void CompleteMeasurement(TimeSpan at)
    {
        var faults = options.Faults;
        Counts.CompletedMeasurements++;
        var subpage = nextSubpage;
        if (Chance(faults.RepeatedSubpageRate))
        {
            Counts.RepeatedSubpages++;
            subpage = lastSubpage;
        }

        nextSubpage = 1 - subpage;
        if (newData)
        {
            // The host has not read the previous measurement yet: with overwrite on it is replaced now, with overwrite
            // off this one is dropped. Either way one measurement is lost because the host was late.
            Counts.LostUnread++;
        }

        if (newData && !overwriteEnabled)
        {
            // Status bit 4 = 0: RAM is protected until the host clears bit 3; this measurement is lost.
            return;
        }

        if (scene is not null)
        {
            scene.Render(at, sceneTemperatures);

            // The pixels' own errors act on what they see, before the raw words: the real driver then undoes only the
            // factory calibration, exactly as it would on a real sensor with these errors.
            pixelErrors?.Apply(sceneTemperatures, at - poweredOnAt);
            var dieTemperature = options.DieTemperatureCelsius;
            RawSubpageSynthesizer.Synthesize(
                calibration,
                sceneTemperatures,
                subpage,
                control,
                dieTemperature,
                options.SupplyVoltage,
                options.Emissivity,
                options.ReflectedTemperatureCelsius ?? (dieTemperature - 8f),
                ram);
        }

        lastSubpage = subpage;
        if (Chance(faults.MissedNewDataRate))
        {
            Counts.MissedNewData++;
        }
        else
        {
            newData = true;
        }
    }

    private void ReadAtPointer(Span<byte> buffer)
    {
        if (buffer.Length % 2 != 0)
        {
            throw new IOException($"Emulated MLX90640: reads are whole 16-bit words; {buffer.Length} byte(s) requested.");
        }

        var faults = options.Faults;
        var wordCount = buffer.Length / 2;
        var start = addressPointer;
        var coversPixels = Overlaps(start, wordCount, (int)Register.PixelRamStart, RawSubpage.PixelWordCount);
        var tearAt = coversPixels && Chance(faults.TornReadRate) ? wordCount / 2 : -1;
        for (var i = 0; i < wordCount; i++)
        {
            if (i == tearAt)
            {
                // The next measurement completes now, in the middle of this read, as if the read had been slow enough
                // to straddle the end of a subpage period: the schedule moves so that its next slot is now, keeping
                // later measurements one period apart.
                Counts.TornReads++;
                var now = Now;
                scheduleOrigin -= scheduleOrigin + (Period * (measurementsSinceOrigin + 1)) - now;
                measurementsSinceOrigin++;
                CompleteMeasurement(now);
            }

            BinaryPrimitives.WriteUInt16BigEndian(buffer[(2 * i)..], ReadWord((ushort)(start + i)));
        }

        var auxStart = (int)Register.AuxiliaryRamStart;
        if (Overlaps(start, wordCount, auxStart, RawSubpage.AuxWordCount) && Chance(faults.AuxiliaryNotReadyRate))
        {
            var first = Math.Max(start, auxStart);
            var last = Math.Min(start + wordCount, auxStart + RawSubpage.AuxWordCount) - 1;
            for (var tries = 0; tries < 64; tries++)
            {
                var address = faultRandom.Next(first, last + 1);
                if (Mlx90640.IsCheckedAuxiliaryIndex(address - auxStart))
                {
                    Counts.AuxiliaryNotReady++;
                    BinaryPrimitives.WriteUInt16BigEndian(buffer[(2 * (address - start))..], 0x7FFF);
                    break;
                }
            }
        }

        if (faults.FlippedBitRate > 0)
        {
            // Per word, so long block reads (EEPROM, pixels) catch glitches in proportion to their length.
            for (var i = 0; i < wordCount; i++)
            {
                if (Chance(faults.FlippedBitRate))
                {
                    Counts.FlippedBits++;
                    var bit = faultRandom.Next(16);
                    buffer[(2 * i) + (bit / 8)] ^= (byte)(1 << (bit % 8));
                }
            }
        }

        addressPointer = (ushort)(start + wordCount);
    }

    private static bool Overlaps(int start, int count, int regionStart, int regionCount) =>
        start < regionStart + regionCount && regionStart < start + count;

    private ushort ReadWord(ushort address)
    {
        var eepromStart = (int)Register.EepromStart;
        var ramStart = (int)Register.PixelRamStart;
        if (address >= eepromStart && address < eepromStart + EepromWordCount)
        {
            return eeprom[address - eepromStart];
        }

        if (address >= ramStart && address < ramStart + RamWordCount)
        {
            return ram.Words[address - ramStart];
        }

        return address switch
        {
            (ushort)Register.Status => (ushort)((newData ? RegisterFields.StatusNewDataMask : 0)
                | (overwriteEnabled ? RegisterFields.StatusOverwriteEnableMask : 0)
                | lastSubpage),
            (ushort)Register.Control => control,
            (ushort)Register.I2cConfiguration => i2cConfiguration,
            _ => throw new IOException($"Emulated MLX90640: address 0x{address:X4} is not in the memory map (no acknowledge)."),
        };
    }

    private void WriteWord(ushort address, ushort value)
    {
        var eepromStart = (int)Register.EepromStart;
        if (address >= eepromStart && address < eepromStart + EepromWordCount)
        {
            throw new IOException($"Emulated MLX90640: write of 0x{value:X4} to EEPROM 0x{address:X4} not acknowledged (the emulated EEPROM is read only).");
        }

        switch (address)
        {
            case (ushort)Register.Status:
                // Bit 3 is cleared by writing 0 (the host acknowledges the data); bit 5 (start measurement) self-clears.
                if ((value & RegisterFields.StatusNewDataMask) == 0)
                {
                    newData = false;
                }

                overwriteEnabled = (value & RegisterFields.StatusOverwriteEnableMask) != 0;
                break;
            case (ushort)Register.Control:
                var rateChanged = (value & RegisterFields.RefreshRateMask) != (control & RegisterFields.RefreshRateMask);
                control = value;
                if (rateChanged)
                {
                    // The new period starts now: the measurement in progress is restarted at the new rate.
                    RestartSchedule();
                }

                break;
            case (ushort)Register.I2cConfiguration:
                i2cConfiguration = value;
                break;
            default:
                throw new IOException($"Emulated MLX90640: write of 0x{value:X4} to 0x{address:X4} not acknowledged (not a writable register).");
        }
    }
}
