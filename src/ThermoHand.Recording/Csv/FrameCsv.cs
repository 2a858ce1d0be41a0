using System.Globalization;
using System.IO.Compression;
using System.Text;
using ThermoHand.Analysis;

namespace ThermoHand.Recording.Csv;

/// <summary>
/// Frame recordings as CSV (shared/formats.md §2): header <c>t_s,p0,…,p767</c>, one frame per line, an empty field or
/// <c>NaN</c> for an invalid pixel, optionally gzip-compressed. Reading streams one frame at a time.
/// Rules beyond the public format (docs/recording-format.md): times must be finite and strictly increasing (two frames
/// at the same time are an error: rates and interpolation would divide by zero); temperatures must be finite and not
/// below absolute zero; blank lines are skipped.
/// </summary>
public static class FrameCsv
{
    /// <summary>Temperatures are written with at most 3 decimals (1 mK, far below the sensor's ~0.1 K noise).</summary>
    public const string TemperatureFormat = "0.###";

    /// <summary>Times are written with at most 6 decimals (1 µs), enough to keep any acquisition timestamp distinct.</summary>
    public const string TimeFormat = "0.######";

    private const double AbsoluteZeroCelsius = -273.15;

    public static string HeaderLine { get; } = "t_s," + string.Join(',', Enumerable.Range(0, ThermalFrame.PixelCount).Select(i => $"p{i}"));

    /// <summary>Streams the frames of <paramref name="path"/>; gzip is recognised by its signature, whatever the extension.</summary>
    public static IEnumerable<ThermalFrame> Read(string path)
    {
        using var reader = OpenText(path);
        var name = Path.GetFileName(path);
        using var frames = Read(reader, name).GetEnumerator();
        var count = 0;
        while (true)
        {
            try
            {
                if (!frames.MoveNext())
                {
                    yield break;
                }
            }
            catch (InvalidDataException e)
            {
                // Damaged gzip data: a format error like any other (the frames before it were intact and were returned).
                throw new FrameCsvException(name, count + 2, $"the gzip-compressed data is damaged after {count} frames ({e.Message})");
            }

            count++;
            yield return frames.Current;
        }
    }

    /// <summary>Streams the frames of CSV text; <paramref name="sourceName"/> is used in error messages.</summary>
    public static IEnumerable<ThermalFrame> Read(TextReader reader, string sourceName = "frame CSV")
    {
        ArgumentNullException.ThrowIfNull(reader);
        long lineNumber = 0;
        string? line;
        do
        {
            line = reader.ReadLine();
            lineNumber++;
        }
        while (line is not null && line.Trim().Length == 0);

        if (line is null)
        {
            throw new FrameCsvException(sourceName, lineNumber, "the file is empty; expected the header 't_s,p0,...,p767'");
        }

        CheckHeader(line.TrimStart('\uFEFF').TrimEnd(), sourceName, lineNumber);

        double previousTime = double.NaN;
        long previousLine = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.AsSpan().Trim().Length == 0)
            {
                continue;
            }

            var frame = ParseFrame(line, sourceName, lineNumber);
            if (!double.IsNaN(previousTime) && frame.TimeSeconds <= previousTime)
            {
                var what = frame.TimeSeconds == previousTime ? "is the same as" : "is before";
                throw new FrameCsvException(sourceName, lineNumber,
                    $"time {Format(frame.TimeSeconds)} s {what} the previous frame's ({Format(previousTime)} s, line {previousLine}); frames must be in strictly increasing time");
            }

