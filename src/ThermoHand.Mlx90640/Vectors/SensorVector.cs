using System.Globalization;
using System.Text.Json;

namespace ThermoHand.Mlx90640.Vectors;

/// <summary>How the reflected temperature of a vector is chosen (<c>inputs.tr_mode</c>).</summary>
public enum ReflectedTemperatureRule
{
    /// <summary>tr = GetTa(frame) + tr_value, evaluated per frame in float32.</summary>
    TaOffset,

    /// <summary>tr = tr_value.</summary>
    Fixed,
}

/// <summary>One input frame of a vector: the 834 words of one subpage.</summary>
public sealed record VectorFrame(int Subpage, ushort ControlRegister, ushort[] FrameWords)
{
    /// <summary>A fresh <see cref="RawSubpage"/> holding a copy of the words.</summary>
    public RawSubpage ToRawSubpage() => new((ushort[])FrameWords.Clone());
}

/// <summary>The reference output for one frame. Temperature arrays hold null for "not computed" and NaN for the reference's NaN.</summary>
public sealed record ExpectedFrame(
    int SubpageReported,
    float Vdd,
    float Ta,
    float TrUsed,
    float?[] ToThisSubpage,
    float?[] ToAccumulated,
    float?[]? ToAccumulatedCorrected);

/// <summary>The reference outputs of a vector (absent in holdout vectors).</summary>
public sealed record VectorExpectation(int ExtractError, JsonElement? Parameters, IReadOnlyList<ExpectedFrame> Frames);

/// <summary>
/// A conformance vector in the <c>thermohand/mlx90640-oracle-vector/v1</c> schema (shared/reference/mlx90640.md):
/// inputs (EEPROM, frames, emissivity, reflected-temperature rule) and, except in holdouts, the vendor reference's
/// outputs. Malformed files raise <see cref="SensorVectorFormatException"/> naming the field.
/// </summary>
public sealed class SensorVector
{
    public const string SchemaName = "thermohand/mlx90640-oracle-vector/v1";

    private SensorVector(string id, string label, ushort[] eepromWords, float emissivity, ReflectedTemperatureRule rule, float trValue, IReadOnlyList<VectorFrame> frames, VectorExpectation? expected)
    {
        Id = id;
        Label = label;
        EepromWords = eepromWords;
        Emissivity = emissivity;
        TrRule = rule;
        TrValue = trValue;
        Frames = frames;
        Expected = expected;
    }

    public string Id { get; }

    public string Label { get; }

    public ushort[] EepromWords { get; }

    public float Emissivity { get; }

    public ReflectedTemperatureRule TrRule { get; }

    public float TrValue { get; }

    public IReadOnlyList<VectorFrame> Frames { get; }

    public VectorExpectation? Expected { get; }

    /// <summary>The reflected temperature for a frame whose die temperature is <paramref name="ta"/> (float32 as the reference).</summary>
    public float ReflectedTemperatureFor(float ta) => TrRule == ReflectedTemperatureRule.Fixed ? TrValue : ta + TrValue;

