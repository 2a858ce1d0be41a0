using System.IO.Compression;
using System.Text;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Cli.Pictures;
using ThermoHand.Recording.Csv;
using ThermoHand.Recording.Events;
using ThermoHand.Recording.Export;
using ThermoHand.Recording.Native;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand analyze FRAMES.csv --events EVENTS.json [--out RESULT.json] [--png PICTURE.png]</c> and
/// <c>thermohand analyze RECORDING.threc</c>: finds the regions in every frame, computes the rewarming metrics and
/// writes the <c>thermohand/analysis/v1</c> result (shared/formats.md §4; docs/metrics.md). The same
/// <see cref="RewarmingSessionAnalyser"/> runs live on the device, so this batch result equals the live one.
/// </summary>
public sealed class AnalyzeCommand : ICliCommand
{
    /// <summary>Files at least this large report progress on standard error (about 700 CSV frames).</summary>
    private const long ProgressThresholdBytes = 4L << 20;

    private readonly Func<Hand, IHandRegionTracker> trackerFactory;

    public AnalyzeCommand()
        : this(hand => new HandRegionTracker(hand))
    {
    }

    /// <summary>For tests: a scripted tracker instead of the image-based region finder.</summary>
    internal AnalyzeCommand(Func<Hand, IHandRegionTracker> trackerFactory) => this.trackerFactory = trackerFactory;

    public string Name => "analyze";

    public string Usage => "FRAMES.csv[.gz] --events EVENTS.json | RECORDING.threc [--events EVENTS.json]  [--out RESULT.json] [--png PICTURE.png] [--quiet]";

    public string Summary => "Rewarming analysis of a cold-challenge session as JSON (thermohand/analysis/v1).";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var input = args.Required(0, "FRAMES.csv or RECORDING.threc");
        var eventsPath = args.Option("events");
        var outPath = args.Option("out");
        var pngPath = args.Option("png");
        var quiet = args.Flag("quiet");
        args.EnsureAllConsumed(1);

        if (!File.Exists(input))
        {
            error.WriteLine($"thermohand analyze: cannot read '{input}': no such file");
            return ExitCodes.IoError;
        }

        if (eventsPath is not null && !File.Exists(eventsPath))
        {
            error.WriteLine($"thermohand analyze: cannot read events '{eventsPath}': no such file");
            return ExitCodes.IoError;
        }

        bool native;
        try
        {
            native = IsNativeRecording(input);
        }
        catch (IOException ex)
        {
            error.WriteLine($"thermohand analyze: cannot read '{input}': {ex.Message}");
            return ExitCodes.IoError;
        }

        if (!native && eventsPath is null)
        {
            throw new CommandLineException("a frame CSV needs --events EVENTS.json (challenge_start and challenge_end)");
        }

        try
        {
            var events = eventsPath is not null ? SessionEventsJson.Read(eventsPath) : ReadRecordingEvents(input);
            var progress = quiet ? null : new ProgressReporter(error, input);
            var session = native ? AnalyseRecording(input, events, progress) : AnalyseCsv(input, events, progress);
            var result = session.Result;

            if (outPath is null)
            {
                AnalysisJsonWriter.Write(result, output);
            }
            else
            {
                using var file = new FileStream(outPath, FileMode.Create, FileAccess.Write);
                AnalysisJsonWriter.Write(result, file);
            }

            if (pngPath is not null)
            {
                using var picture = new FileStream(pngPath, FileMode.Create, FileAccess.Write);
                AnalysisPicture.Render(result, session.BaselineFrame, session.DorsumCentre, picture);
            }

            if (!quiet)
            {
                error.WriteLine(
                    $"thermohand analyze: {result.Quality.FramesUsed} frames used, {result.Quality.FramesRejected} rejected, {result.Quality.Flags.Count} quality flags");
            }

            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is FrameCsvException or SessionEventsFormatException or RecordingFormatException or InvalidDataException)
        {
            error.WriteLine($"thermohand analyze: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"thermohand analyze: {ex.Message}");
            return ExitCodes.IoError;
        }
    }

    /// <summary>A native recording starts with the magic bytes of docs/recording-format.md, whatever its name.</summary>
    private static bool IsNativeRecording(string path)
    {
        using var file = File.OpenRead(path);
        var magic = RecordingFormat.Magic;
        Span<byte> head = stackalloc byte[magic.Length];
        return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(magic);
    }

