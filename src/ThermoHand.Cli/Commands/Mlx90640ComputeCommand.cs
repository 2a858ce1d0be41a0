using System.Text;
using System.Text.Json;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Vectors;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand mlx90640 compute VECTOR.json</c>: runs a conformance vector's inputs through the driver's
/// calculation (shared/formats.md §1) and prints <c>{"frames":[{subpage,vdd,ta,tr,to}],"image":[…]}</c>.
/// Numbers are float32 printed shortest-round-trip; NaN (the reference's NaN, or with <c>--credible-only</c> a result
/// outside −60…400 °C) is printed as null. A refused EEPROM exits with <see cref="ExitCodes.InvalidInput"/> and one
/// line on standard error naming the fault.
/// </summary>
public sealed class Mlx90640ComputeCommand : ICliCommand
{
    public string Name => "mlx90640 compute";

    public string Usage => "VECTOR.json [--credible-only]";

    public string Summary => "Compute temperatures for a sensor vector (EEPROM + raw frames) as JSON.";

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        var path = args.Required(0, "VECTOR.json");
        var credibleOnly = args.Flag("credible-only");
        args.EnsureAllConsumed(1);

        SensorVector vector;
        try
        {
            vector = SensorVector.Load(path);
        }
        catch (IOException ex)
        {
            error.WriteLine($"thermohand {Name}: {OneLine(ex.Message)}");
            return ExitCodes.IoError;
        }
        catch (SensorVectorFormatException ex)
        {
            error.WriteLine($"thermohand {Name}: {OneLine(ex.Message)}");
            return ExitCodes.InvalidInput;
        }

        IReadOnlyList<ProcessedFrame> frames;
        try
        {
            // By default the conformance tool reproduces the reference's numbers; --credible-only applies the
            // measurement pipeline's rule (results outside −60…400 °C are invalid).
            frames = VectorProcessor.Run(vector, credibleOnly ? OutOfRangePolicy.MarkInvalid : OutOfRangePolicy.KeepReferenceValue);
        }
        catch (Mlx90640EepromException ex)
        {
            error.WriteLine($"thermohand {Name}: {Path.GetFileName(path)}: {OneLine(ex.Message)}");
            return ExitCodes.InvalidInput;
        }

        output.Write(Format(frames));
        output.WriteLine();
        return ExitCodes.Ok;
    }

    internal static string Format(IReadOnlyList<ProcessedFrame> frames)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("frames");
            foreach (var frame in frames)
            {
                json.WriteStartObject();
                json.WriteNumber("subpage", frame.Subpage);
                WriteNumber(json, "vdd", frame.Vdd);
                WriteNumber(json, "ta", frame.Ta);
                WriteNumber(json, "tr", frame.Tr);
                json.WriteStartArray("to");
                for (var p = 0; p < frame.ToThisSubpage.Length; p++)
                {
                    WriteTemperature(json, frame.Computed[p] ? frame.ToThisSubpage[p] : float.NaN);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            var image = frames.Count > 0 ? frames[^1].ToAccumulatedCorrected : null;
            if (image is not null)
            {
                json.WriteStartArray("image");
                foreach (var value in image)
                {
                    WriteTemperature(json, value);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // Utf8JsonWriter prints a float with the shortest text that parses back to the same float32.
    private static void WriteTemperature(Utf8JsonWriter json, float value)
    {
        if (float.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, float value)
    {
        if (float.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
