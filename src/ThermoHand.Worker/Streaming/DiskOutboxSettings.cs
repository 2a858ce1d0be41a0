using Microsoft.Win32.SafeHandles;

namespace ThermoHand.Worker.Streaming;

/// <summary>Where and how the dashboard outbox keeps its files (docs/device-stream.md, "Device side").</summary>
public sealed class DiskOutboxSettings
{
    /// <summary>The outbox folder, normally Storage:Path/outbox.</summary>
    public required string Folder { get; init; }

    /// <summary>
    /// A segment file is closed and a new one started once it reaches this size. Fully acknowledged segments are
    /// deleted whole, so this is also the granularity at which disk space comes back (4 MB ≈ 750 frame messages of ~5.6 KB).
    /// </summary>
    public long SegmentBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>Refuse a message rather than take the disk below this (recordings share the disk and come first).</summary>
    public long MinimumFreeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Bytes held back in a pre-allocated file (<c>end-of-session.reserve</c> in the outbox folder) for the messages
    /// that tell the dashboard how a session ended: <c>session_ended</c> and protocol <c>event</c>s (the <c>aborted</c>
    /// event carries the reason). When the disk is too full for those, the file is deleted and they are written into
    /// the room it leaves; it is written again once the disk has room. 64 KB holds a few hundred such messages
    /// (≈ 150–400 bytes each). 0 = no reserve.
    /// </summary>
    public long EndOfSessionReserveBytes { get; init; } = 64L * 1024;

    /// <summary>Test seam: free bytes on the outbox's disk (default: the file system's own figure).</summary>
    internal Func<long>? FreeBytesProbe { get; init; }

    /// <summary>Test seam: the positional write of one record (default <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>).</summary>
    internal OutboxRecordWriter? RecordWriter { get; init; }
}

/// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of an open segment file.</summary>
internal delegate void OutboxRecordWriter(SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset);
