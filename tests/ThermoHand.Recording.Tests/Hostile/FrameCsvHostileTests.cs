using System.Globalization;
using System.IO.Compression;
using System.Text;
using FsCheck.Xunit;
using ThermoHand.Analysis;
using ThermoHand.Recording.Csv;

namespace ThermoHand.Recording.Tests.Hostile;

/// <summary>
/// Frame CSV (shared/formats.md §2) under damage: whatever the text, reading either yields frames that obey the
/// format (768 pixels, finite strictly increasing times, temperatures finite and above absolute zero or NaN) or
/// stops with a <see cref="FrameCsvException"/> naming the line. Never another exception type.
/// </summary>
public sealed class FrameCsvHostileTests
{
    private static string ValidCsv(int frames = 3)
    {
        var list = Enumerable.Range(0, frames).Select(f => new ThermalFrame(f * 0.5,
            Enumerable.Range(0, ThermalFrame.PixelCount).Select(p => p % 97 == 0 ? float.NaN : 20f + (p % 13) * 0.25f + f).ToArray())).ToList();
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        FrameCsv.Write(writer, list);
        return writer.ToString();
    }

    /// <summary>Reads everything; returns the frames or the format error, and lets any other exception fail the test.</summary>
    private static (List<ThermalFrame>? Frames, FrameCsvException? Error) ReadAll(string text)
    {
        try
        {
            return (FrameCsv.Read(new StringReader(text), "hostile.csv").ToList(), null);
        }
        catch (FrameCsvException e)
        {
            Assert.Contains("hostile.csv, line ", e.Message, StringComparison.Ordinal);
            Assert.True(e.LineNumber >= 1);
            return (null, e);
        }
    }

    private static void AssertObeysFormat(IReadOnlyList<ThermalFrame> frames)
    {
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.Equal(ThermalFrame.PixelCount, frames[i].TemperaturesCelsius.Length);
            Assert.True(double.IsFinite(frames[i].TimeSeconds));
            Assert.True(i == 0 || frames[i].TimeSeconds > frames[i - 1].TimeSeconds);
            Assert.All(frames[i].TemperaturesCelsius, t => Assert.True(float.IsNaN(t) || (float.IsFinite(t) && t >= -273.15f)));
        }
    }

    [Property(MaxTest = 300, Replay = "(1104,2207)")]
    public void Mutated_valid_files_give_frames_that_obey_the_format_or_a_line_numbered_error(int seed, byte edits)
    {
        var (frames, _) = ReadAll(HostileText.Mutate(ValidCsv(), seed, 1 + (edits % 6)));
        if (frames is not null)
        {
            AssertObeysFormat(frames);
        }
    }

    [Property(MaxTest = 200, Replay = "(1105,2209)")]
    public void Arbitrary_text_never_crashes_the_reader(string? text, bool withHeader)
    {
        var body = (withHeader ? FrameCsv.HeaderLine + "\n" : "") + (text ?? "");
        var (frames, _) = ReadAll(body);
        if (frames is not null)
        {
            AssertObeysFormat(frames);
        }
    }

    public static TheoryData<string, string, string> HandMade()
    {
        var header = FrameCsv.HeaderLine;
        var pixels = string.Join(',', Enumerable.Repeat("21.5", 768));
        return new()
        {
            { "empty file", "", "the file is empty" },
            { "blank lines only", "\n\n  \n", "the file is empty" },
            { "no header", "0," + pixels + "\n", "bad header" },
            { "short header", "t_s,p0,p1\n", "3 columns, expected 769" },
            { "767 pixels", header + "\n0," + string.Join(',', Enumerable.Repeat("21.5", 767)) + "\n", "768 columns, expected 769" },
            { "769 pixels", header + "\n0," + pixels + ",1\n", "770 columns, expected 769" },
            { "infinite time", header + "\nInfinity," + pixels + "\n", "finite" },
            { "time overflowing a double", header + "\n1e400," + pixels + "\n", "finite" },
            { "temperature overflowing a float", header + "\n0,1e39," + string.Join(',', Enumerable.Repeat("21.5", 767)) + "\n", "not a possible temperature" },
            { "below absolute zero", header + "\n0,-300," + string.Join(',', Enumerable.Repeat("21.5", 767)) + "\n", "not a possible temperature" },
            { "comma decimal", header + "\n0,21;5," + string.Join(',', Enumerable.Repeat("21.5", 767)) + "\n", "is not a number" },
            { "same time twice", header + "\n1," + pixels + "\n1," + pixels + "\n", "is the same as" },
            { "time going back", header + "\n2," + pixels + "\n1," + pixels + "\n", "is before" },
            { "one megabyte of garbage in a line", header + "\n" + new string('x', 1 << 20) + "\n", "is not a number" },
        };
    }

    [Theory]
    [MemberData(nameof(HandMade))]
    public void Hand_made_bad_files_are_refused_with_the_reason(string what, string text, string reason)
    {
        var (_, error) = ReadAll(text);
        Assert.True(error is not null, what + " was accepted");
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400, "the message quotes at most a short excerpt of the bad field");
    }

    [Fact]
    public void A_damaged_gzip_file_is_a_format_error_not_a_decompressor_crash()
    {
        var folder = Directory.CreateTempSubdirectory("thermohand-hostile-csv-").FullName;
        try
        {
            var path = Path.Combine(folder, "frames.csv.gz");
            using (var file = File.Create(path))
            using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            {
                gzip.Write(Encoding.UTF8.GetBytes(ValidCsv(20)));
            }

            var bytes = File.ReadAllBytes(path);
            var failures = new List<string>();
            var random = new Random(7);
            for (var trial = 0; trial < 60; trial++)
            {
                var damaged = (byte[])bytes.Clone();
                if (trial % 2 == 0)
                {
                    damaged = damaged[..random.Next(2, damaged.Length)]; // cut off
                }
                else
                {
                    damaged[random.Next(10, damaged.Length)] ^= (byte)(1 << random.Next(8)); // bit flip past the gzip header
                }

                File.WriteAllBytes(path, damaged);
                try
                {
                    AssertObeysFormat(FrameCsv.Read(path).ToList());
                }
                catch (FrameCsvException)
                {
                }
                catch (Exception e)
                {
                    failures.Add($"trial {trial}: {e.GetType().Name}: {e.Message}");
                }
            }

            Assert.Empty(failures);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_gzip_file_cut_off_anywhere_is_an_error_never_fewer_frames()
    {
        var folder = Directory.CreateTempSubdirectory("thermohand-hostile-gz-").FullName;
        try
        {
            var path = Path.Combine(folder, "frames.csv.gz");
            var written = FrameCsv.Write(path, FrameCsv.Read(new StringReader(ValidCsv(20))).ToList());
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(written, FrameCsv.Read(path).Count());
            var silentlyShort = new List<string>();
            for (var cut = 2; cut < bytes.Length; cut += 7)
            {
                File.WriteAllBytes(path, bytes[..cut]);
                try
                {
                    silentlyShort.Add($"cut at byte {cut}: {FrameCsv.Read(path).Count()} of {written} frames and no error");
                }
                catch (FrameCsvException)
                {
                }
            }

            Assert.Empty(silentlyShort);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