    /// <summary>Events stored in a native recording, with the same rules as an events file: one challenge, in order.</summary>
    private static SessionEvents ReadRecordingEvents(string path)
    {
        using var reader = SessionRecordingReader.Open(path);
        var events = reader.ReadAll().OfType<EventEntry>().Select(e => e.Event).ToList();
        foreach (var type in new[] { SessionEventTypes.ChallengeStart, SessionEventTypes.ChallengeEnd })
        {
            var count = events.Count(e => e.Type == type);
            if (count != 1)
            {
                throw new RecordingFormatException(
                    $"{Path.GetFileName(path)}: the recording holds {count} \"{type}\" events; the analysis needs exactly one (give them with --events EVENTS.json)");
            }
        }

        return new SessionEvents(reader.Header.Hand, events);
    }

    private SessionRun AnalyseCsv(string path, SessionEvents events, ProgressReporter? progress)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        Span<byte> signature = stackalloc byte[2];
        var gzip = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
        file.Position = 0;

        // Progress is the position in the file as stored (compressed bytes for .gz), read through this stream.
        using Stream content = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : new NonClosingStream(file);
        using var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 64 * 1024);
        return Analyse(FrameCsv.Read(text, Path.GetFileName(path)), events, progress, file);
    }

    private SessionRun AnalyseRecording(string path, SessionEvents events, ProgressReporter? progress)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024);
        using var reader = new SessionRecordingReader(file, leaveOpen: true);
        var run = Analyse(RecordedFrames.Compute(reader), events, progress, file);
        if (reader.Integrity.IsDamaged)
        {
            // A damaged tail is not fatal: the recording is analysed up to the last intact record, and the result says so.
            var flags = run.Result.Quality.Flags.Append("recording: " + reader.Integrity.Describe()).ToList();
            run = run with { Result = run.Result with { Quality = run.Result.Quality with { Flags = flags } } };
        }

        return run;
    }

    private SessionRun Analyse(IEnumerable<ThermalFrame> frames, SessionEvents events, ProgressReporter? progress, FileStream file)
    {
        var tracker = trackerFactory(events.Hand);
        try
        {
            var analyser = new RewarmingSessionAnalyser(tracker);
            foreach (var e in events.Events)
            {
                analyser.AddEvent(e);
            }

            var challengeStart = events.TimeOf(SessionEventTypes.ChallengeStart) ?? double.PositiveInfinity;
            ThermalFrame? baselineFrame = null;
            PixelPoint? dorsumCentre = null;
            var count = 0;
            foreach (var frame in frames)
            {
                var regions = analyser.AddFrame(frame);
                count++;

                // The picture shows the last frame before the immersion in which the hand was found.
                if (regions is { HandInView: true } && frame.TimeSeconds < challengeStart)
                {
                    baselineFrame = frame;
                    var dorsum = regions.Readings.FirstOrDefault(r => r.Name == RegionNames.Dorsum && double.IsFinite(r.CentreX));
                    dorsumCentre = dorsum is null ? dorsumCentre : new PixelPoint(dorsum.CentreX, dorsum.CentreY);
                }

                progress?.Report(file, count);
            }

            progress?.Finish(count);
            return new SessionRun(analyser.Complete(), baselineFrame, dorsumCentre);
        }
        finally
        {
            (tracker as IDisposable)?.Dispose();
        }
    }

    private sealed record SessionRun(AnalysisResult Result, ThermalFrame? BaselineFrame, PixelPoint? DorsumCentre);

    /// <summary>One line on standard error per 10 % of a large file, so a long analysis visibly progresses.</summary>
    private sealed class ProgressReporter(TextWriter error, string path)
    {
        private readonly bool enabled = new FileInfo(path).Length >= ProgressThresholdBytes;
        private int lastDecile;

        public void Report(FileStream file, int frames)
        {
            if (!enabled || file.Length == 0)
            {
                return;
            }

            var decile = (int)(10 * file.Position / file.Length);
            if (decile > lastDecile && decile < 10)
            {
                lastDecile = decile;
                error.WriteLine($"thermohand analyze: {decile * 10} % read, {frames} frames");
            }
        }

        public void Finish(int frames)
        {
            if (enabled)
            {
                error.WriteLine($"thermohand analyze: 100 % read, {frames} frames");
            }
        }
    }

    /// <summary>Lets a reader close its stream without closing the file we still ask for its position.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
