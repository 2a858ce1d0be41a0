using System.Buffers.Binary;
using ThermoHand.Analysis;
using ThermoHand.Recording.Bench;
using ThermoHand.Recording.Csv;
using ThermoHand.TestSupport;

namespace ThermoHand.Recording.Tests;

public class BenchImportTests
{
    [Theory]
    [InlineData("ds-16-55-20200525-DSN200u.raw", 683, 682)]
    [InlineData("ds-16-55-20200521-DSN200uG.raw", 708, 707)]
    public void Real_bench_recordings_import_with_the_half_computed_first_frame_rejected(string file, int read, int kept)
    {
        var report = new BenchImportReport();
        var frames = BenchRawImporter.Read(Path.Combine(SharedData.RecordingsDirectory, file), report).ToList();
        Assert.Equal(read, report.FramesRead);
        Assert.Equal(kept, report.FramesKept);
        Assert.Equal(kept, frames.Count);
        Assert.Equal(0, report.TrailingBytes);
        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(0, rejected.Index);
        Assert.Contains("384 of 768 pixels are exactly 0 °C", rejected.Reason); // one subpage never computed

        // t = index in the file: the first kept frame is frame 1.
        Assert.Equal(1.0, frames[0].TimeSeconds);
        Assert.Equal(read - 1.0, frames[^1].TimeSeconds);

        // A heated strip on a bench: every pixel a plausible room-to-hot temperature, and the scene really changes.
        Assert.All(frames, f => Assert.All(f.TemperaturesCelsius, t => Assert.InRange(t, 0f, 150f)));
        var hottest = frames.Select(f => f.TemperaturesCelsius.Max()).ToList();
        Assert.True(hottest.Max() - hottest.Min() > 5, $"expected heating/cooling of more than 5 °C, got {hottest.Min()}..{hottest.Max()}");
    }

    [Fact]
    public void Non_finite_and_impossible_frames_are_rejected_with_the_pixel_named_and_trailing_bytes_counted()
    {
        var stream = new MemoryStream();
        void WriteFrame(Func<int, float> pixel)
        {
            Span<byte> bytes = stackalloc byte[4];
            for (var i = 0; i < ThermalFrame.PixelCount; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes, pixel(i));
                stream.Write(bytes);
            }
        }

        WriteFrame(_ => 0f);
        WriteFrame(i => i == 100 ? 0f : 25f + (i % 7)); // one exact 0 °C can be real (a pixel at ice-water temperature)
        WriteFrame(i => i == 40 ? float.NaN : 25f);
        WriteFrame(i => i == 767 ? 900f : 25f);
        WriteFrame(_ => 26f);
        stream.Write([1, 2, 3]);
        stream.Position = 0;

        var report = new BenchImportReport();
        var frames = BenchRawImporter.Read(stream, report).ToList();
        Assert.Equal([1.0, 4.0], frames.Select(f => f.TimeSeconds));
        Assert.Equal(5, report.FramesRead);
        Assert.Equal(2, report.FramesKept);
        Assert.Equal([0, 2, 3], report.Rejected.Select(r => r.Index));
        Assert.Contains("all 768 pixels are exactly 0", report.Rejected[0].Reason);
        Assert.Contains("pixel 40 (row 1, column 8) is NaN", report.Rejected[1].Reason);
        Assert.Contains("pixel 767 (row 23, column 31) is 900", report.Rejected[2].Reason);
        Assert.Equal(3, report.TrailingBytes);
        Assert.Contains("3 trailing bytes", report.Describe());
    }

    [Fact]
    public void Imported_bench_frames_survive_the_csv_gz_round_trip()
    {
        var report = new BenchImportReport();
        var path = Path.Combine(Path.GetTempPath(), $"thermohand-bench-{Guid.NewGuid():N}.csv.gz");
        try
        {
            var written = FrameCsv.Write(path, BenchRawImporter.Read(Path.Combine(SharedData.RecordingsDirectory, "ds-16-55-20200525-DSN200u.raw"), report));
            Assert.Equal(682, written);
            var original = BenchRawImporter.Read(Path.Combine(SharedData.RecordingsDirectory, "ds-16-55-20200525-DSN200u.raw"), new BenchImportReport()).ToList();
            var back = FrameCsv.Read(path).ToList();
            Assert.Equal(682, back.Count);
            for (var f = 0; f < back.Count; f += 97)
            {
                Assert.Equal(original[f].TimeSeconds, back[f].TimeSeconds);
                for (var i = 0; i < ThermalFrame.PixelCount; i++)
                {
                    Assert.Equal(original[f].TemperaturesCelsius[i], back[f].TemperaturesCelsius[i], 0.00051f);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
