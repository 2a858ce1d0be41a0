using System.Security.Cryptography;
using System.Text;
using FsCheck.Xunit;
using ThermoHand.Calibration;

namespace ThermoHand.Calibration.Tests.Hostile;

/// <summary>
/// <see cref="SiteCalibrationFile.Parse"/> under damage and forgery: a mutated file gives a
/// <see cref="CalibrationFileException"/> or exactly the data that was written; a body rewritten with a matching
/// checksum (a hostile or buggy tool) gives a calibration that keeps every invariant or the same exception. Never
/// another exception type, and never a calibration with a NaN gain or an out-of-range bad pixel.
/// </summary>
public sealed partial class SiteCalibrationFileHostileTests
{
    private static readonly SiteCalibration Original = new(
        "0A1B2C3D4E5F",
        3,
        new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2027, 5, 1, 9, 0, 0, TimeSpan.Zero),
        Enumerable.Range(0, SiteCalibration.PixelCount).Select(i => 1f + (i % 7 * 0.001f)).ToArray(),
        Enumerable.Range(0, SiteCalibration.PixelCount).Select(i => -0.5f + (i % 11 * 0.01f)).ToArray(),
        [5, 700],
        new CalibrationQuality { FitTargetsCelsius = [25, 35], VerificationTargetCelsius = 30, Passed = true });

    private static readonly string ValidText = SiteCalibrationFile.ToText(Original);

    private const string Meaningful = "0123456789.-+eE,:[]{}\" \ntruefalsnNaIfiy\\";

    private static SiteCalibration? Parse(string text)
    {
        try
        {
            return SiteCalibrationFile.Parse(text, "hostile.thcal.json");
        }
        catch (CalibrationFileException e)
        {
            Assert.StartsWith("hostile.thcal.json: ", e.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(e.Problem));
            return null;
        }
    }

    private static string Mutate(string text, int seed, int edits)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(text);
        for (var i = 0; i < edits && builder.Length > 0; i++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0: builder[at] = Meaningful[random.Next(Meaningful.Length)]; break;
                case 1: builder.Remove(at, 1); break;
                case 2: builder.Insert(at, Meaningful[random.Next(Meaningful.Length)]); break;
                default: builder.Length = at; break;
            }
        }

        return builder.ToString();
    }

    /// <summary>The envelope around <paramref name="body"/> with a checksum that matches it: what a forger would write.</summary>
    private static string Envelope(string body) =>
        $"{{\"format\":\"{SiteCalibrationFile.FormatName}\",\"formatVersion\":{SiteCalibrationFile.FormatVersion},\"body\":{body},\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}\"}}";

    private static string Body(string text)
    {
        var start = text.IndexOf("\"body\":", StringComparison.Ordinal) + 7;
        var end = text.LastIndexOf(",\"sha256\":", StringComparison.Ordinal);
        return text[start..end];
    }

    private static void AssertKeepsInvariants(SiteCalibration c)
    {
        Assert.False(string.IsNullOrWhiteSpace(c.SensorId));
        Assert.True(c.Version >= 1);
        Assert.True(c.ExpiresUtc > c.CreatedUtc);
        Assert.Equal(SiteCalibration.PixelCount, c.Gain.Count);
        Assert.Equal(SiteCalibration.PixelCount, c.OffsetCelsius.Count);
        Assert.All(c.Gain, g => Assert.True(float.IsFinite(g)));
        Assert.All(c.OffsetCelsius, o => Assert.True(float.IsFinite(o)));
        Assert.All(c.BadPixels, p => Assert.InRange(p, 0, SiteCalibration.PixelCount - 1));
        Assert.NotNull(c.Quality);
    }

    [Property(MaxTest = 300, Replay = "(5501,11003)")]
    public void A_mutated_file_is_refused_or_reads_back_identical(int seed, byte edits)
    {
        if (Parse(Mutate(ValidText, seed, 1 + (edits % 4))) is not { } read)
        {
            return;
        }

        Assert.Equal(Original.Id, read.Id);
        Assert.Equal(Original.Gain, read.Gain);
        Assert.Equal(Original.OffsetCelsius, read.OffsetCelsius);
        Assert.Equal(Original.BadPixels, read.BadPixels);
        Assert.Equal((Original.CreatedUtc, Original.ExpiresUtc), (read.CreatedUtc, read.ExpiresUtc));
    }

    [Property(MaxTest = 300, Replay = "(5503,11007)")]
    public void A_forged_body_with_a_matching_checksum_keeps_every_invariant_or_is_refused(int seed, byte edits)
    {
        if (Parse(Envelope(Mutate(Body(ValidText), seed, 1 + (edits % 4)))) is { } read)
        {
            AssertKeepsInvariants(read);
        }
    }

    [Property(MaxTest = 200, Replay = "(5505,11011)")]
    public void Arbitrary_text_is_refused_with_the_documented_exception(string? text)
    {
        Assert.Null(Parse(text ?? ""));
    }

    public static TheoryData<string, string, string> Forged()
    {
        var body = Body(ValidText);
        string Replace(string what, string with) => Envelope(body.Replace(what, with, StringComparison.Ordinal));
        var gain = body[body.IndexOf("\"gain\":", StringComparison.Ordinal)..body.IndexOf(",\"offsetCelsius\"", StringComparison.Ordinal)];
        return new()
        {
            { "NaN gain", Replace(gain, "\"gain\":[\"NaN\"" + string.Concat(Enumerable.Repeat(",1", 767)) + "]"), "finite" },
            { "Infinity offset", Replace("\"offsetCelsius\":[", "\"offsetCelsius\":[\"Infinity\","), "" },
            { "767 gains", Replace(gain, "\"gain\":[" + string.Join(',', Enumerable.Repeat("1", 767)) + "]"), "768 values" },
            { "null gain entry", Replace(gain, "\"gain\":[null" + string.Concat(Enumerable.Repeat(",1", 767)) + "]"), "documented fields" },
            { "gain overflowing a float", Replace(gain, "\"gain\":[1e39" + string.Concat(Enumerable.Repeat(",1", 767)) + "]"), "" },
            { "bad pixel 768", Replace("\"badPixels\":[5,700]", "\"badPixels\":[5,768]"), "bad pixel index" },
            { "negative bad pixel", Replace("\"badPixels\":[5,700]", "\"badPixels\":[-1]"), "bad pixel index" },
            { "version 0", Replace("\"version\":3", "\"version\":0"), "versions start at 1" },
            { "version beyond int", Replace("\"version\":3", "\"version\":99999999999"), "documented fields" },
            { "expires before created", Replace("2027-05-01", "2025-05-01"), "expire after" },
            { "date not a date", Envelope(ExpiresValue().Replace(body, "\"expiresUtc\":\"soon\"")), "not a date and time" },
            { "no sensor id", Replace("\"sensorId\":\"0A1B2C3D4E5F\",", ""), "sensorId" },
            { "blank sensor id", Replace("\"sensorId\":\"0A1B2C3D4E5F\"", "\"sensorId\":\"  \""), "" },
            { "quality null", Replace("\"quality\":{", "\"quality\":null,\"q\":{"), "quality" },
            { "body a list", Envelope("[1,2,3]"), "\"body\" object is missing" },
            { "nested too deep", Envelope("{\"x\":" + new string('[', 100) + new string(']', 100) + "}"), "not valid JSON" },
        };
    }

    [Theory]
    [MemberData(nameof(Forged))]
    public void Forged_bodies_with_matching_checksums_are_refused_with_the_reason(string what, string text, string reason)
    {
        var error = Record.Exception(() => SiteCalibrationFile.Parse(text, "forged.thcal.json"));
        Assert.True(error is CalibrationFileException, $"{what}: {error?.GetType().Name ?? "accepted"} {error?.Message}");
        Assert.Contains(reason, error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_parsing()
    {
        var error = Record.Exception(() => SiteCalibrationFile.Parse(new string(' ', (int)SiteCalibrationFile.MaxFileBytes + 1), "big.thcal.json"));
        Assert.IsType<CalibrationFileException>(error);
        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_is_refused_with_the_documented_exception()
    {
        var error = Record.Exception(() => SiteCalibrationFile.Parse(ValidText.Replace("0A1B2C3D4E5F", "0A1B\uD800", StringComparison.Ordinal), "odd.thcal.json"));
        Assert.IsType<CalibrationFileException>(error);
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"expiresUtc\":\"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex ExpiresValue();
}