    public static SensorVector Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read vector {path}: {ex.Message}", ex);
        }

        return Parse(json, Path.GetFileName(path));
    }

    public static SensorVector Parse(string json, string sourceName)
    {
        try
        {
            return ParseDocument(json, sourceName);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
        {
            // A field of the wrong JSON type (a string where a number belongs, …): name the file, never crash.
            throw new SensorVectorFormatException($"{sourceName}: {ex.Message}");
        }
    }

    private static SensorVector ParseDocument(string json, string sourceName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new SensorVectorFormatException($"{sourceName}: not valid JSON (line {ex.LineNumber + 1}): {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            var schema = OptionalString(root, "schema");
            if (schema is not null && schema != SchemaName)
            {
                throw new SensorVectorFormatException($"{sourceName}: schema is '{schema}', expected '{SchemaName}'");
            }

            var inputs = Required(root, "inputs", sourceName);
            var eeprom = ReadWords(Required(inputs, "eeprom_words", sourceName), "inputs.eeprom_words", Mlx90640Calibration.EepromWordCount, sourceName);
            var emissivity = (float)Required(inputs, "emissivity", sourceName).GetDouble();
            if (!(emissivity > 0 && emissivity <= 1))
            {
                throw new SensorVectorFormatException($"{sourceName}: inputs.emissivity {emissivity} is outside (0, 1]");
            }

            var mode = OptionalString(inputs, "tr_mode") ?? "ta_offset";
            var rule = mode switch
            {
                "ta_offset" => ReflectedTemperatureRule.TaOffset,
                "fixed" => ReflectedTemperatureRule.Fixed,
                _ => throw new SensorVectorFormatException($"{sourceName}: inputs.tr_mode '{mode}' is neither 'ta_offset' nor 'fixed'"),
            };
            var trValue = (float)Required(inputs, "tr_value", sourceName).GetDouble();

            var frames = new List<VectorFrame>();
            var index = 0;
            foreach (var frame in Required(inputs, "frames", sourceName).EnumerateArray())
            {
                var where = $"inputs.frames[{index}]";
                var words = ReadWords(Required(frame, "frame_words", sourceName), where + ".frame_words", RawSubpage.WordCount, sourceName);
                var subpage = frame.TryGetProperty("subpage", out var s) ? s.GetInt32() : words[RawSubpage.SubpageIndex];
                if (subpage != words[RawSubpage.SubpageIndex] || subpage is not (0 or 1))
                {
                    throw new SensorVectorFormatException($"{sourceName}: {where}.subpage {subpage} disagrees with frame_words[833] = {words[RawSubpage.SubpageIndex]} or is not 0/1");
                }

                var control = words[RawSubpage.ControlRegisterIndex];
                if (frame.TryGetProperty("control_register_0x800D", out var c) && ParseWord(c, where + ".control_register_0x800D", sourceName) != control)
                {
                    throw new SensorVectorFormatException($"{sourceName}: {where}.control_register_0x800D disagrees with frame_words[832] = 0x{control:X4}");
                }

                frames.Add(new VectorFrame(subpage, control, words));
                index++;
            }

            VectorExpectation? expected = null;
            if (root.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Object)
            {
                expected = ReadExpectation(outputs, sourceName);
            }

            return new SensorVector(
                OptionalString(root, "id") ?? Path.GetFileNameWithoutExtension(sourceName),
                OptionalString(root, "label") ?? string.Empty,
                eeprom,
                emissivity,
                rule,
                trValue,
                frames,
                expected);
        }
    }

    private static VectorExpectation ReadExpectation(JsonElement outputs, string sourceName)
    {
        var error = Required(outputs, "extract_error", sourceName).GetInt32();
        JsonElement? parameters = outputs.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : null;
        var frames = new List<ExpectedFrame>();
        if (outputs.TryGetProperty("frames", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var f in list.EnumerateArray())
            {
                var where = $"outputs.frames[{i++}]";
                frames.Add(new ExpectedFrame(
                    Required(f, "subpage_reported", sourceName).GetInt32(),
                    ReadFloat(Required(f, "vdd", sourceName)),
                    ReadFloat(Required(f, "ta", sourceName)),
                    ReadFloat(Required(f, "tr_used", sourceName)),
                    ReadTemperatures(Required(f, "to_this_subpage", sourceName), where + ".to_this_subpage", sourceName)!,
                    ReadTemperatures(Required(f, "to_accumulated", sourceName), where + ".to_accumulated", sourceName)!,
                    f.TryGetProperty("to_accumulated_badpix_corrected", out var corrected)
                        ? ReadTemperatures(corrected, where + ".to_accumulated_badpix_corrected", sourceName)
                        : null));
            }
        }

        return new VectorExpectation(error, parameters, frames);
    }

    private static float?[]? ReadTemperatures(JsonElement element, string where, string sourceName)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != Mlx90640Calibration.PixelCount)
        {
            throw new SensorVectorFormatException($"{sourceName}: {where} must be an array of {Mlx90640Calibration.PixelCount} values");
        }

        var values = new float?[Mlx90640Calibration.PixelCount];
        var i = 0;
        foreach (var v in element.EnumerateArray())
        {
            values[i++] = v.ValueKind == JsonValueKind.Null ? null : ReadFloat(v);
        }

        return values;
    }

    /// <summary>A float32 printed with %.9g, or the strings "NaN"/"inf" the reference printer uses.</summary>
    private static float ReadFloat(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => (float)value.GetDouble(),
        JsonValueKind.String => float.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new SensorVectorFormatException($"expected a number, found {value.ValueKind}"),
    };

    private static ushort[] ReadWords(JsonElement array, string where, int count, string sourceName)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != count)
        {
            var actual = array.ValueKind == JsonValueKind.Array ? array.GetArrayLength().ToString(CultureInfo.InvariantCulture) : array.ValueKind.ToString();
            throw new SensorVectorFormatException($"{sourceName}: {where} must hold {count} words, found {actual}");
        }

        var words = new ushort[count];
        var i = 0;
        foreach (var w in array.EnumerateArray())
        {
            words[i] = ParseWord(w, $"{where}[{i}]", sourceName);
            i++;
        }

        return words;
    }

    private static ushort ParseWord(JsonElement w, string where, string sourceName)
    {
        if (w.ValueKind == JsonValueKind.Number && w.TryGetInt32(out var n) && n is >= 0 and <= 0xFFFF)
        {
            return (ushort)n;
        }

        if (w.ValueKind == JsonValueKind.String)
        {
            var text = w.GetString()!;
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ushort.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var parsed)
                : ushort.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out parsed))
            {
                return parsed;
            }
        }

        throw new SensorVectorFormatException($"{sourceName}: {where} is not a 16-bit word ({w.GetRawText()})");
    }

    private static JsonElement Required(JsonElement parent, string name, string sourceName)
        => parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value)
            ? value
            : throw new SensorVectorFormatException($"{sourceName}: missing '{name}'");

    private static string? OptionalString(JsonElement parent, string name)
        => parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A vector file that does not follow the schema; the message names the file and the field.</summary>
public sealed class SensorVectorFormatException(string message) : Exception(message);
