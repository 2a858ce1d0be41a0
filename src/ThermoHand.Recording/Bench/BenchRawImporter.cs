using System.Buffers.Binary;
using ThermoHand.Analysis;

namespace ThermoHand.Recording.Bench;

/// <summary>A frame of a bench recording that was not imported, and why.</summary>
public sealed record RejectedBenchFrame(int Index, string Reason);

/// <summary>What an import kept and rejected; filled in as the frames are enumerated.</summary>
public sealed class BenchImportReport
{
    private readonly List<RejectedBenchFrame> rejected = [];

    public int FramesRead { get; internal set; }

    public int FramesKept { get; internal set; }

    public IReadOnlyList<RejectedBenchFrame> Rejected => rejected;

    /// <summary>Bytes at the end of the file too few for a whole frame (a recording cut off mid-write).</summary>
    public int TrailingBytes { get; internal set; }

    internal void Reject(int index, string reason) => rejected.Add(new RejectedBenchFrame(index, reason));

    public string Describe()
    {
        var text = $"{FramesRead} frames read, {FramesKept} kept, {Rejected.Count} rejected";
        if (TrailingBytes > 0)
        {
            text += $", {TrailingBytes} trailing bytes ignored (less than one frame)";
        }

        return text;
    }
}

/// <summary>
/// Imports the bench recordings of shared/data/mlx90640-bench-recordings (rtubio/mlx90640-streamer): headerless
/// little-endian float32, 768 per frame (24×32 row-major, as the vendor library returns them), about 1 frame/s and no
/// timestamps, so frame <c>i</c> gets t = i seconds (its index in the file, rejected frames included, so the times
/// stay true to the file). A frame with pixels that were never computed (two or more exactly 0.0: the real files start
/// with a frame whose second subpage is missing, 384 zeros), or with a non-finite value or one outside the sensor's
/// object range, is rejected and reported, never passed on.
/// </summary>
public static class BenchRawImporter
{
    /// <summary>Bytes per frame: 768 float32 values.</summary>
    public const int FrameBytes = ThermalFrame.PixelCount * sizeof(float);

    /// <summary>The MLX90640's object temperature range (datasheet: −40 … 300 °C); anything outside is not a measurement.</summary>
    public const float MinimumPlausibleCelsius = -40f;

    public const float MaximumPlausibleCelsius = 300f;

    /// <summary>Nominal frame interval of these recordings: the source states "about 1 frame per second".</summary>
    public const double FrameIntervalSeconds = 1.0;

    public static IEnumerable<ThermalFrame> Read(string path, BenchImportReport report)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        foreach (var frame in Read(file, report))
        {
            yield return frame;
        }
    }

    /// <summary>Streams the usable frames of <paramref name="stream"/>; <paramref name="report"/> counts what was kept and rejected.</summary>
    public static IEnumerable<ThermalFrame> Read(Stream stream, BenchImportReport report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(report);
        var bytes = new byte[FrameBytes];
        var index = 0;
        while (true)
        {
            var got = stream.ReadAtLeast(bytes, FrameBytes, throwOnEndOfStream: false);
            if (got < FrameBytes)
            {
                report.TrailingBytes = got;
                yield break;
            }

            report.FramesRead++;
            var temperatures = new float[ThermalFrame.PixelCount];
            for (var i = 0; i < temperatures.Length; i++)
            {
                temperatures[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            }

            var problem = FindProblem(temperatures);
            if (problem is not null)
            {
                report.Reject(index, problem);
            }
            else
            {
                report.FramesKept++;
                yield return new ThermalFrame(index * FrameIntervalSeconds, temperatures);
            }

            index++;
        }
    }

    private static string? FindProblem(float[] temperatures)
    {
        // A computed float32 temperature is exactly 0.0 only by rare chance; two or more mean pixels that were never
        // computed. The real first frames have one whole subpage (384 pixels, a chess half) at 0.0.
        var exactZeros = temperatures.Count(t => t == 0f);
        if (exactZeros >= 2)
        {
            return exactZeros == ThermalFrame.PixelCount
                ? "all 768 pixels are exactly 0 °C (never computed: the sensor's first-read glitch)"
                : $"{exactZeros} of 768 pixels are exactly 0 °C (never computed: the sensor's first-read glitch, one subpage missing)";
        }

        for (var i = 0; i < temperatures.Length; i++)
        {
            var t = temperatures[i];
            if (!float.IsFinite(t))
            {
                return $"pixel {i} (row {i / ThermalFrame.Columns}, column {i % ThermalFrame.Columns}) is {t}";
            }

            if (t < MinimumPlausibleCelsius || t > MaximumPlausibleCelsius)
            {
                return $"pixel {i} (row {i / ThermalFrame.Columns}, column {i % ThermalFrame.Columns}) is {t} °C, outside the sensor's range";
            }
        }

        return null;
    }
}
