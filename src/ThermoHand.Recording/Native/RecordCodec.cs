using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;

namespace ThermoHand.Recording.Native;

/// <summary>
/// Payload layouts of each record type (pure byte shuffling, no file I/O). Numbers are little-endian, strings are
/// UTF-8 with a 7-bit-encoded length prefix (the BinaryWriter convention). Readers ignore bytes after the fields they
/// know, so later minor versions may append fields.
/// </summary>
internal static class RecordCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly int[] ChessOrder = MakeOrder((row, column) => (row + column) % 2);
    private static readonly int[] InterleavedOrder = MakeOrder((row, _) => row % 2);

    /// <summary>
    /// The order in which compressed encodings store the 834 words: pixels of subpage 0, pixels of subpage 1 (by the
    /// session's reading pattern), then the 66 aux/control/status words. Part of the file format.
    /// </summary>
    public static int[] WordOrder(ReadingPattern pattern) => pattern == ReadingPattern.Chess ? ChessOrder : InterleavedOrder;

    private static int[] MakeOrder(Func<int, int, int> half)
    {
        var pixels = Enumerable.Range(0, RawSubpage.PixelWordCount);
        return [.. pixels.Where(p => half(p / 32, p % 32) == 0), .. pixels.Where(p => half(p / 32, p % 32) == 1),
            .. Enumerable.Range(RawSubpage.PixelWordCount, RawSubpage.WordCount - RawSubpage.PixelWordCount)];
    }

    /// <summary>Subpage payload: time (8), encoding (1), subpage number (1), then the words.</summary>
    public const int SubpageBodyOffset = 10;

    public static void WriteHeader(BinaryWriter writer, RecordingHeader header)
    {
        foreach (var word in header.EepromWords)
        {
            writer.Write(word);
        }

        writer.Write(header.ControlRegister);
        writer.Write(header.Emissivity);
        writer.Write((byte)header.ReflectedTemperature.Mode);
        writer.Write(header.ReflectedTemperature.Value);
        writer.Write(header.DeviceId);
        writer.Write(header.SensorId);
        writer.Write((byte)header.Hand);
        writer.Write(header.ProtocolPreset);
        writer.Write(header.StartedUtc.UtcTicks);
        writer.Write(header.Software);
    }

    public static RecordingHeader ReadHeader(BinaryReader reader)
    {
        var eeprom = new ushort[RecordingFormat.EepromWordCount];
        for (var i = 0; i < eeprom.Length; i++)
        {
            eeprom[i] = reader.ReadUInt16();
        }

        var control = reader.ReadUInt16();
        var emissivity = reader.ReadSingle();
        var trMode = reader.ReadByte();
        var trValue = reader.ReadDouble();
        var deviceId = reader.ReadString();
        var sensorId = reader.ReadString();
        var hand = reader.ReadByte();
        var preset = reader.ReadString();
        var startedTicks = reader.ReadInt64();
        var software = reader.ReadString();
        if (!Enum.IsDefined((ReflectedTemperatureMode)trMode))
        {
            throw new InvalidDataException($"unknown reflected-temperature mode {trMode}");
        }

        if (!Enum.IsDefined((Hand)hand))
        {
            throw new InvalidDataException($"unknown hand {hand}");
        }

        if (startedTicks < DateTimeOffset.MinValue.UtcTicks || startedTicks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new InvalidDataException($"start time {startedTicks} ticks is out of range");
        }

        return new RecordingHeader(eeprom)
        {
            ControlRegister = control,
            Emissivity = emissivity,
            ReflectedTemperature = new ReflectedTemperatureRule((ReflectedTemperatureMode)trMode, trValue),
            DeviceId = deviceId,
            SensorId = sensorId,
            Hand = (Hand)hand,
            ProtocolPreset = preset,
            StartedUtc = new DateTimeOffset(startedTicks, TimeSpan.Zero),
            Software = software,
        };
    }

    /// <summary>
    /// Writes a subpage payload. <paramref name="previousWords"/> holds the words of the previous subpage record of the
    /// file (zeros before the first); only <see cref="SubpageEncoding.PreviousDeltaDeflate"/> uses it.
    /// </summary>
    public static void WriteSubpage(BinaryWriter writer, RawSubpage subpage, SubpageEncoding encoding, ReadOnlySpan<ushort> previousWords, ReadingPattern pattern)
    {
        writer.Write(subpage.TimeSeconds);
        writer.Write((byte)encoding);
        writer.Write((byte)(subpage.Subpage & 1)); // uncompressed copy of word 833 bit 0 for the fast index
        var words = subpage.Words;
        if (encoding == SubpageEncoding.Raw)
        {
            foreach (var word in words)
            {
                writer.Write(word);
            }

            return;
        }

        // Delta against a reference word, then byte planes (low bytes, then high bytes): small deltas make the high
        // plane nearly all 0x00/0xFF, which Deflate squeezes well.
        // Words go in pattern order (this subpage's half of the pixels, then the other half, then aux), so the
        // unchanged half forms one long run of zeros.
        var order = WordOrder(pattern);
        Span<byte> planes = stackalloc byte[RawSubpage.WordCount * 2];
        for (var j = 0; j < order.Length; j++)
        {
            var i = order[j];
            var reference = encoding == SubpageEncoding.PreviousDeltaDeflate ? previousWords[i] : (j == 0 ? (ushort)0 : words[order[j - 1]]);
            var delta = (ushort)(words[i] - reference);
            planes[j] = (byte)delta;
            planes[RawSubpage.WordCount + j] = (byte)(delta >> 8);
        }

        writer.Flush();

        // Optimal (zlib level 6) rather than Fastest: 8 % smaller here, and ~1.7 kB per subpage costs little CPU.
        using (var deflate = new DeflateStream(writer.BaseStream, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(planes);
        }
    }

    public static RawSubpage ReadSubpage(ReadOnlySpan<byte> payload, ReadOnlySpan<ushort> previousWords, ReadingPattern pattern)
    {
        if (payload.Length < SubpageBodyOffset)
        {
            throw new InvalidDataException($"subpage record of {payload.Length} bytes is too short");
        }

        var time = BinaryPrimitives.ReadDoubleLittleEndian(payload);
        var encoding = (SubpageEncoding)payload[8];
        var body = payload[SubpageBodyOffset..];
        var words = new ushort[RawSubpage.WordCount];
        switch (encoding)
        {
            case SubpageEncoding.Raw:
                if (body.Length != RawSubpage.WordCount * 2)
                {
                    throw new InvalidDataException($"raw subpage holds {body.Length} bytes, not {RawSubpage.WordCount * 2}");
                }

                for (var i = 0; i < words.Length; i++)
                {
                    words[i] = BinaryPrimitives.ReadUInt16LittleEndian(body[(2 * i)..]);
                }

                break;
            case SubpageEncoding.DeltaDeflate or SubpageEncoding.PreviousDeltaDeflate:
                var planes = Inflate(body, RawSubpage.WordCount * 2);
                var order = WordOrder(pattern);
                for (var j = 0; j < order.Length; j++)
                {
                    var i = order[j];
                    var delta = (ushort)(planes[j] | (planes[RawSubpage.WordCount + j] << 8));
                    var reference = encoding == SubpageEncoding.PreviousDeltaDeflate ? previousWords[i] : (j == 0 ? (ushort)0 : words[order[j - 1]]);
                    words[i] = (ushort)(reference + delta);
                }

                break;
            default:
                throw new InvalidDataException($"unknown subpage encoding {(byte)encoding}");
        }

        return new RawSubpage(words) { TimeSeconds = time };
    }

    public static void WriteEvent(BinaryWriter writer, SessionEvent sessionEvent)
    {
        writer.Write(sessionEvent.TimeSeconds);
        writer.Write(sessionEvent.Type);
    }

    public static SessionEvent ReadEvent(BinaryReader reader) => new(reader.ReadDouble(), reader.ReadString());

    public static void WriteEnvironment(BinaryWriter writer, EnvironmentReading reading)
    {
        writer.Write(reading.TimeSeconds);
        writer.Write((byte)reading.Quantity);
        writer.Write(reading.Value);
        writer.Write(reading.Source);
    }

    public static EnvironmentReading ReadEnvironment(BinaryReader reader)
    {
        var time = reader.ReadDouble();
        var quantity = (EnvironmentQuantity)reader.ReadByte();
        var value = reader.ReadDouble();
        var source = reader.ReadString();
        return Enum.IsDefined(quantity)
            ? new EnvironmentReading(time, quantity, value, source)
            : throw new InvalidDataException($"unknown environment quantity {(byte)quantity}");
    }

    public static void WriteAnnotation(BinaryWriter writer, Annotation annotation)
    {
        writer.Write(annotation.TimeSeconds);
        writer.Write(annotation.Key);
        writer.Write(annotation.Value);
    }

    public static Annotation ReadAnnotation(BinaryReader reader) => new(reader.ReadDouble(), reader.ReadString(), reader.ReadString());

    public static BinaryReader PayloadReader(byte[] payload, int length)
        => new(new MemoryStream(payload, 0, length, writable: false), StrictUtf8);

    public static BinaryWriter PayloadWriter(MemoryStream buffer) => new(buffer, StrictUtf8, leaveOpen: true);

    private static byte[] Inflate(ReadOnlySpan<byte> compressed, int expectedLength)
    {
        var output = new byte[expectedLength];
        using var source = new MemoryStream(compressed.ToArray(), writable: false);
        using var inflate = new DeflateStream(source, CompressionMode.Decompress);
        var total = 0;
        while (total < expectedLength)
        {
            var read = inflate.Read(output, total, expectedLength - total);
            if (read == 0)
            {
                throw new InvalidDataException($"compressed subpage ends after {total} of {expectedLength} bytes");
            }

            total += read;
        }

        if (inflate.ReadByte() >= 0)
        {
            throw new InvalidDataException("compressed subpage holds more data than one subpage");
        }

        return output;
    }
}
