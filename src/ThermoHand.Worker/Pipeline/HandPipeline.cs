using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Mlx90640;
using ThermoHand.Streaming;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Services;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// The consumer side of one sensor: takes items from its storage channel in order and, during a session, writes
/// every subpage to the recording, assembles images (temperatures with the session's emissivity and reflected
/// temperature), runs the live analysis and queues frames, provisional and final analyses for the dashboard.
/// Single-threaded by design: only <see cref="RunAsync"/> touches the writer, assembler and analysis.
/// </summary>
public sealed class HandPipeline
{
    private readonly ThermalSensor sensor;
    private readonly ChannelReader<PipelineItem> items;
    private readonly IDeviceOutbox outbox;
    private readonly IRegionTrackerFactory trackers;
    private readonly WorkerHealth health;
    private readonly Func<ProtocolStatus> protocolStatus;
    private readonly Action<Hand, string> onFailure;
    private readonly double provisionalEverySeconds;
    private readonly ILogger logger;
    private FrameAssembler assembler;
    private Session? session;

    public HandPipeline(
        ThermalSensor sensor,
        ChannelReader<PipelineItem> items,
        IDeviceOutbox outbox,
        IRegionTrackerFactory trackers,
        WorkerHealth health,
        Func<ProtocolStatus> protocolStatus,
        Action<Hand, string> onFailure,
        double provisionalEverySeconds,
        ILogger logger)
    {
        this.sensor = sensor;
        this.items = items;
        this.outbox = outbox;
        this.trackers = trackers;
        this.health = health;
        this.protocolStatus = protocolStatus;
        this.onFailure = onFailure;
        this.provisionalEverySeconds = provisionalEverySeconds;
        this.logger = logger;
        assembler = NewAssembler(null);
    }

    public Hand Hand => sensor.Hand;

    /// <summary>Subpages taken from the channel (must equal what acquisition queued: nothing is dropped between them).</summary>
    public long SubpagesTaken => Interlocked.Read(ref taken);

    /// <summary>Subpages taken while no session was recording (before, between or after sessions).</summary>
    public long SubpagesOutsideSession => Interlocked.Read(ref outside);

    private long taken;
    private long outside;

    /// <summary>Processes items until the channel is completed and empty.</summary>
    public async Task RunAsync()
    {
        await foreach (PipelineItem item in items.ReadAllAsync().ConfigureAwait(false))
        {
            Process(item);
        }

        // The channel ended with a session still open (the host stopped without closing it): close the recording so
        // it ends normally rather than looking like a crash.
        if (session is not null)
        {
            Close();
        }
    }

    /// <summary>One item; public so tests can drive the consumer without threads.</summary>
    public void Process(PipelineItem item)
    {
        switch (item)
        {
            case SubpageItem s:
                OnSubpage(s.Subpage);
                break;
            case OpenSessionItem open:
                session?.Dispose();
                session = new Session(open.Recording, HandAnalysis.TryStart(trackers, sensor.Hand, health));
                if (session.Analysis is null)
                {
                    Log.AnalysisUnavailable(logger, health.AnalysisUnavailableReason ?? "unknown");
                }

                assembler = NewAssembler(open.Recording.ReflectedTemperatureCelsius);
                break;
            case EventItem e when session is not null:
                session.Analysis?.AddEvent(e.Event);
                Guard(() => session.Recording.Writer.WriteEvent(e.Event), "recording");
                break;
            case EnvironmentItem env when session is not null:
                Guard(() => session.Recording.Writer.WriteEnvironment(env.Reading), "recording");
                break;
            case AnnotationItem note when session is not null:
                Guard(() => session.Recording.Writer.WriteAnnotation(note.Annotation), "recording");
                break;
            case CloseSessionItem close:
                close.Done.TrySetResult(Close());
                break;
        }
    }

