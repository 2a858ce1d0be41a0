using System.Globalization;
using System.IO.Compression;
using System.Text;
using ThermoHand.Analysis;
using ThermoHand.Recording.Csv;

namespace ThermoHand.Recording.Tests;

public class FrameCsvTests
{
    private static ThermalFrame Frame(double time, float baseTemperature)
    {
        var t = new float[ThermalFrame.PixelCount];
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = baseTemperature + (i * 0.0137f);
        }

        return new ThermalFrame(time, t);
    }

    private static string Line(string time, string? pixel0 = "30.5", int pixels = ThermalFrame.PixelCount)
        => time + string.Concat(Enumerable.Range(0, pixels).Select(i => "," + (i == 0 ? pixel0 : "31.25")));

    private static List<ThermalFrame> Parse(string text) => FrameCsv.Read(new StringReader(text), "test.csv").ToList();

    private static FrameCsvException Fails(string text) => Assert.Throws<FrameCsvException>(() => Parse(text));

    [Fact]
    public void Round_trip_keeps_times_invalid_pixels_and_temperatures_to_half_a_millikelvin()
    {
        var frames = new List<ThermalFrame> { Frame(0, 30.12345f), Frame(0.125, -12.5f), Frame(1234.567891, 35f) };
        frames[1].TemperaturesCelsius[17] = float.NaN;
        var text = new StringWriter();
        Assert.Equal(3, FrameCsv.Write(text, frames));
        Assert.StartsWith("t_s,p0,p1,", text.ToString());

        var back = Parse(text.ToString());
        Assert.Equal(3, back.Count);
        for (var f = 0; f < frames.Count; f++)
        {
            Assert.Equal(frames[f].TimeSeconds, back[f].TimeSeconds, 6);
            for (var i = 0; i < ThermalFrame.PixelCount; i++)
            {
                var expected = frames[f].TemperaturesCelsius[i];
                var actual = back[f].TemperaturesCelsius[i];
                if (float.IsNaN(expected))
                {
                    Assert.True(float.IsNaN(actual), $"pixel {i} must stay invalid");
                }
                else
                {
                    Assert.InRange(actual - expected, -0.0005f - 1e-5f, 0.0005f + 1e-5f);
                }
            }
        }
    }

    [Fact]
    public void Writer_uses_invariant_culture_whatever_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            // A decimal-comma culture (built by hand: the project runs with invariant globalization).
            var decimalComma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            decimalComma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = decimalComma;
            Assert.Equal("1,5", 1.5.ToString(CultureInfo.CurrentCulture));
            var text = new StringWriter();
            FrameCsv.Write(text, [Frame(1.5, 30.25f)]);
            var dataLine = text.ToString().Split('\n')[1];
            Assert.StartsWith("1.5,30.25,30.264,", dataLine);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Empty_and_nan_fields_are_invalid_pixels_blank_lines_crlf_and_bom_are_accepted()
    {
        var text = "\uFEFF" + FrameCsv.HeaderLine + "\r\n" + Line("0", "") + "\r\n\r\n" + Line("1.5", "NaN") + "\r\n" + Line("2", "nan") + "\r\n";
        var frames = Parse(text);
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f => Assert.True(float.IsNaN(f.TemperaturesCelsius[0])));
        Assert.All(frames, f => Assert.Equal(31.25f, f.TemperaturesCelsius[767]));
        Assert.Equal([0, 1.5, 2], frames.Select(f => f.TimeSeconds));
    }

    [Fact]
    public void Gzip_files_are_written_and_read_transparently()
    {
        var dir = Directory.CreateTempSubdirectory("thermohand-csv-");
        try
        {
            var frames = Enumerable.Range(0, 20).Select(i => Frame(i * 0.5, 25 + i)).ToList();
            var gz = Path.Combine(dir.FullName, "frames.csv.gz");
            FrameCsv.Write(gz, frames);
            var bytes = File.ReadAllBytes(gz);
            Assert.Equal(0x1F, bytes[0]);
            Assert.Equal(0x8B, bytes[1]);
            Assert.Equal(20, FrameCsv.Read(gz).Count());

            // Recognised by content, not name: a gzip file without .gz still reads, and plain text under .gz too.
            var renamed = Path.Combine(dir.FullName, "frames-no-extension.csv");
            File.Copy(gz, renamed);
            Assert.Equal(frames[^1].TemperaturesCelsius[5], FrameCsv.Read(renamed).Last().TemperaturesCelsius[5], 0.001);
            var plain = Path.Combine(dir.FullName, "plain.csv.gz");
            using (var decompressed = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress))
            using (var output = File.Create(plain))
            {
                decompressed.CopyTo(output);
            }

            Assert.Equal(20, FrameCsv.Read(plain).Count());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Reading_streams_frames_before_a_later_error()
    {
        var text = FrameCsv.HeaderLine + "\n" + Line("0") + "\n" + Line("1") + "\n" + Line("oops") + "\n";
        using var frames = FrameCsv.Read(new StringReader(text), "test.csv").GetEnumerator();
        Assert.True(frames.MoveNext());
        Assert.True(frames.MoveNext());
        Assert.Equal(1, frames.Current.TimeSeconds);
        Assert.Throws<FrameCsvException>(() => frames.MoveNext());
    }

    public static TheoryData<string, long, string> Malformed()
    {
        var header = FrameCsv.HeaderLine + "\n";
        return new TheoryData<string, long, string>
        {
            { "", 1, "empty" },
            { "time,p0\n", 1, "first column is 'time'" },
            { "t_s,p0,p1\n" + Line("0") + "\n", 1, "3 columns, expected 769" },
            { header.Replace(",p5,", ",p6,", StringComparison.Ordinal), 1, "column 7 is 'p6', expected 'p5'" },
            { header + Line("0") + "\n" + Line("1", pixels: 767) + "\n", 3, "768 columns, expected 769" },
            { header + Line("0", pixels: 769) + "\n", 2, "770 columns" },
            { header + Line("0", "warm") + "\n", 2, "p0 'warm' is not a number" },
            { header + Line("0", "30,5") + "\n", 2, "770 columns" }, // a decimal comma splits the field
            { header + Line("zero") + "\n", 2, "t_s 'zero' is not a number" },
            { header + Line("NaN") + "\n", 2, "finite number of seconds" },
            { header + Line("Infinity") + "\n", 2, "finite number of seconds" },
            { header + Line("0", "Infinity") + "\n", 2, "p0 = Infinity is not a possible temperature" },
            { header + Line("0", "-300") + "\n", 2, "p0 = -300 is not a possible temperature" },
            { header + Line("0") + "\n" + Line("2") + "\n" + Line("1.5") + "\n", 4, "time 1.5 s is before the previous frame's (2 s, line 3)" },
            { header + Line("0") + "\n\n" + Line("1") + "\n" + Line("1") + "\n", 5, "time 1 s is the same as the previous frame's (1 s, line 4)" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_csv_names_the_line_and_the_problem(string text, long line, string problem)
    {
        var ex = Fails(text);
        Assert.Equal(line, ex.LineNumber);
        Assert.Contains(problem, ex.Message);
        Assert.StartsWith($"test.csv, line {line}: ", ex.Message);
    }

    [Fact]
    public void Writer_refuses_frames_its_reader_would_refuse()
    {
        Assert.Throws<ArgumentException>(() => FrameCsv.Write(new StringWriter(), [Frame(1, 30), Frame(1, 30)]));
        Assert.Throws<ArgumentException>(() => FrameCsv.Write(new StringWriter(), [Frame(double.NaN, 30)]));
        Assert.Throws<ArgumentException>(() => FrameCsv.Write(new StringWriter(), [Frame(1, 30), Frame(1.0000001, 30)]));
    }

    [Fact]
    public void Non_finite_temperatures_are_written_as_empty_fields()
    {
        var frame = Frame(0, 30);
        frame.TemperaturesCelsius[0] = float.PositiveInfinity;
        frame.TemperaturesCelsius[1] = float.NaN;
        var text = new StringWriter();
        FrameCsv.Write(text, [frame]);
        Assert.StartsWith("0,,,30.027,", text.ToString().Split('\n')[1]);
        var back = Parse(text.ToString());
        Assert.True(float.IsNaN(back[0].TemperaturesCelsius[0]));
    }

    [Fact]
    public void Utf8_file_with_many_frames_reads_back_with_the_same_count()
    {
        var text = new StringBuilder(FrameCsv.HeaderLine).Append('\n');
        for (var i = 0; i < 200; i++)
        {
            text.Append(Line((i * 0.25).ToString(CultureInfo.InvariantCulture))).Append('\n');
        }

        Assert.Equal(200, Parse(text.ToString()).Count);
    }
}
