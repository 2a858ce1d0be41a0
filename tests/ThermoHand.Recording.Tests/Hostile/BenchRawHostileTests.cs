using FsCheck.Xunit;
using ThermoHand.Analysis;
using ThermoHand.Recording.Bench;

namespace ThermoHand.Recording.Tests.Hostile;

/// <summary>
/// The bench .raw importer on arbitrary bytes: every whole frame is either kept (all 768 pixels finite and inside the
/// sensor's range, time = its index) or rejected with a reason; the bytes of a cut-off last frame are counted. Nothing
/// is lost without being reported and nothing crashes.
/// </summary>
public sealed class BenchRawHostileTests
{
    [Property(MaxTest = 150, Replay = "(3301,6603)")]
    public void Arbitrary_bytes_are_accounted_for_frame_by_frame(int seed, byte frames, short extra)
    {
        var random = new Random(seed);
        var bytes = new byte[(frames % 5 * BenchRawImporter.FrameBytes) + Math.Abs(extra % BenchRawImporter.FrameBytes)];
        random.NextBytes(bytes);
        if (seed % 3 == 0)
        {
            // Plausible frames too, so the kept path is exercised: float32 values 20…36 °C with an occasional bad one.
            for (var i = 0; i + 4 <= bytes.Length; i += 4)
            {
                var value = random.Next(50) == 0 ? float.NaN : 20f + (float)random.NextDouble() * 16f;
                BitConverter.TryWriteBytes(bytes.AsSpan(i), value);
            }
        }

        var report = new BenchImportReport();
        var kept = BenchRawImporter.Read(new MemoryStream(bytes), report).ToList();

        Assert.Equal(bytes.Length / BenchRawImporter.FrameBytes, report.FramesRead);
        Assert.Equal(bytes.Length % BenchRawImporter.FrameBytes, report.TrailingBytes);
        Assert.Equal(report.FramesRead, report.FramesKept + report.Rejected.Count);
        Assert.Equal(kept.Count, report.FramesKept);
        Assert.All(report.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        foreach (var frame in kept)
        {
            Assert.Equal(ThermalFrame.PixelCount, frame.TemperaturesCelsius.Length);
            Assert.All(frame.TemperaturesCelsius, t => Assert.InRange(t, BenchRawImporter.MinimumPlausibleCelsius, BenchRawImporter.MaximumPlausibleCelsius));
            Assert.DoesNotContain(frame.TimeSeconds, report.Rejected.Select(r => (double)r.Index));
        }
    }
}