    private void OnSubpage(RawSubpage subpage)
    {
        Interlocked.Increment(ref taken);
        double pipelineSeconds = subpage.TimeSeconds;
        Session? s = session;
        if (s is null)
        {
            Interlocked.Increment(ref outside);
        }
        else
        {
            double t = pipelineSeconds - s.Recording.OriginSeconds;
            if (t < 0)
            {
                Interlocked.Increment(ref outside);
                return; // acquired before the session started
            }

            subpage.TimeSeconds = t;
            if (!s.Failed)
            {
                Guard(() => s.Recording.Writer.WriteSubpage(subpage), "recording");
                if (!s.Failed)
                {
                    s.Subpages++;
                    s.LastTime = t;
                }
            }
        }

        if (assembler.Add(subpage) != FrameAssemblyOutcome.Completed)
        {
            return;
        }

        health.Sensor(sensor.Index).FrameAt(pipelineSeconds);
        bool referenceCheck = sensor.Site.ReferenceImages.IsOpen;
        if (s is null && !referenceCheck)
        {
            return;
        }

        // The site calibration corrects every image before the analysis, the dashboard and a reference check see it;
        // the recording keeps the raw subpages (re-analysis needs them; the session records which calibration applied).
        float[] temperatures = assembler.Image.TemperaturesCelsius.ToArray();
        sensor.Site.Correct(temperatures);
        if (referenceCheck)
        {
            sensor.Site.ReferenceImages.Offer(temperatures);
        }

        if (s is null)
        {
            return;
        }

        s.Frames++;
        var frame = new ThermalFrame(assembler.Image.TimeSeconds, temperatures);
        RegionFrameResult? regions = s.Analysis?.AddFrame(frame);
        if (s.Analysis is { IsRunning: false })
        {
            s.Analysis = null;
            Log.AnalysisUnavailable(logger, health.AnalysisUnavailableReason ?? "unknown");
        }

        Enqueue(DeviceMessageKinds.Frame, s, () => DeviceMessages.Frame(frame, sensor.Hand, regions, protocolStatus()));
        if (s.Analysis is not null && frame.TimeSeconds - s.LastProvisional >= provisionalEverySeconds)
        {
            s.LastProvisional = frame.TimeSeconds;
            if (s.Analysis.Snapshot() is { } provisional)
            {
                Enqueue(DeviceMessageKinds.Analysis, s, () => DeviceMessages.Analysis(sensor.Hand, final: false, provisional));
            }
        }
    }

    private HandSessionResult Close()
    {
        Session? s = session;
        session = null;
        assembler = NewAssembler(null);
        if (s is null)
        {
            return new HandSessionResult(sensor.Hand, 0, 0, null, null, "no session was open");
        }

        AnalysisResult? final = null;
        try
        {
            final = s.Analysis?.Complete();
            if (final is not null)
            {
                File.WriteAllText(s.Recording.AnalysisFile, AnalysisJsonWriter.ToJson(final));
                Enqueue(DeviceMessageKinds.Analysis, s, () => DeviceMessages.Analysis(sensor.Hand, final: true, final));
            }
        }
        catch (IOException e)
        {
            s.Failure ??= $"final analysis not saved: {e.Message}";
        }
        catch (Exception e) when (HandAnalysis.IsNativeLoadFailure(e))
        {
            health.MarkAnalysisUnavailable(e.Message);
        }

        s.Dispose();
        return new HandSessionResult(sensor.Hand, s.Subpages, s.Frames, s.LastTime, final, s.Failure);
    }

    private void Enqueue(string kind, Session s, Func<System.Text.Json.JsonElement> payload)
    {
        try
        {
            outbox.Enqueue(kind, s.Recording.SessionId, payload());
        }
        catch (IOException e)
        {
            Log.OutboxFailed(logger, kind, e.Message);
            if (!s.OutboxFailed)
            {
                s.OutboxFailed = true;
                onFailure(sensor.Hand, $"the dashboard queue could not be written ({e.Message})");
            }
        }
    }

    /// <summary>
    /// Runs a recording write; an IOException (disk full, card removed) stops this hand's recording — the writer puts
    /// each record in one write, so everything before stays readable — and asks the coordinator to stop the session.
    /// </summary>
    private void Guard(Action write, string what)
    {
        Session s = session!;
        if (s.Failed)
        {
            return;
        }

        try
        {
            write();
        }
        catch (IOException e)
        {
            s.Failed = true;
            s.Failure = $"{what} failed: {e.Message}";
            Log.RecordingFailed(logger, s.Recording.SessionId, SessionFiles.HandWord(sensor.Hand), e.Message);
            s.CloseWriterAfterFailure();
            onFailure(sensor.Hand, s.Failure);
        }
    }

    private FrameAssembler NewAssembler(float? reflected) =>
        new(new TemperatureCalculator(sensor.Calibration), (float)sensor.Options.Emissivity, reflected);

    private sealed class Session(HandSessionRecording recording, HandAnalysis? analysis) : IDisposable
    {
        private bool writerClosed;

        public HandSessionRecording Recording { get; } = recording;

        public HandAnalysis? Analysis { get; set; } = analysis;

        public long Subpages { get; set; }

        public long Frames { get; set; }

        public double? LastTime { get; set; }

        public double LastProvisional { get; set; }

        public bool Failed { get; set; }

        public bool OutboxFailed { get; set; }

        public string? Failure { get; set; }

        public void CloseWriterAfterFailure()
        {
            writerClosed = true;
            try
            {
                Recording.Writer.Dispose();
            }
            catch (IOException)
            {
                // The End record cannot be written either (disk still full). The file reads back as "not closed" up
                // to its last whole record, which is what the reader and recovery are built for.
            }
        }

        public void Dispose()
        {
            Analysis?.Dispose();
            if (!writerClosed)
            {
                writerClosed = true;
                try
                {
                    Recording.Writer.Dispose();
                }
                catch (IOException e)
                {
                    Failure ??= $"recording could not be closed: {e.Message}";
                }
            }
        }
    }
}
