using ThermoHand.Calibration;

namespace ThermoHand.Calibration.Tests;

public sealed class SiteCalibrationFileTests
{
    private static SiteCalibration Sample(int version = 1) => new(
        "0A1B2C3D4E5F",
        version,
        new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2027, 5, 1, 9, 0, 0, TimeSpan.Zero),
        Enumerable.Range(0, SiteCalibration.PixelCount).Select(i => 1f + (i % 7 * 0.001f)).ToArray(),
        Enumerable.Range(0, SiteCalibration.PixelCount).Select(i => -0.5f + (i % 11 * 0.01f)).ToArray(),
        [5, 700],
        new CalibrationQuality { FitTargetsCelsius = [25, 35], VerificationTargetCelsius = 30, Passed = true });

    [Fact]
    public void Round_trip_keeps_every_value()
    {
        SiteCalibration original = Sample();
        SiteCalibration read = SiteCalibrationFile.Parse(SiteCalibrationFile.ToText(original), "test");
        Assert.Equal(original.Id, read.Id);
        Assert.Equal(original.Gain, read.Gain);
        Assert.Equal(original.OffsetCelsius, read.OffsetCelsius);
        Assert.Equal([5, 700], read.BadPixels);
        Assert.Equal(original.ExpiresUtc, read.ExpiresUtc);
        Assert.Equal(30, read.Quality.VerificationTargetCelsius);
    }

    [Fact]
    public void One_changed_digit_is_refused_as_damaged()
    {
        string text = SiteCalibrationFile.ToText(Sample());
        int at = text.IndexOf("\"offsetCelsius\":[", StringComparison.Ordinal) + 18;
        char changed = text[at] == '1' ? '2' : '1';
        string damaged = string.Concat(text.AsSpan(0, at), changed.ToString(), text.AsSpan(at + 1));
        var e = Assert.Throws<CalibrationFileException>(() => SiteCalibrationFile.Parse(damaged, "cal.thcal.json"));
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_corrects_and_fills_bad_pixels_from_neighbours()
    {
        SiteCalibration c = Sample();
        float[] image = Enumerable.Repeat(30f, SiteCalibration.PixelCount).ToArray();
        c.Apply(image);
        Assert.Equal((c.Gain[0] * 30f) + c.OffsetCelsius[0], image[0], 5);
        float[] neighbours = [image[4], image[6], image[36], image[37], image[38]];
        Assert.Equal(neighbours.Average(), image[5], 4);
    }

    [Fact]
    public void Library_finds_newest_and_refuses_a_file_in_the_wrong_folder()
    {
        string root = Path.Combine(Path.GetTempPath(), "thcal-" + Guid.NewGuid().ToString("N"));
        try
        {
            var library = new CalibrationLibrary(root);
            Assert.Null(library.FindNewest("0A1B2C3D4E5F"));
            library.Save(Sample(1));
            library.Save(Sample(2));
            Assert.Equal(3, library.NextVersion("0A1B2C3D4E5F"));
            Assert.Equal(2, library.FindNewest("0A1B2C3D4E5F")!.Version);
            Assert.Throws<IOException>(() => library.Save(Sample(2)));
            Directory.CreateDirectory(library.FolderFor("FFFFFFFFFFFF"));
            File.Copy(library.FilesFor("0A1B2C3D4E5F")[0], Path.Combine(library.FolderFor("FFFFFFFFFFFF"), "v0001.thcal.json"));
            var e = Assert.Throws<CalibrationFileException>(() => library.FindNewest("FFFFFFFFFFFF"));
            Assert.Contains("wrong folder", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
