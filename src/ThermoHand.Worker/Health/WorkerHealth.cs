using ThermoHand.Worker.Calibration;

namespace ThermoHand.Worker.Health;

/// <summary>
/// Counters the pipeline updates as it runs and the health checks read: per sensor the time of the newest frame,
/// subpage reads that worked and failed, and waits caused by slow storage; whether analysis is available; the last
/// free-space reading. Lock-free (Interlocked/Volatile): the acquisition threads must never wait on a reader.
/// </summary>
public sealed class WorkerHealth
{
    private readonly SensorCounters[] sensors;
    private volatile string? analysisUnavailableReason;
    private long freeBytes = -1;

    public WorkerHealth(int sensorCount) => sensors = Enumerable.Range(0, sensorCount).Select(_ => new SensorCounters()).ToArray();

    public int SensorCount => sensors.Length;

    public SensorCounters Sensor(int index) => sensors[index];

    public bool AnalysisAvailable => analysisUnavailableReason is null;

    public string? AnalysisUnavailableReason => analysisUnavailableReason;

    /// <summary>Free bytes at the last check, -1 before the first.</summary>
    public long FreeBytes => Interlocked.Read(ref freeBytes);

    /// <summary>Analysis cannot run (OpenCvSharp's native library failed to load). Permanent until restart: the library does not come back.</summary>
    public void MarkAnalysisUnavailable(string reason) => analysisUnavailableReason ??= reason;

    public void RecordFreeBytes(long bytes) => Interlocked.Exchange(ref freeBytes, bytes);

    /// <summary>The site calibration found for a sensor at start (null before the pipeline looked).</summary>
    public CalibrationLookup? CalibrationOf(int sensor) => Volatile.Read(ref sensors[sensor].SiteCalibration);

    public void RecordCalibration(int sensor, CalibrationLookup lookup) => Volatile.Write(ref sensors[sensor].SiteCalibration, lookup);

    /// <summary>The latest reference check of a sensor (null before the first).</summary>
    public ReferenceCheckResult? LastReferenceCheck(int sensor) => Volatile.Read(ref sensors[sensor].LatestReferenceCheck);

    public void RecordReferenceCheck(int sensor, ReferenceCheckResult result) => Volatile.Write(ref sensors[sensor].LatestReferenceCheck, result);

    public sealed class SensorCounters
    {
        private long readsOk;
        private long readsFailed;
        private long storageWaits;
        private long busTransfers;
        private long busTransfersFailed;
        private long lastFrameTicks = -1;

        // Written rarely (start, a reference check), read by the health checks: plain fields with Volatile access.
        internal CalibrationLookup? SiteCalibration;
        internal ReferenceCheckResult? LatestReferenceCheck;

        public long ReadsOk => Interlocked.Read(ref readsOk);

        public long ReadsFailed => Interlocked.Read(ref readsFailed);

        /// <summary>I2C transfers the driver has tried (every attempt; 0 for a source without a bus, such as a replay).</summary>
        public long BusTransfers => Interlocked.Read(ref busTransfers);

        /// <summary>I2C transfers that failed, including those a later attempt made good (the driver retries, docs/reliability.md).</summary>
        public long BusTransfersFailed => Interlocked.Read(ref busTransfersFailed);

        /// <summary>Times acquisition found the storage queue full and had to wait (back-pressure; nothing dropped).</summary>
        public long StorageWaits => Interlocked.Read(ref storageWaits);

        /// <summary>Pipeline-clock seconds of the newest assembled image, null before the first.</summary>
        public double? LastFrameSeconds
        {
            get
            {
                long ticks = Interlocked.Read(ref lastFrameTicks);
                return ticks < 0 ? null : TimeSpan.FromTicks(ticks).TotalSeconds;
            }
        }

        public void ReadSucceeded() => Interlocked.Increment(ref readsOk);

        public long ReadFailed() => Interlocked.Increment(ref readsFailed);

        public long StorageWaited() => Interlocked.Increment(ref storageWaits);

        /// <summary>The driver's running totals, copied after each read so the health check sees retried bus errors too.</summary>
        public void RecordBusTotals(long transfers, long failed)
        {
            Interlocked.Exchange(ref busTransfers, transfers);
            Interlocked.Exchange(ref busTransfersFailed, failed);
        }

        public void FrameAt(double pipelineSeconds) => Interlocked.Exchange(ref lastFrameTicks, TimeSpan.FromSeconds(pipelineSeconds).Ticks);
    }
}
