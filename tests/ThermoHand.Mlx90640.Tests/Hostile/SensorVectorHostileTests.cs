using System.Text;
using FsCheck.Xunit;
using ThermoHand.Mlx90640.Vectors;
using ThermoHand.TestSupport;

namespace ThermoHand.Mlx90640.Tests.Hostile;

/// <summary>
/// The conformance-vector loader (shared/formats.md §1, reference/mlx90640.md "Vector schema") on damaged files: a
/// vector that obeys the schema or a <see cref="SensorVectorFormatException"/> naming the file — never another
/// exception type.
/// </summary>
public sealed class SensorVectorHostileTests
{
    private static readonly Lazy<string> Text = new(() => File.ReadAllText(Path.Combine(SharedData.VectorsDirectory, "synthetic_err_5_broken.json")));

    private const string Meaningful = "0123456789.-+eE,:[]{}\" \nxXnulNaIf";

    private static SensorVector? Parse(string text)
    {
        try
        {
            return SensorVector.Parse(text, "hostile.json");
        }
        catch (SensorVectorFormatException e)
        {
            Assert.Contains("hostile.json", e.Message, StringComparison.Ordinal);
            return null;
        }
    }

    private static void AssertObeysSchema(SensorVector vector)
    {
        Assert.Equal(Mlx90640Calibration.EepromWordCount, vector.EepromWords.Length);
        Assert.True(vector.Emissivity is > 0 and <= 1);
        Assert.All(vector.Frames, f =>
        {
            Assert.Equal(RawSubpage.WordCount, f.FrameWords.Length);
            Assert.True(f.Subpage is 0 or 1);
        });
    }

    [Property(MaxTest = 200, Replay = "(7701,15403)")]
    public void A_mutated_vector_obeys_the_schema_or_is_refused_naming_the_file(int seed, byte edits)
    {
        var random = new Random(seed);
        var text = new StringBuilder(Text.Value);
        for (var i = 0; i < 1 + (edits % 4); i++)
        {
            // Aim half of the edits at the inputs, where the loader has the most to check.
            var inputs = Text.Value.IndexOf("\"inputs\"", StringComparison.Ordinal);
            var at = random.Next(2) == 0 && inputs >= 0 ? Math.Min(text.Length - 1, inputs + random.Next(8000)) : random.Next(text.Length);
            switch (random.Next(3))
            {
                case 0: text[at] = Meaningful[random.Next(Meaningful.Length)]; break;
                case 1: text.Remove(at, 1); break;
                default: text.Length = at; break;
            }
        }

        if (Parse(text.ToString()) is { } vector)
        {
            AssertObeysSchema(vector);
        }
    }

    [Property(MaxTest = 200, Replay = "(7703,15407)")]
    public void Arbitrary_text_is_refused_naming_the_file(string? text)
    {
        Assert.Null(Parse(text ?? ""));
    }

    public static TheoryData<string, string, string> HandMade()
    {
        var eeprom = "[" + string.Join(',', Enumerable.Repeat("0", 832)) + "]";
        var words = "[" + string.Join(',', Enumerable.Repeat("0", 834)) + "]";
        string Vector(string eepromWords, string emissivity, string frames) =>
            $"{{\"inputs\": {{\"eeprom_words\": {eepromWords}, \"emissivity\": {emissivity}, \"tr_value\": 8, \"frames\": {frames}}}}}";
        return new()
        {
            { "831 EEPROM words", Vector("[" + string.Join(',', Enumerable.Repeat("0", 831)) + "]", "1", "[]"), "must hold 832 words" },
            { "a word above 0xFFFF", Vector("[65536" + string.Concat(Enumerable.Repeat(",0", 831)) + "]", "1", "[]"), "is not a 16-bit word" },
            { "a negative word", Vector("[-1" + string.Concat(Enumerable.Repeat(",0", 831)) + "]", "1", "[]"), "is not a 16-bit word" },
            { "a hex word too long", Vector("[\"0x12345\"" + string.Concat(Enumerable.Repeat(",0", 831)) + "]", "1", "[]"), "is not a 16-bit word" },
            { "emissivity zero", Vector(eeprom, "0", "[]"), "outside (0, 1]" },
            { "emissivity a string", Vector(eeprom, "\"high\"", "[]"), "hostile.json" },
            { "emissivity overflowing", Vector(eeprom, "1e999", "[]"), "hostile.json" },
            { "frames an object", Vector(eeprom, "1", "{}"), "hostile.json" },
            { "subpage 2", Vector(eeprom, "1", $"[{{\"subpage\": 2, \"frame_words\": {words}}}]"), "is not 0/1" },
            { "no inputs", "{}", "missing 'inputs'" },
            { "a list", "[]", "hostile.json" },
            { "a lone surrogate", "{\"schema\": \"\uD800\"}", "hostile.json" },
        };
    }

    [Theory]
    [MemberData(nameof(HandMade))]
    public void Hand_made_bad_vectors_are_refused_naming_the_problem(string what, string text, string reason)
    {
        var error = Record.Exception(() => SensorVector.Parse(text, "hostile.json"));
        Assert.True(error is SensorVectorFormatException, $"{what}: {error?.GetType().Name ?? "accepted"} {error?.Message}");
        Assert.Contains(reason, error!.Message, StringComparison.Ordinal);
    }
}
