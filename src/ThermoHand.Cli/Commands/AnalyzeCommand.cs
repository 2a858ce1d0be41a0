using System.IO.Compression;
using System.Text;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Calibration;
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

    // Null: the image-based region finder with the chosen --region-method.
    private readonly Func<Hand, IHandRegionTracker>? trackerFactory;

    public AnalyzeCommand()
    {
    }

    /// <summary>For tests: a scripted tracker instead of the image-based region finder.</summary>
    internal AnalyzeCommand(Func<Hand, IHandRegionTracker> trackerFactory) => this.trackerFactory = trackerFactory;

    public string Name => "analyze";

    public string Usage => "FRAMES.csv[.gz] --events EVENTS.json | RECORDING.threc [--events EVENTS.json]  [--out RESULT.json] [--png PICTURE.png] [--emissivity E] [--calibration FILE.thcal.json] [--region-method unmixed-fingertip-per-digit|unmixed-fingertip|covered-pixel-mean] [--quiet]";

    public string Summary => "Rewarming analysis of a cold-challenge session as JSON (thermohand/analysis/v1).";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var input = args.Required(0, "FRAMES.csv or RECORDING.threc");
        var eventsPath = args.Option("events");
        var outPath = args.Option("out");
        var pngPath = args.Option("png");
        var quiet = args.Flag("quiet");
        var choices = ReadChoices(args);
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

        if (!native && choices.Emissivity is not null)
        {
            throw new CommandLineException("--emissivity needs the raw sensor data: give the .threc recording (a frame CSV holds temperatures already computed with an emissivity it does not record)");
        }

        try
        {
            var events = eventsPath is not null ? SessionEventsJson.Read(eventsPath) : ReadRecordingEvents(input);
            var progress = quiet ? null : new ProgressReporter(error, input);
            var session = native ? AnalyseRecording(input, events, progress, choices) : AnalyseCsv(input, events, progress, choices);
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
        catch (Exception ex) when (ex is FrameCsvException or SessionEventsFormatException or RecordingFormatException or InvalidDataException or CalibrationFileException)
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

    private SessionRun AnalyseCsv(string path, SessionEvents events, ProgressReporter? progress, AnalysisChoices choices)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        Span<byte> signature = stackalloc byte[2];
        var gzip = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
        file.Position = 0;

        // Progress is the position in the file as stored (compressed bytes for .gz), read through this stream.
        using Stream content = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : new NonClosingStream(file);
        using var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 64 * 1024);
        var provenance = choices.Provenance(AnalysisSource.FrameCsv, emissivity: null, reflected: null);
        return Analyse(choices.Calibrated(FrameCsv.Read(text, Path.GetFileName(path))), events, progress, file, choices, provenance);
    }

    private SessionRun AnalyseRecording(string path, SessionEvents events, ProgressReporter? progress, AnalysisChoices choices)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024);
        using var reader = new SessionRecordingReader(file, leaveOpen: true);
        // The emissivity change is exact here: every temperature is recomputed from the raw subpages.
        var recompute = new RecomputeSettings { Emissivity = choices.Emissivity is { } e ? (float)e : null };
        var provenance = choices.Provenance(AnalysisSource.Recording, choices.Emissivity ?? Math.Round(reader.Header.Emissivity, 6), Describe(reader.Header.ReflectedTemperature));
        var run = Analyse(choices.Calibrated(RecordedFrames.Compute(reader, recompute)), events, progress, file, choices, provenance);
        if (reader.Integrity.IsDamaged)
        {
            // A damaged tail is not fatal: the recording is analysed up to the last intact record, and the result says so.
            var flags = run.Result.Quality.Flags.Append("recording: " + reader.Integrity.Describe()).ToList();
            run = run with { Result = run.Result with { Quality = run.Result.Quality with { Flags = flags } } };
        }

        return run;
    }

    private SessionRun Analyse(
        IEnumerable<ThermalFrame> frames, SessionEvents events, ProgressReporter? progress, FileStream file, AnalysisChoices choices, AnalysisProvenance provenance)
    {
        var tracker = trackerFactory?.Invoke(events.Hand) ?? new HandRegionTracker(events.Hand, RegionMethods.Options(choices.RegionMethod));
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
            return new SessionRun(analyser.Complete() with { Provenance = provenance }, baselineFrame, dorsumCentre);
        }
        finally
        {
            (tracker as IDisposable)?.Dispose();
        }
    }

    private sealed record SessionRun(AnalysisResult Result, ThermalFrame? BaselineFrame, PixelPoint? DorsumCentre);

    private static AnalysisChoices ReadChoices(CommandArguments args)
    {
        var emissivity = args.DoubleOption("emissivity");
        if (emissivity is { } e && !(e > 0 && e <= 1))
        {
            throw new CommandLineException($"--emissivity {e} is not possible: give a number above 0 and at most 1 (human skin ≈ 0.98)");
        }

        var method = args.Option("region-method") ?? RegionMethods.UnmixedFingertip;
        if (!RegionMethods.All.Contains(method))
        {
            throw new CommandLineException($"--region-method {method} is unknown: use {string.Join(" or ", RegionMethods.All)}");
        }

        var calibrationPath = args.Option("calibration");
        return new AnalysisChoices(emissivity, method, calibrationPath);
    }

    private static string Describe(ReflectedTemperatureRule rule) => rule.Mode == ReflectedTemperatureMode.Fixed
        ? FormattableString.Invariant($"fixed {rule.Value:0.0} C")
        : FormattableString.Invariant($"Ta - {rule.Value:0.0} C");

    /// <summary>The analysis settings chosen on the command line (docs/reanalysis.md).</summary>
    private sealed record AnalysisChoices(double? Emissivity, string RegionMethod, string? CalibrationPath)
    {
        private (SiteCalibration Calibration, string Sha256)? calibration;

        /// <summary>The site calibration file, read and checked once (throws CalibrationFileException naming the problem).</summary>
        public (SiteCalibration Calibration, string Sha256)? Calibration
        {
            get
            {
                if (CalibrationPath is null)
                {
                    return null;
                }

                if (calibration is null)
                {
                    var text = File.ReadAllText(CalibrationPath);
                    var parsed = SiteCalibrationFile.Parse(text, CalibrationPath);
                    using var document = System.Text.Json.JsonDocument.Parse(text);
                    calibration = (parsed, document.RootElement.GetProperty("sha256").GetString() ?? "");
                }

                return calibration;
            }
        }

        /// <summary>Frames with the site calibration applied (the input temperatures carry the factory calibration only).</summary>
        public IEnumerable<ThermalFrame> Calibrated(IEnumerable<ThermalFrame> frames)
        {
            if (Calibration is not { } chosen)
            {
                return frames;
            }

            return frames.Select(frame =>
            {
                chosen.Calibration.Apply(frame.TemperaturesCelsius);
                return frame;
            });
        }

        public AnalysisProvenance Provenance(AnalysisSource source, double? emissivity, string? reflected) => new()
        {
            Software = AnalysisProvenance.CurrentSoftware,
            Source = source,
            Emissivity = emissivity,
            ReflectedTemperature = reflected,
            RegionMethod = RegionMethod,
            Calibration = Calibration is { } c ? new CalibrationReference(c.Calibration.Id, c.Sha256.ToLowerInvariant()) : null,
            Notes = Calibration is not null && source == AnalysisSource.FrameCsv
                ? ["site calibration applied to the CSV temperatures, which are assumed to carry the factory calibration only"]
                : [],
        };
    }

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
