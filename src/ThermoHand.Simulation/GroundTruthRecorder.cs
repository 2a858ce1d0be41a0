using System.Text.Json;

namespace ThermoHand.Simulation;

/// <summary>
/// Collects the ground truth of the frames a session used and writes it as JSON
/// (schema <c>thermohand/simulation-truth/v1</c>, documented in docs/simulation.md).
/// </summary>
public sealed class GroundTruthRecorder
{
    public const string Schema = "thermohand/simulation-truth/v1";

    private readonly List<GroundTruthFrame> frames = [];

    public GroundTruthRecorder(SimulatedHandScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        Scene = scene;
    }

    public SimulatedHandScene Scene { get; }

    public IReadOnlyList<GroundTruthFrame> Frames => frames;

    /// <summary>Records the truth at the moment a frame was taken (on the scene clock).</summary>
    public GroundTruthFrame Record(TimeSpan elapsed)
    {
        var frame = Scene.TruthAt(elapsed);
        frames.Add(frame);
        return frame;
    }

    /// <summary>The distal–dorsal difference at baseline per digit D2–D5 and their mean: dorsum − fingertip (formats.md §4 sign).</summary>
    public static IReadOnlyDictionary<string, double> BaselineDdd(PatientPhysiology physiology)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var dorsum = physiology.Group.DorsumBaselineCelsius;
        for (var digit = 2; digit <= 5; digit++)
        {
            result["D" + digit.ToString(System.Globalization.CultureInfo.InvariantCulture)] = dorsum - physiology.Digits[digit - 1].BaselineFingertipCelsius;
        }

        result["mean"] = result.Values.Average();
        return result;
    }

    public void WriteJson(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        var settings = Scene.Settings;
        var optics = Scene.Optics;
        var protocol = Scene.Protocol;
        var physiology = Scene.Physiology;

        json.WriteStartObject();
        json.WriteString("schema", Schema);
        json.WriteString("group", settings.Group.ToWord());
        json.WriteString("hand", settings.Hand == Analysis.Hand.Left ? "left" : "right");
        json.WriteNumber("seed", settings.Seed);
        json.WriteString("pixel_convention", "x = column, y = row of the 32x24 image, row 0 at the top; pixel (c, r) has its centre at (c, r)");

        json.WriteStartObject("optics");
        json.WriteNumber("horizontal_fov_deg", optics.HorizontalFovDegrees);
        json.WriteNumber("vertical_fov_deg", optics.VerticalFovDegrees);
        json.WriteNumber("distance_mm", optics.DistanceMm);
        json.WriteNumber("mm_per_pixel_x", Round(optics.MillimetresPerPixelX));
        json.WriteNumber("mm_per_pixel_y", Round(optics.MillimetresPerPixelY));
        json.WriteNumber("psf_sigma_px", optics.PsfSigmaPixels);
        json.WriteNumber("subsamples_per_pixel", settings.SubSamplesPerPixel);
        json.WriteEndObject();

        json.WriteStartObject("noise");
        json.WriteNumber("temporal_sd_c", settings.TemporalNoiseCelsius);
        json.WriteNumber("fixed_pattern_sd_c", settings.FixedPatternNoiseCelsius);
        json.WriteEndObject();

        json.WriteStartObject("protocol");
        json.WriteNumber("room_c", protocol.RoomTemperatureCelsius);
        json.WriteNumber("water_c", protocol.WaterTemperatureCelsius);
        json.WriteNumber("baseline_s", protocol.BaselineSeconds);
        json.WriteNumber("challenge_s", protocol.ChallengeSeconds);
        json.WriteNumber("rewarming_s", protocol.RewarmingSeconds);
        json.WriteNumber("return_delay_s", protocol.ReturnDelaySeconds);
        json.WriteEndObject();

        json.WriteStartArray("events");
        foreach (var e in protocol.Events)
        {
            json.WriteStartObject();
            json.WriteNumber("t_s", e.TimeSeconds);
            json.WriteString("type", e.Type);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("dorsum");
        json.WriteNumber("baseline_c", Round(physiology.Group.DorsumBaselineCelsius));
        json.WriteNumber("min_c", Round(physiology.DorsumTemperature(protocol.ChallengeEndSeconds)));
        json.WriteNumber("rewarming_tau_s", Round(physiology.Group.DorsumRewarmingTauSeconds));
        json.WriteEndObject();

        json.WriteStartArray("digits");
        foreach (var d in physiology.Digits)
        {
            var shape = Scene.Anatomy.Digits[d.Digit - 1];
            json.WriteStartObject();
            json.WriteNumber("digit", d.Digit);
            json.WriteString("name", "D" + d.Digit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("baseline_c", Round(d.BaselineFingertipCelsius));
            json.WriteNumber("min_c", Round(physiology.FingertipTemperature(d.Digit, protocol.ChallengeEndSeconds)));
            json.WriteNumber("lag_s", Round(d.RewarmingLagSeconds));
            json.WriteNumber("tau_s", Round(d.RewarmingTauSeconds));
            json.WriteNumber("completeness", Round(d.RewarmingCompleteness));
            json.WriteNumber("length_mm", shape.LengthMm);
            json.WriteNumber("tip_width_mm", shape.TipWidthMm);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("ddd_c");
        foreach (var (name, value) in BaselineDdd(physiology))
        {
            json.WriteNumber(name, Round(value));
        }

        json.WriteEndObject();

        json.WriteStartArray("frames");
        foreach (var f in frames)
        {
            json.WriteStartObject();
            json.WriteNumber("t_s", Round(f.TimeSeconds));
            json.WriteBoolean("in_view", f.HandInView);
            json.WriteStartArray("tips");
            foreach (var p in f.FingertipCentres)
            {
                json.WriteStartArray();
                json.WriteNumberValue(Round(p.X));
                json.WriteNumberValue(Round(p.Y));
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("tip_c");
            foreach (var c in f.FingertipCelsius)
            {
                json.WriteNumberValue(Round(c));
            }

            json.WriteEndArray();
            json.WriteNumber("dorsum_c", Round(f.DorsumCelsius));
            json.WriteStartArray("dorsum_xy");
            json.WriteNumberValue(Round(f.DorsumCentre.X));
            json.WriteNumberValue(Round(f.DorsumCentre.Y));
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static double Round(double value) => Math.Round(value, 3);
}
