using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Recording.Export;
using ThermoHand.Recording.Native;

namespace ThermoHand.Recording.Tests;

/// <summary>
/// Export recomputes temperatures through the real driver (TemperatureCalculator). The expected values are the
/// vendor reference's output stored in the shared vector, so this also checks that the recording keeps everything
/// the calculation needs (EEPROM, control register, subpage words, emissivity, Tr rule).
/// </summary>
public class RecordedFramesTests
{
    [Fact]
    public void Recorded_vector_subpages_export_to_the_reference_image_within_0_01_C()
    {
        var header = RecordingTestData.Header() with
        {
            Emissivity = 1.0f,
            ReflectedTemperature = ReflectedTemperatureRule.VendorDefault, // the vector uses Tr = Ta - 8
        };
        var stream = new MemoryStream();
        using (var writer = new SessionRecordingWriter(stream, header, leaveOpen: true))
        {
            var first = RecordingTestData.RealSubpage(0);
            first.TimeSeconds = 10.0;
            var second = RecordingTestData.RealSubpage(1);
            second.TimeSeconds = 10.5;
            writer.WriteSubpage(first);
            writer.WriteSubpage(second);
        }

        stream.Position = 0;
        using var reader = new SessionRecordingReader(stream);
        var frame = Assert.Single(RecordedFrames.Compute(reader));
        Assert.Equal(10.5, frame.TimeSeconds);

        var expected = RecordingTestData.VectorRoot.GetProperty("outputs").GetProperty("frames")[1]
            .GetProperty("to_accumulated_badpix_corrected").EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Number ? e.GetSingle() : float.NaN).ToArray();
        Assert.Equal(ThermalFrame.PixelCount, expected.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], frame.TemperaturesCelsius[i], 0.01f);
        }
    }
}
