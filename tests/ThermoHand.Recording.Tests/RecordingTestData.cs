using System.Globalization;
using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Recording.Native;
using ThermoHand.TestSupport;

namespace ThermoHand.Recording.Tests;

/// <summary>Real sensor data for recording tests: the EEPROM and two subpages of Melexis' sample sensor (shared vectors).</summary>
internal static class RecordingTestData
{
    private static readonly Lazy<JsonDocument> Vector = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedData.VectorsDirectory, "real_melexis_sample_chess18.json"))));

    public static JsonElement VectorRoot => Vector.Value.RootElement;

    public static ushort[] Eeprom => VectorRoot.GetProperty("inputs").GetProperty("eeprom_words").EnumerateArray().Select(ParseWord).ToArray();

    /// <summary>The vector's real subpages (0 then 1), as read from the sensor.</summary>
    public static RawSubpage RealSubpage(int index)
    {
        var frame = VectorRoot.GetProperty("inputs").GetProperty("frames")[index];
        return new RawSubpage(frame.GetProperty("frame_words").EnumerateArray().Select(ParseWord).ToArray());
    }

    public static RecordingHeader Header(ushort controlRegister = 0x1901) => new(Eeprom)
    {
        ControlRegister = controlRegister,
        Emissivity = 0.98f,
        ReflectedTemperature = new ReflectedTemperatureRule(ReflectedTemperatureMode.Fixed, 22.5),
        DeviceId = "thermohand-bench-01",
        SensorId = "MLX90640 ID 1A2B-3C4D-5E6F",
        Hand = Hand.Right,
        ProtocolPreset = "cold-water-15C-60s",
        StartedUtc = new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero),
        Software = "ThermoHand tests",
    };

    /// <summary>
    /// A stream of subpages shaped like a live session: the real subpages alternate, with Gaussian noise of
    /// <paramref name="noiseCounts"/> ADC counts on each pixel (the sensor's temporal noise) so compression is not
    /// flattered by identical frames. The other half of the image keeps its previous values, as the sensor's RAM does.
    /// </summary>
    public static IEnumerable<RawSubpage> LiveLikeSubpages(int count, double rateHz, double noiseCounts = 6, int seed = 1)
    {
        var random = new Random(seed);
        var templates = new[] { RealSubpage(0), RealSubpage(1) };
        var ram = (ushort[])templates[0].Words.Clone();
        for (var i = 0; i < count; i++)
        {
            var template = templates[i % 2];
            var words = (ushort[])ram.Clone();
            for (var p = 0; p < RawSubpage.PixelWordCount; p++)
            {
                var row = p / 32;
                var column = p % 32;
                var chessHalf = (row + column) % 2;
                if (chessHalf != i % 2)
                {
                    continue; // this pixel belongs to the other subpage: stale value stays
                }

                var noise = noiseCounts * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                words[p] = (ushort)(short)Math.Round((short)template.Words[p] + noise);
            }

            template.Words.AsSpan(RawSubpage.PixelWordCount).CopyTo(words.AsSpan(RawSubpage.PixelWordCount));
            ram = words;
            yield return new RawSubpage((ushort[])words.Clone()) { TimeSeconds = i / rateHz };
        }
    }

    private static ushort ParseWord(JsonElement element)
        => element.ValueKind == JsonValueKind.Number
            ? element.GetUInt16()
            : ushort.Parse(element.GetString()!.Replace("0x", "", StringComparison.OrdinalIgnoreCase), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
