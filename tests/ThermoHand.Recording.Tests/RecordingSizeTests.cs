using ThermoHand.Recording.Native;
using Xunit.Abstractions;

namespace ThermoHand.Recording.Tests;

/// <summary>Measures the storage cost per minute quoted in docs/recording-format.md.</summary>
public class RecordingSizeTests(ITestOutputHelper output)
{
    private static long BytesPerMinute(double rateHz, SubpageEncoding encoding, double noiseCounts)
    {
        var stream = new MemoryStream();
        using var writer = new SessionRecordingWriter(stream, RecordingTestData.Header(), new RecordingWriterOptions { SubpageEncoding = encoding }, leaveOpen: true);
        var before = writer.BytesWritten;
        foreach (var subpage in RecordingTestData.LiveLikeSubpages((int)(60 * rateHz), rateHz, noiseCounts))
        {
            writer.WriteSubpage(subpage);
        }

        return writer.BytesWritten - before;
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(4.0)]
    [InlineData(8.0)]
    public void Raw_costs_exactly_its_frames_and_previous_delta_deflate_is_less_than_a_third_of_it(double rateHz)
    {
        var subpagesPerMinute = (long)(60 * rateHz);
        var raw = BytesPerMinute(rateHz, SubpageEncoding.Raw, noiseCounts: 6);
        Assert.Equal(subpagesPerMinute * (RecordingFormat.FrameOverhead + 10 + 1668), raw);

        var spatial = BytesPerMinute(rateHz, SubpageEncoding.DeltaDeflate, noiseCounts: 6);
        var temporal = BytesPerMinute(rateHz, SubpageEncoding.PreviousDeltaDeflate, noiseCounts: 6);
        var temporalNoisy = BytesPerMinute(rateHz, SubpageEncoding.PreviousDeltaDeflate, noiseCounts: 20);
        output.WriteLine(
            $"{rateHz} Hz, KiB/min: raw {raw / 1024.0:0.0}; delta-neighbour+deflate {spatial / 1024.0:0.0}; " +
            $"delta-previous+deflate {temporal / 1024.0:0.0} (noise 6 counts), {temporalNoisy / 1024.0:0.0} (noise 20 counts)");
        Assert.True(temporal < raw / 3, $"delta-previous+deflate {temporal} B/min should be under a third of raw {raw} B/min");
        Assert.True(temporal < spatial);
        Assert.True(temporalNoisy < raw / 2, $"even with 20-count noise {temporalNoisy} B/min should be under half of raw");
    }

    [Fact]
    public void Ten_minutes_at_8_Hz_write_and_stream_back_identically()
    {
        // A long stretch of a session at the fastest rate a Pi's I2C sustains. Timing is printed, not asserted.
        const int count = 10 * 60 * 8;
        var subpages = RecordingTestData.LiveLikeSubpages(count, rateHz: 8).ToList();
        var stream = new MemoryStream();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var writer = new SessionRecordingWriter(stream, RecordingTestData.Header(), leaveOpen: true))
        {
            foreach (var subpage in subpages)
            {
                writer.WriteSubpage(subpage);
            }
        }

        var writeTime = clock.Elapsed;
        stream.Position = 0;
        clock.Restart();
        using var reader = new SessionRecordingReader(stream);
        var read = 0;
        while (reader.TryReadNext(out var entry))
        {
            var subpage = Assert.IsType<SubpageEntry>(entry).Subpage;
            Assert.Equal(subpages[read].Words, subpage.Words);
            read++;
        }

        var readTime = clock.Elapsed;
        Assert.Equal(count, read);
        Assert.Equal(RecordingEnding.ClosedNormally, reader.Integrity.Ending);
        output.WriteLine($"{count} subpages: {stream.Length / 1048576.0:0.0} MiB, write {writeTime.TotalMicroseconds / count:0} µs/subpage, read+decode {readTime.TotalMicroseconds / count:0} µs/subpage");

        stream.Position = 0;
        clock.Restart();
        var info = RecordingInfo.Read(new SessionRecordingReader(stream));
        output.WriteLine($"info: {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(count, info.SubpageCount);
        Assert.Equal((count - 1) / 8.0, info.DurationSeconds, 9);
    }
}
