using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using ThermoHand.Streaming;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// The device's on-disk queue of dashboard messages (docs/device-stream.md, "Device side"): append-only segment files
/// of CRC-checked records, one fsync per group of concurrent <see cref="Enqueue"/> calls (group commit), the
/// acknowledged-through pointer in a small file replaced atomically, fully acknowledged segments deleted whole.
/// Memory stays bounded whatever the backlog: the uploader reads batches straight from the files.
/// Thread-safe: several producers (one per hand, events, status) may enqueue while the uploader reads.
/// </summary>
public sealed class DiskDeviceOutbox : IDeviceOutbox, IDisposable
{
    private const string AckFileName = "acknowledged";

    /// <summary>The pre-allocated file whose room only end-of-session messages may use (<see cref="DiskOutboxSettings.EndOfSessionReserveBytes"/>).</summary>
    public const string ReserveFileName = "end-of-session.reserve";

    /// <summary>A file system allocates whole blocks: the reserve's budget keeps one back for the partly filled last block.</summary>
    private const long BlockSlack = 4096;

    private readonly DiskOutboxSettings _settings;
    private readonly TimeProvider _time;
    private readonly OutboxRecordWriter _writeRecord;
    private readonly Func<long> _freeBytes;

    // Lock order: _syncLock before _writeLock, never the other way. _writeLock guards appends and the segment list
    // (held for microseconds); _syncLock serialises fsync and segment rotation (held for the fsync, milliseconds on an
    // SD card) — producers that arrive during one fsync are all covered by the next one: that is the group commit.
    private readonly Lock _writeLock = new();
    private readonly Lock _syncLock = new();
    private readonly Lock _ackLock = new();
    private readonly Lock _readLock = new();

    private readonly List<long> _segmentStarts;
    private SafeFileHandle _active;
    private long _activeLength;
    private long _next;
    private long _written;
    private long _durable;
    private long _acknowledged;
    private bool _rotatePending;
    private Exception? _fault;
    private bool _disposed;
    private TaskCompletionSource _available = NewSignal();
    private (long Sequence, long SegmentStart, long Offset)? _readCursor;
    private long _notQueued;

    // The end-of-session reserve, guarded by _writeLock: held (the file is on disk), or released with a byte budget
    // left for end-of-session messages; after a failed attempt to write it again, wait before the next one.
    private bool _reserveHeld;
    private long _reserveBudget;
    private DateTimeOffset _reserveRetryAfter = DateTimeOffset.MinValue;

    private DiskDeviceOutbox(DiskOutboxSettings settings, TimeProvider time, List<long> segmentStarts, SafeFileHandle active,
                             long activeLength, long lastSequence, long acknowledged, long tornBytesDropped)
    {
        _settings = settings;
        _time = time;
        _writeRecord = settings.RecordWriter ?? ((file, bytes, offset) => RandomAccess.Write(file, bytes, offset));
        _freeBytes = settings.FreeBytesProbe ?? (() => new DriveInfo(settings.Folder).AvailableFreeSpace);
        _segmentStarts = segmentStarts;
        _active = active;
        _activeLength = activeLength;
        _written = _durable = lastSequence;
        _next = lastSequence + 1;
        _acknowledged = acknowledged;
        TornBytesDropped = tornBytesDropped;
    }

    /// <summary>Messages on disk the dashboard has not acknowledged yet.</summary>
    public long PendingCount => Math.Max(0, Volatile.Read(ref _durable) - Volatile.Read(ref _acknowledged));

    /// <summary>The highest sequence the dashboard has acknowledged (persisted across restarts).</summary>
    public long AcknowledgedThrough => Volatile.Read(ref _acknowledged);

    /// <summary>The highest sequence durably queued (0 when nothing was ever queued).</summary>
    public long LastSequence => Volatile.Read(ref _durable);

    /// <summary>Bytes of a torn last record (power lost mid-write) cut off when this outbox was opened.</summary>
    public long TornBytesDropped { get; }

    /// <summary>The folder holding the segment files.</summary>
    public string Folder => _settings.Folder;

    /// <summary>
    /// Messages <see cref="Enqueue"/> refused since this outbox was opened (disk full, a failed write or flush); each
    /// refusal also threw an <see cref="IOException"/> that the caller logged. Shown by the <c>dashboard_uplink</c> health check.
    /// </summary>
    public long NotQueuedCount => Interlocked.Read(ref _notQueued);

