using System.Globalization;
using System.Text.Json;
using ThermoHand.Cli.Commands;
using ThermoHand.Mlx90640.Vectors;
using ThermoHand.TestSupport;

namespace ThermoHand.Cli.Tests;

/// <summary><c>thermohand mlx90640 compute</c> run in-process against the shared conformance vectors (formats.md §1).</summary>
public sealed class Mlx90640ComputeCommandTests : IDisposable
{
    private readonly List<string> temporaryFiles = [];

    public void Dispose()
    {
        foreach (var file in temporaryFiles)
        {
            File.Delete(file);
        }
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CommandTable([new Mlx90640ComputeCommand()]).Run(["mlx90640", "compute", .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Vector(string name) => Path.Combine(SharedData.VectorsDirectory, name);

    [Fact]
    public void Output_matches_the_reference_outputs_of_the_melexis_sample()
    {
        var (code, output, error) = Run(Vector("real_melexis_sample_chess18.json"));
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(string.Empty, error);

        var expected = SensorVector.Load(Vector("real_melexis_sample_chess18.json")).Expected!;
        using var json = JsonDocument.Parse(output);
        var frames = json.RootElement.GetProperty("frames");
        Assert.Equal(2, frames.GetArrayLength());
        for (var f = 0; f < 2; f++)
        {
            var frame = frames[f];
            var reference = expected.Frames[f];
            Assert.Equal(reference.SubpageReported, frame.GetProperty("subpage").GetInt32());
            Assert.Equal(reference.Vdd, frame.GetProperty("vdd").GetSingle());
            Assert.Equal(reference.Ta, frame.GetProperty("ta").GetSingle());
            Assert.Equal(reference.TrUsed, frame.GetProperty("tr").GetSingle());
            var to = frame.GetProperty("to");
            Assert.Equal(768, to.GetArrayLength());
            var computed = 0;
            for (var p = 0; p < 768; p++)
            {
                if (reference.ToThisSubpage[p] is { } value)
                {
                    // Printed shortest-round-trip, so the float32 comes back exactly (tolerance stated: 0.005 C, met with 0).
                    Assert.InRange(Math.Abs(to[p].GetSingle() - value), 0, 0.005);
                    computed++;
                }
                else
                {
                    Assert.Equal(JsonValueKind.Null, to[p].ValueKind);
                }
            }

            Assert.Equal(384, computed);
        }

        var image = json.RootElement.GetProperty("image");
        var corrected = expected.Frames[^1].ToAccumulatedCorrected!;
        Assert.Equal(768, image.GetArrayLength());
        for (var p = 0; p < 768; p++)
        {
            Assert.InRange(Math.Abs(image[p].GetSingle() - corrected[p]!.Value), 0, 0.005);
        }
    }

    [Fact]
    public void Numbers_round_trip_as_float32()
    {
        var (_, output, _) = Run(Vector("synthetic_melexis_sample_scene.json"));
        using var json = JsonDocument.Parse(output);
        var vdd = json.RootElement.GetProperty("frames")[0].GetProperty("vdd");
        var text = vdd.GetRawText();
        var parsed = float.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(parsed.ToString("R", CultureInfo.InvariantCulture), text);
        Assert.True(text.Length <= 10, $"shortest form expected, got {text}");
    }

    [Fact]
    public void Image_is_absent_until_both_subpages_are_computed()
    {
        // One frame only: half the pixels are missing, so there is no complete image to correct.
        var source = JsonNodeWithFirstFrameOnly(Vector("real_signaloid_chess16.json"));
        var (code, output, _) = Run(source);
        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(1, json.RootElement.GetProperty("frames").GetArrayLength());
        Assert.False(json.RootElement.TryGetProperty("image", out _));
    }

    [Theory]
    [InlineData("synthetic_err_5_broken.json", "more than 4 broken pixels")]
    [InlineData("synthetic_err_5_outliers.json", "more than 4 outlier pixels")]
    [InlineData("synthetic_err_3broken_2outliers.json", "more than 4 deviating pixels")]
    [InlineData("synthetic_err_adjacent_bad_pixels.json", "adjacent deviating pixels")]
    public void Refused_eeprom_exits_non_zero_with_one_line_naming_the_fault(string file, string fault)
    {
        var (code, output, error) = Run(Vector(file));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal(string.Empty, output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(fault, lines[0]);
    }

    [Fact]
    public void Implausible_eeprom_is_refused_with_the_parameter_named()
    {
        // Byte-swapped EEPROM (pitfall 13): every word's bytes exchanged.
        var path = RewriteEeprom(Vector("real_melexis_sample_chess18.json"), w => (ushort)((w >> 8) | (w << 8)));
        var (code, _, error) = Run(path);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("EEPROM implausible", error);
    }

    [Fact]
    public void Missing_file_and_malformed_vector_are_reported()
    {
        var missing = Run("/nonexistent/vector.json");
        Assert.Equal(ExitCodes.IoError, missing.Code);
        Assert.Contains("cannot read vector", missing.Error);

        var bad = Path.Combine(Path.GetTempPath(), $"thermohand-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, """{"inputs": {"eeprom_words": [1, 2, 3], "emissivity": 1, "tr_value": 0, "frames": []}}""");
        var malformed = Run(bad);
        Assert.Equal(ExitCodes.InvalidInput, malformed.Code);
        Assert.Contains("inputs.eeprom_words must hold 832 words, found 3", malformed.Error);
        File.Delete(bad);
    }

    private string JsonNodeWithFirstFrameOnly(string path)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var frames = node["inputs"]!["frames"]!.AsArray();
        while (frames.Count > 1)
        {
            frames.RemoveAt(frames.Count - 1);
        }

        node.AsObject().Remove("outputs");
        return WriteTemp(node.ToJsonString());
    }

    private string RewriteEeprom(string path, Func<ushort, ushort> change)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var words = node["inputs"]!["eeprom_words"]!.AsArray();
        for (var i = 0; i < words.Count; i++)
        {
            words[i] = change(words[i]!.GetValue<ushort>());
        }

        node.AsObject().Remove("outputs");
        return WriteTemp(node.ToJsonString());
    }

    private string WriteTemp(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"thermohand-vector-{Guid.NewGuid():N}.json");
        temporaryFiles.Add(path);
        File.WriteAllText(path, json);
        return path;
    }
}
