using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Recording.Native;

namespace ThermoHand.Recording.Export;

/// <summary>Settings for recomputing temperatures from a recording; unset values come from the recording's header.</summary>
public sealed record RecomputeSettings
{
    public float? Emissivity { get; init; }

    public ReflectedTemperatureRule? ReflectedTemperature { get; init; }

    /// <summary>Apply the vendor's replacement of broken/outlier pixels (as the live pipeline does).</summary>
    public bool CorrectDeviatingPixels { get; init; } = true;
}

/// <summary>
/// Turns a recording's raw subpages back into temperature frames with the sensor's own calibration (from the
/// EEPROM in the header). A frame is emitted once both subpages (both halves of the chess or interleaved pattern)
/// have been computed since the previous frame; it carries the time of its later subpage. If a subpage is lost,
/// the next frame waits for the missing half instead of repeating stale pixels.
/// </summary>
public static class RecordedFrames
{
    public static IEnumerable<ThermalFrame> Compute(SessionRecordingReader reader, RecomputeSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        settings ??= new RecomputeSettings();
        var header = reader.Header;
        var calculator = new TemperatureCalculator(Mlx90640Calibration.Extract(header.EepromWords));
        var emissivity = settings.Emissivity ?? header.Emissivity;
        var reflected = settings.ReflectedTemperature ?? header.ReflectedTemperature;
        var image = new float[ThermalFrame.PixelCount];
        Array.Fill(image, float.NaN);
        var halvesSeen = 0;
        while (reader.TryReadNext(out var entry))
        {
            if (entry is not SubpageEntry { Subpage: var subpage })
            {
                continue;
            }

            var ambient = calculator.GetAmbientTemperature(subpage);
            calculator.CalculateObjectTemperatures(subpage, emissivity, (float)reflected.Resolve(ambient), image);
            halvesSeen |= 1 << (subpage.Subpage & 1);
            if (halvesSeen != 0b11)
            {
                continue;
            }

            halvesSeen = 0;
            var frame = (float[])image.Clone();
            if (settings.CorrectDeviatingPixels)
            {
                var pattern = (subpage.ControlRegister & 0x1000) != 0 ? ReadingPattern.Chess : ReadingPattern.Interleaved;
                calculator.CorrectDeviatingPixels(frame, pattern);
            }

            yield return new ThermalFrame(subpage.TimeSeconds, frame);
        }
    }
}
