using System.Buffers.Binary;
using System.IO.Hashing;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// The byte layout of the outbox segment files (docs/device-stream.md, "Device side"). Pure: no I/O.
/// A segment starts with the 8-byte <see cref="SegmentMagic"/>; then records, each
/// <c>[u32 length][u32 crc][u64 seq][length bytes of DeviceMessage JSON]</c>, little-endian, where the CRC-32 covers
/// the seq bytes and the JSON. A record whose length runs past the end of the file, or whose CRC does not match, is
/// torn (the device lost power while writing it).
/// </summary>
internal static class OutboxRecordFormat
{
    /// <summary>"THOUTBX1": identifies an outbox segment and its format version.</summary>
    public static ReadOnlySpan<byte> SegmentMagic => "THOUTBX1"u8;

    public const int MagicLength = 8;

    public const int HeaderLength = 16;

    /// <summary>No message is anywhere near this (a frame is ~3 KB); a larger length is damage, not data.</summary>
    public const int MaxPayloadLength = 16 * 1024 * 1024;

    /// <summary>One complete record (header + JSON) ready to append.</summary>
    public static byte[] Encode(long sequence, ReadOnlySpan<byte> json)
    {
        if (json.Length is 0 or > MaxPayloadLength)
        {
            throw new ArgumentException($"an outbox message must be 1 byte to {MaxPayloadLength} bytes of JSON, got {json.Length}", nameof(json));
        }

        var record = new byte[HeaderLength + json.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(0, 4), (uint)json.Length);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(8, 8), sequence);
        json.CopyTo(record.AsSpan(HeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4, 4), Checksum(record.AsSpan(8)));
        return record;
    }

    /// <summary>Reads a header: JSON length, the stored CRC and the sequence number.</summary>
    public static (int Length, uint Crc, long Sequence) ReadHeader(ReadOnlySpan<byte> header) =>
        ((int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header), int.MaxValue),
         BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
         BinaryPrimitives.ReadInt64LittleEndian(header[8..]));

    /// <summary>True when the CRC over seq bytes + JSON matches the header.</summary>
    public static bool IsIntact(uint storedCrc, long sequence, ReadOnlySpan<byte> json)
    {
        var crc = new Crc32();
        Span<byte> seq = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(seq, sequence);
        crc.Append(seq);
        crc.Append(json);
        return crc.GetCurrentHashAsUInt32() == storedCrc;
    }

    private static uint Checksum(ReadOnlySpan<byte> seqAndJson) => Crc32.HashToUInt32(seqAndJson);

    /// <summary>Segment file name: the first sequence number it holds, zero-padded so names sort in order.</summary>
    public static string SegmentFileName(long firstSequence) => $"{firstSequence:D20}.outbox";

    public static bool TryParseSegmentFileName(string fileName, out long firstSequence)
    {
        firstSequence = 0;
        return fileName.EndsWith(".outbox", StringComparison.Ordinal) &&
               long.TryParse(fileName.AsSpan(0, fileName.Length - ".outbox".Length), System.Globalization.NumberStyles.None,
                   System.Globalization.CultureInfo.InvariantCulture, out firstSequence) && firstSequence > 0;
    }
}