            previousTime = frame.TimeSeconds;
            previousLine = lineNumber;
            yield return frame;
        }
    }

    /// <summary>Writes frames to <paramref name="path"/> (gzip when it ends in .gz), replacing an existing file. Returns the frame count.</summary>
    public static int Write(string path, IEnumerable<ThermalFrame> frames)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        using var compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionLevel.Optimal)
            : null;
        using var writer = new StreamWriter((Stream?)compressed ?? file, new UTF8Encoding(false), 64 * 1024);
        return Write(writer, frames);
    }

    /// <summary>Writes the header and the frames in invariant culture; rejects frames its own reader would reject.</summary>
    public static int Write(TextWriter writer, IEnumerable<ThermalFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(frames);
        writer.NewLine = "\n";
        writer.WriteLine(HeaderLine);
        var count = 0;
        var previousTime = double.NaN;
        var line = new StringBuilder(8 * 1024);
        Span<char> number = stackalloc char[32];
        foreach (var frame in frames)
        {
            if (!double.IsFinite(frame.TimeSeconds) || (!double.IsNaN(previousTime) && frame.TimeSeconds <= previousTime))
            {
                throw new ArgumentException(
                    $"Frame {count} at {frame.TimeSeconds} s: times must be finite and strictly increasing (previous {previousTime} s).", nameof(frames));
            }

            var time = Format(frame.TimeSeconds);
            if (double.Parse(time, CultureInfo.InvariantCulture) <= previousTime)
            {
                throw new ArgumentException(
                    $"Frame {count} at {frame.TimeSeconds} s is less than 1 µs after the previous one; the CSV could not tell them apart.", nameof(frames));
            }

            previousTime = frame.TimeSeconds;
            line.Clear().Append(time);
            foreach (var t in frame.TemperaturesCelsius)
            {
                line.Append(',');
                if (float.IsFinite(t))
                {
                    t.TryFormat(number, out var written, TemperatureFormat, CultureInfo.InvariantCulture);
                    line.Append(number[..written]);
                }

                // Not finite: empty field = invalid pixel.
            }

            writer.WriteLine(line);
            count++;
        }

        writer.Flush();
        return count;
    }

    private static string Format(double seconds) => seconds.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static TextReader OpenText(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        try
        {
            Span<byte> signature = stackalloc byte[2];
            var got = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            file.Position = 0;
            Stream content = got == 2 && signature[0] == 0x1F && signature[1] == 0x8B
                ? new CheckedGzipStream(file)
                : file;
            return new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 64 * 1024);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void CheckHeader(string header, string sourceName, long lineNumber)
    {
        if (header == HeaderLine)
        {
            return;
        }

        var names = header.Split(',');
        if (names[0].Trim() != "t_s")
        {
            throw new FrameCsvException(sourceName, lineNumber, $"bad header: the first column is '{Shorten(names[0])}', expected 't_s'");
        }

        if (names.Length != ThermalFrame.PixelCount + 1)
        {
            throw new FrameCsvException(sourceName, lineNumber, $"bad header: {names.Length} columns, expected {ThermalFrame.PixelCount + 1} (t_s,p0,...,p767)");
        }

        for (var i = 1; i < names.Length; i++)
        {
            if (names[i].Trim() != $"p{i - 1}")
            {
                throw new FrameCsvException(sourceName, lineNumber, $"bad header: column {i + 1} is '{Shorten(names[i])}', expected 'p{i - 1}'");
            }
        }
    }

    private static ThermalFrame ParseFrame(string line, string sourceName, long lineNumber)
    {
        var span = line.AsSpan().TrimEnd();
        var temperatures = new float[ThermalFrame.PixelCount];
        var column = 0;
        double time = 0;
        while (true)
        {
            var comma = span.IndexOf(',');
            var field = (comma < 0 ? span : span[..comma]).Trim();
            if (column == 0)
            {
                if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out time))
                {
                    throw new FrameCsvException(sourceName, lineNumber, $"t_s '{Shorten(field.ToString())}' is not a number");
                }

                if (!double.IsFinite(time))
                {
                    throw new FrameCsvException(sourceName, lineNumber, $"t_s is {field.ToString()}; the time must be a finite number of seconds");
                }
            }
            else if (column <= ThermalFrame.PixelCount)
            {
                temperatures[column - 1] = ParseTemperature(field, sourceName, lineNumber, column - 1);
            }

            column++;
            if (comma < 0)
            {
                break;
            }

            span = span[(comma + 1)..];
        }

        if (column != ThermalFrame.PixelCount + 1)
        {
            throw new FrameCsvException(sourceName, lineNumber, $"{column} columns, expected {ThermalFrame.PixelCount + 1} (t_s and 768 pixels)");
        }

        return new ThermalFrame(time, temperatures);
    }

    private static float ParseTemperature(ReadOnlySpan<char> field, string sourceName, long lineNumber, int pixel)
    {
        if (field.Length == 0 || field.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            return float.NaN;
        }

        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new FrameCsvException(sourceName, lineNumber, $"p{pixel} '{Shorten(field.ToString())}' is not a number (use an empty field or NaN for an invalid pixel)");
        }

        if (!float.IsFinite(value) || value < AbsoluteZeroCelsius)
        {
            throw new FrameCsvException(sourceName, lineNumber, $"p{pixel} = {field.ToString()} is not a possible temperature in °C");
        }

        return value;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
