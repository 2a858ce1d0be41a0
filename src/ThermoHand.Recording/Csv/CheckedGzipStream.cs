using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace ThermoHand.Recording.Csv;

/// <summary>
/// Decompresses a single-member gzip file and, at its end, checks the trailer (CRC-32 and length of the uncompressed
/// data, RFC 1952 §2.3.1). .NET's <see cref="GZipStream"/> reports a plain end of data when the file was cut off, so
/// without this check a truncated <c>.csv.gz</c> would silently lose its last frames. A mismatch throws
/// <see cref="InvalidDataException"/>, which the CSV reader turns into a <see cref="FrameCsvException"/>.
/// </summary>
internal sealed class CheckedGzipStream(Stream file) : Stream
{
    private readonly GZipStream gzip = new(file, CompressionMode.Decompress, leaveOpen: true);
    private readonly Crc32 crc = new();
    private long length;
    private bool trailerChecked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = gzip.Read(buffer);
        if (read > 0)
        {
            crc.Append(buffer[..read]);
            length += read;
        }
        else if (buffer.Length > 0)
        {
            CheckTrailer();
        }

        return read;
    }

    private void CheckTrailer()
    {
        if (trailerChecked)
        {
            return;
        }

        trailerChecked = true;
        Span<byte> trailer = stackalloc byte[8];
        if (!file.CanSeek || file.Length < 18)
        {
            throw new InvalidDataException("the gzip file is too short to hold its header and trailer");
        }

        file.Position = file.Length - trailer.Length;
        file.ReadExactly(trailer);
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var storedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (storedCrc != crc.GetCurrentHashAsUInt32() || storedLength != unchecked((uint)length))
        {
            throw new InvalidDataException(
                $"the gzip data ends early or is damaged: {length} bytes decompressed, the file's trailer expects {storedLength} (cut off during a copy?)");
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gzip.Dispose();
            file.Dispose();
        }

        base.Dispose(disposing);
    }
}