    /// <summary>True while the end-of-session reserve file is on disk (not yet needed, or written again after use).</summary>
    public bool EndOfSessionReserveHeld
    {
        get
        {
            lock (_writeLock)
            {
                return _reserveHeld;
            }
        }
    }

    /// <summary>
    /// The kinds that may use the end-of-session reserve when the disk is too full for other messages: the message
    /// that closes a session and the protocol events (the <c>aborted</c> event says why a session was stopped).
    /// </summary>
    public static bool UsesEndOfSessionReserve(string kind) =>
        kind is DeviceMessageKinds.SessionEnded or DeviceMessageKinds.Event;

    /// <summary>Segment files currently on disk (oldest first); for tests and diagnostics.</summary>
    public IReadOnlyList<string> SegmentFiles
    {
        get
        {
            lock (_writeLock)
            {
                return _segmentStarts.Select(SegmentPath).ToArray();
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the outbox in <see cref="DiskOutboxSettings.Folder"/>: reads the acknowledged pointer, checks
    /// the last segment record by record and cuts off a torn last record (it was never reported as queued: Enqueue
    /// returns only after the fsync that covers it), and deletes segments that are fully acknowledged.
    /// </summary>
    public static DiskDeviceOutbox Open(DiskOutboxSettings settings, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string folder = settings.Folder;
        Directory.CreateDirectory(folder);
        foreach (string leftover in Directory.EnumerateFiles(folder, "*.tmp"))
        {
            File.Delete(leftover);
        }

        long acknowledged = ReadAcknowledged(Path.Combine(folder, AckFileName));
        var starts = Directory.EnumerateFiles(folder, "*.outbox")
            .Select(p => OutboxRecordFormat.TryParseSegmentFileName(Path.GetFileName(p), out long s) ? s : -1)
            .Where(s => s > 0).Order().ToList();

        long last;
        long tornBytes = 0;
        SafeFileHandle active;
        long activeLength;
        if (starts.Count == 0)
        {
            starts.Add(acknowledged + 1);
            active = CreateSegment(folder, acknowledged + 1);
            activeLength = OutboxRecordFormat.MagicLength;
            last = acknowledged;
        }
        else
        {
            long start = starts[^1];
            string path = Path.Combine(folder, OutboxRecordFormat.SegmentFileName(start));
            active = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            (long count, activeLength, long fileLength) = ScanActiveSegment(active, path);
            if (fileLength != activeLength)
            {
                // A torn tail: cut it off so the next record follows the last intact one.
                tornBytes = fileLength - activeLength;
                RandomAccess.SetLength(active, activeLength);
            }

            if (activeLength < OutboxRecordFormat.MagicLength)
            {
                // Power was lost while the segment was being created: write its magic again.
                RandomAccess.Write(active, OutboxRecordFormat.SegmentMagic, 0);
                activeLength = OutboxRecordFormat.MagicLength;
            }

            RandomAccess.FlushToDisk(active);
            last = start + count - 1;
        }

        var outbox = new DiskDeviceOutbox(settings, time ?? TimeProvider.System, starts, active, activeLength, last, acknowledged, tornBytes);
        if (acknowledged > last)
        {
            // The dashboard acknowledged more than this queue ever held (told by an earlier SkipPast): continue after it.
            outbox.StartNewSegmentAt(acknowledged + 1);
        }

        outbox.DeleteAcknowledgedSegments();
        outbox.OpenReserve();
        return outbox;
    }

    /// <inheritdoc />
    public long Enqueue(string kind, string? sessionId, JsonElement payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"the payload of a '{kind}' message must be a JSON object, got {payload.ValueKind}", nameof(payload));
        }

        try
        {
            long sequence;
            lock (_writeLock)
            {
                ThrowIfUnusable();
                sequence = _next;
                byte[] json = JsonSerializer.SerializeToUtf8Bytes(
                    new DeviceMessage(sequence, kind, sessionId, _time.GetUtcNow(), payload), DeviceAuthentication.JsonOptions);
                byte[] record = OutboxRecordFormat.Encode(sequence, json);
                EnsureFreeSpace(record.Length, kind);
                WriteRecord(record, kind);
                _activeLength += record.Length;
                _written = sequence;
                _next = sequence + 1;
                _rotatePending |= _activeLength >= _settings.SegmentBytes;
            }

            MakeDurable(sequence);
            Interlocked.Exchange(ref _available, NewSignal()).TrySetResult();
            return sequence;
        }
        catch (IOException)
        {
            // Counted here, logged by the caller (which knows what the message was for): nothing is dropped silently.
            Interlocked.Increment(ref _notQueued);
            throw;
        }
    }

    /// <summary>
    /// Under _writeLock: appends one record at the end of the active segment. When the disk turns out to be full
    /// (ENOSPC although the free-space figure allowed it), an end-of-session message releases the reserve and is
    /// tried once more.
    /// </summary>
    private void WriteRecord(byte[] record, string kind)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _writeRecord(_active, record, _activeLength);
                return;
            }
            catch (IOException e)
            {
                // Leave no half-record behind; the sequence number is not used, so the queue keeps no gap.
                TryTruncateActive(_activeLength);
                if (attempt == 1 && UsesEndOfSessionReserve(kind) && _reserveHeld && TryUseReserve(record.Length))
                {
                    continue;
                }

                throw new IOException(
                    $"Dashboard outbox: writing message '{kind}' to {SegmentPath(_segmentStarts[^1])} failed ({e.Message}); " +
                    "it was not queued. Check the free space of the device's disk.", e);
            }
        }
    }

    /// <summary>
    /// Records that the dashboard holds every message up to <paramref name="sequence"/> (persisted before returning)
    /// and deletes segment files that hold nothing newer. Lower values than the current pointer are ignored.
    /// </summary>
    public void Acknowledge(long sequence)
    {
        long written;
        lock (_writeLock)
        {
            written = _written; // not LastSequence: a message being fsynced may already be known to the dashboard's count
        }

        if (sequence > written)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence,
                $"the outbox holds messages only up to {written}; use SkipPast when the dashboard is ahead of this device");
        }

        lock (_ackLock)
        {
            if (sequence <= _acknowledged)
            {
                return;
            }

            WriteAcknowledged(sequence);
            Volatile.Write(ref _acknowledged, sequence);
        }

        DeleteAcknowledgedSegments();
    }

    /// <summary>
    /// The dashboard already holds messages up to <paramref name="serverAcknowledged"/>, beyond anything in this queue
    /// (the device's storage was reset or restored). New messages continue from <paramref name="serverAcknowledged"/>
    /// + 1, as the server would silently ignore lower numbers as duplicates. Returns false when nothing had to change.
    /// </summary>
    public bool SkipPast(long serverAcknowledged)
    {
        lock (_syncLock)
        {
            lock (_writeLock)
            {
                ThrowIfUnusable();
                if (serverAcknowledged < _next)
                {
                    return false;
                }

                StartNewSegmentAt(serverAcknowledged + 1);
            }
        }

        Acknowledge(serverAcknowledged);
        return true;
    }

    /// <summary>
    /// Reads up to <paramref name="maxMessages"/> consecutive durable messages (and about <paramref name="maxBytes"/> of
    /// JSON; a single larger message is still returned alone) starting at <paramref name="fromSequence"/>.
    /// Continues from where the previous read stopped without rescanning, so catching up a long backlog is linear.
    /// Throws <see cref="InvalidDataException"/> naming the file and byte offset when a stored record is damaged.
    /// </summary>
    public OutboxBatch ReadBatch(long fromSequence, int maxMessages, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        long durable = LastSequence;
        var records = new List<OutboxRecord>();
        if (fromSequence > durable)
        {
            return new OutboxBatch(fromSequence, records);
        }

        long[] starts;
        lock (_writeLock)
        {
            starts = [.. _segmentStarts];
        }

        lock (_readLock)
        {
            int index = Math.Max(0, Array.FindLastIndex(starts, s => s <= fromSequence));
            long expected = starts[index];
            long offset = OutboxRecordFormat.MagicLength;
            if (_readCursor is { } cursor && cursor.Sequence == fromSequence && Array.IndexOf(starts, cursor.SegmentStart) is var i and >= 0)
            {
                (index, expected, offset) = (i, cursor.Sequence, cursor.Offset);
            }

            long bytes = 0;
            var header = new byte[OutboxRecordFormat.HeaderLength];
            for (; index < starts.Length; index++, offset = OutboxRecordFormat.MagicLength)
            {
                string path = SegmentPath(starts[index]);
                if (offset == OutboxRecordFormat.MagicLength)
                {
                    expected = starts[index];
                }

                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
                file.Position = offset;
                while (expected <= durable)
                {
                    if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
                    {
                        break; // end of this segment; the next one continues the sequence
                    }

                    (int length, uint crc, long sequence) = OutboxRecordFormat.ReadHeader(header);
                    if (sequence != expected || length is <= 0 or > OutboxRecordFormat.MaxPayloadLength)
                    {
                        throw Damaged(path, offset, expected, "the record header is not the expected message");
                    }

                    if (sequence >= fromSequence &&
                        (records.Count >= maxMessages || (records.Count > 0 && bytes + length > maxBytes)))
                    {
                        _readCursor = (sequence, starts[index], offset);
                        return new OutboxBatch(fromSequence, records);
                    }

                    var json = new byte[length];
                    if (file.ReadAtLeast(json, length, throwOnEndOfStream: false) < length || !OutboxRecordFormat.IsIntact(crc, sequence, json))
                    {
                        throw Damaged(path, offset, expected, "its checksum does not match");
                    }

                    if (sequence >= fromSequence)
                    {
                        records.Add(new OutboxRecord(sequence, json));
                        bytes += length;
                    }

                    offset += OutboxRecordFormat.HeaderLength + length;
                    expected++;
                }

                if (expected > durable)
                {
                    _readCursor = (expected, starts[index], offset);
                    break;
                }
            }

            return new OutboxBatch(fromSequence, records);
        }
    }

    /// <summary>Completes once message <paramref name="sequence"/> is durably queued.</summary>
    public async Task WaitForMessageAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal = Volatile.Read(ref _available).Task;
            if (LastSequence >= sequence)
            {
                return;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        lock (_syncLock)
        {
            lock (_writeLock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _active.Dispose();
            }
        }
    }

    /// <summary>fsyncs the active segment unless a concurrent caller's fsync already covered <paramref name="sequence"/>.</summary>
    private void MakeDurable(long sequence)
    {
        lock (_syncLock)
        {
            if (Volatile.Read(ref _durable) >= sequence)
            {
                return; // group commit: someone else's fsync included this record
            }

            SafeFileHandle file;
            long target;
            lock (_writeLock)
            {
                ThrowIfUnusable();
                file = _active;
                target = _written;
            }

            try
            {
                RandomAccess.FlushToDisk(file);
            }
            catch (IOException e)
            {
                // After a failed fsync the kernel may have dropped the dirty pages: nothing after the last good fsync
                // can be trusted. Stop accepting messages; a restart rescans the files and keeps what is intact.
                lock (_writeLock)
                {
                    _fault = e;
                }

                throw new IOException($"Dashboard outbox: flushing {Folder} to disk failed ({e.Message}); the outbox stops " +
                                      "accepting messages until the worker restarts. Check the SD card.", e);
            }

            Volatile.Write(ref _durable, target);
            if (_rotatePending)
            {
                lock (_writeLock)
                {
                    TryRotate();
                }
            }
        }
    }

    /// <summary>Under both locks: closes the full active segment (after an fsync) and starts the next one.</summary>
    private void TryRotate()
    {
        try
        {
            StartNewSegmentAt(_next);
        }
        catch (IOException)
        {
            // Could not create the next segment (disk full?): keep appending to the current one and try again later;
            // the free-space check in Enqueue reports a full disk with a clear message.
        }
    }

    private void StartNewSegmentAt(long firstSequence)
    {
        RandomAccess.FlushToDisk(_active);
        SafeFileHandle next = CreateSegment(Folder, firstSequence);
        long previousStart = _segmentStarts[^1];
        bool previousEmpty = _activeLength <= OutboxRecordFormat.MagicLength;
        _active.Dispose();
        if (previousEmpty && previousStart != firstSequence)
        {
            File.Delete(SegmentPath(previousStart));
            _segmentStarts.RemoveAt(_segmentStarts.Count - 1);
        }

        _segmentStarts.Add(firstSequence);
        _active = next;
        _activeLength = OutboxRecordFormat.MagicLength;
        _written = firstSequence - 1;
        _next = firstSequence;
        Volatile.Write(ref _durable, firstSequence - 1);
        _rotatePending = false;
    }

    private void DeleteAcknowledgedSegments()
    {
        var obsolete = new List<string>();
        long acknowledged = AcknowledgedThrough;
        lock (_writeLock)
        {
            // A segment ends where the next begins; the active (last) segment is never deleted.
            while (_segmentStarts.Count > 1 && _segmentStarts[1] - 1 <= acknowledged)
            {
                obsolete.Add(SegmentPath(_segmentStarts[0]));
                _segmentStarts.RemoveAt(0);
            }
        }

        foreach (string path in obsolete)
        {
            File.Delete(path); // if this fails the file is found again and deleted at the next Open
        }
    }

    /// <summary>
    /// Under _writeLock: refuses the message when it would take the disk below <see cref="DiskOutboxSettings.MinimumFreeBytes"/>,
    /// unless it is an end-of-session message and the reserve still has room for it.
    /// </summary>
    private void EnsureFreeSpace(int recordLength, string kind)
    {
        long free = _freeBytes();
        if (free - recordLength >= _settings.MinimumFreeBytes)
        {
            RestoreReserveIfRoom(free - recordLength);
            return;
        }

        if (UsesEndOfSessionReserve(kind) && TryUseReserve(recordLength))
        {
            return; // the room of the deleted reserve file takes it
        }

        string reserve = UsesEndOfSessionReserve(kind) && _settings.EndOfSessionReserveBytes > 0
            ? string.Create(CultureInfo.InvariantCulture, $" The {_settings.EndOfSessionReserveBytes / 1024.0:0} KB kept for end-of-session messages has no room left either.")
            : string.Empty;
        throw new IOException(string.Create(CultureInfo.InvariantCulture,
            $"Dashboard outbox: the disk holding {Folder} is full ({free / 1048576.0:0.0} MB free; the outbox leaves " +
            $"{_settings.MinimumFreeBytes / 1048576.0:0} MB (Dashboard:OutboxMinimumFreeMegabytes) for session recordings). " +
            $"Message '{kind}' was not queued for the dashboard; free space on the device.{reserve}"));
    }

    /// <summary>
    /// Under _writeLock: takes <paramref name="recordLength"/> bytes from the reserve, deleting the reserve file first
    /// if it is still on disk (that is what makes the room real on a full disk). False when the budget is spent.
    /// </summary>
    private bool TryUseReserve(long recordLength)
    {
        if (_reserveHeld)
        {
            _reserveHeld = false;
            _reserveBudget = Math.Max(0, _settings.EndOfSessionReserveBytes - BlockSlack);
            try
            {
                File.Delete(ReservePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not deleted: the write that follows may still fail with ENOSPC, and is then refused and counted.
            }
        }

        if (_reserveBudget < recordLength)
        {
            return false;
        }

        _reserveBudget -= recordLength;
        return true;
    }

    /// <summary>At open: keeps a reserve file of the right size, or writes it when the disk has room.</summary>
    private void OpenReserve()
    {
        lock (_writeLock)
        {
            if (_settings.EndOfSessionReserveBytes <= 0)
            {
                return;
            }

            var file = new FileInfo(ReservePath);
            if (file.Exists && file.Length == _settings.EndOfSessionReserveBytes)
            {
                _reserveHeld = true;
                return;
            }

            long free;
            try
            {
                free = _freeBytes();
            }
            catch (IOException)
            {
                return;
            }

            RestoreReserveIfRoom(free);
        }
    }

    /// <summary>
    /// Under _writeLock: writes the reserve file again (zeros, flushed, then renamed into place so a crash never
    /// leaves a short one in use) when it is not on disk and the disk has room for it above the minimum.
    /// </summary>
    private void RestoreReserveIfRoom(long freeBytes)
    {
        long size = _settings.EndOfSessionReserveBytes;
        if (_reserveHeld || size <= 0 || freeBytes - size < _settings.MinimumFreeBytes || _time.GetUtcNow() < _reserveRetryAfter)
        {
            return;
        }

        string temporary = ReservePath + ".tmp";
        try
        {
            using (SafeFileHandle handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                var zeros = new byte[(int)Math.Min(size, 64 * 1024)];
                for (long offset = 0; offset < size; offset += zeros.Length)
                {
                    RandomAccess.Write(handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, size - offset)), offset);
                }

                RandomAccess.FlushToDisk(handle);
            }

            File.Move(temporary, ReservePath, overwrite: true);
            DirectorySync.Flush(Folder);
            _reserveHeld = true;
            _reserveBudget = 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No room after all, or no permission: end-of-session messages go without a reserve; try again in a minute.
            _reserveRetryAfter = _time.GetUtcNow().AddMinutes(1);
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // A leftover *.tmp is deleted at the next Open.
            }
        }
    }

    private string ReservePath => Path.Combine(Folder, ReserveFileName);

    private void TryTruncateActive(long length)
    {
        try
        {
            RandomAccess.SetLength(_active, length);
        }
        catch (IOException)
        {
            // The next record is written at the same offset and overwrites the partial bytes; on a restart the
            // scan stops at the last intact record. Either way no half-record is ever read as a message.
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is not null)
        {
            throw new IOException($"Dashboard outbox: stopped after a failed flush to disk ({_fault.Message}); restart the worker", _fault);
        }
    }

    private string SegmentPath(long start) => Path.Combine(Folder, OutboxRecordFormat.SegmentFileName(start));

    private static InvalidDataException Damaged(string path, long offset, long sequence, string why) =>
        new($"Dashboard outbox file {path} is damaged at byte {offset} (message {sequence}): {why}. " +
            "The uploader cannot send past it; keep the file for inspection.");

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static SafeFileHandle CreateSegment(string folder, long firstSequence)
    {
        string path = Path.Combine(folder, OutboxRecordFormat.SegmentFileName(firstSequence));
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            RandomAccess.Write(handle, OutboxRecordFormat.SegmentMagic, 0);
            RandomAccess.FlushToDisk(handle);
            DirectorySync.Flush(folder);
            return handle;
        }
        catch
        {
            handle.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Counts the intact records of the last segment; returns them, the intact length and the file length.</summary>
    private static (long Count, long IntactLength, long FileLength) ScanActiveSegment(SafeFileHandle file, string path)
    {
        long fileLength = RandomAccess.GetLength(file);
        Span<byte> magic = stackalloc byte[OutboxRecordFormat.MagicLength];
        if (fileLength < OutboxRecordFormat.MagicLength)
        {
            return (0, 0, fileLength);
        }

        if (RandomAccess.Read(file, magic, 0) < magic.Length || !magic.SequenceEqual(OutboxRecordFormat.SegmentMagic))
        {
            throw new InvalidDataException($"{path} is not a ThermoHand outbox segment (wrong first bytes); move it out of the outbox folder");
        }

        if (!OutboxRecordFormat.TryParseSegmentFileName(Path.GetFileName(path), out long expected))
        {
            throw new InvalidDataException($"{path}: not an outbox segment name");
        }

        long count = 0;
        long offset = OutboxRecordFormat.MagicLength;
        var header = new byte[OutboxRecordFormat.HeaderLength];
        byte[] json = [];
        while (offset + OutboxRecordFormat.HeaderLength <= fileLength)
        {
            RandomAccess.Read(file, header, offset);
            (int length, uint crc, long sequence) = OutboxRecordFormat.ReadHeader(header);
            if (sequence != expected + count || length is <= 0 or > OutboxRecordFormat.MaxPayloadLength ||
                offset + OutboxRecordFormat.HeaderLength + length > fileLength)
            {
                break;
            }

            if (json.Length < length)
            {
                json = new byte[length];
            }

            RandomAccess.Read(file, json.AsSpan(0, length), offset + OutboxRecordFormat.HeaderLength);
            if (!OutboxRecordFormat.IsIntact(crc, sequence, json.AsSpan(0, length)))
            {
                break;
            }

            offset += OutboxRecordFormat.HeaderLength + length;
            count++;
        }

        return (count, offset, fileLength);
    }

    private static long ReadAcknowledged(string path)
    {
        // The pointer only saves resending: if it is missing or damaged, starting from 0 resends messages the
        // dashboard ignores as duplicates, and the uploader asks the dashboard (GET ack) at start anyway.
        if (!File.Exists(path))
        {
            return 0;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != 12 || Crc32.HashToUInt32(bytes.AsSpan(0, 8)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)))
        {
            return 0;
        }

        return Math.Max(0, BinaryPrimitives.ReadInt64LittleEndian(bytes));
    }

    private void WriteAcknowledged(long sequence)
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Crc32.HashToUInt32(bytes.AsSpan(0, 8)));
        string path = Path.Combine(Folder, AckFileName);
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true); // rename is atomic: the pointer is old or new, never torn
        DirectorySync.Flush(Folder);
    }
}
