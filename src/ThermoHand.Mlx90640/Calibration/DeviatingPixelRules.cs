namespace ThermoHand.Mlx90640;

/// <summary>
/// Broken and outlier pixels (datasheet §11.1.18) by the vendor reference's rules at f6be7ca (2023-02-07):
/// a pixel word of 0 is broken, a pixel word with bit 0 set is an outlier; at most four of each and four in total;
/// no two deviating pixels may touch (same or neighbouring row AND same or neighbouring column). The 2023 rule
/// compares row and column separately, so pixels at opposite ends of consecutive rows are not "adjacent" any more.
/// </summary>
internal static class DeviatingPixelRules
{
    /// <summary>Fills the two lists (unused slots 0xFFFF) and returns 0 or the reference's negative error code.</summary>
    public static int Extract(ReadOnlySpan<ushort> ee, Span<ushort> broken, Span<ushort> outliers, out string? message)
    {
        broken.Fill(Mlx90640Calibration.NoPixel);
        outliers.Fill(Mlx90640Calibration.NoPixel);
        var brokenCount = 0;
        var outlierCount = 0;

        // Same scan as the reference: it stops once a fifth pixel of either kind has been found.
        for (var p = 0; p < Mlx90640Calibration.PixelCount && brokenCount < 5 && outlierCount < 5; p++)
        {
            var word = ee[64 + p];
            if (word == 0)
            {
                broken[brokenCount++] = (ushort)p;
            }
            else if ((word & 0x0001) != 0)
            {
                outliers[outlierCount++] = (ushort)p;
            }
        }

        message = null;
        if (brokenCount > 4)
        {
            message = $"EEPROM has more than 4 broken pixels (pixel words of 0 at {List(broken, brokenCount)}); the sensor cannot be corrected";
            return Mlx90640EepromException.TooManyBrokenPixels;
        }

        if (outlierCount > 4)
        {
            message = $"EEPROM has more than 4 outlier pixels (at {List(outliers, outlierCount)}); the sensor cannot be corrected";
            return Mlx90640EepromException.TooManyOutlierPixels;
        }

        if (brokenCount + outlierCount > 4)
        {
            message = $"EEPROM has {brokenCount} broken and {outlierCount} outlier pixels, more than 4 deviating pixels in total";
            return Mlx90640EepromException.TooManyDeviatingPixels;
        }

        // Order as in the reference: broken×broken, outlier×outlier, broken×outlier.
        if (FindAdjacent(broken[..brokenCount], broken[..brokenCount], true, out var a, out var b)
            || FindAdjacent(outliers[..outlierCount], outliers[..outlierCount], true, out a, out b)
            || FindAdjacent(broken[..brokenCount], outliers[..outlierCount], false, out a, out b))
        {
            message = $"EEPROM has adjacent deviating pixels {a} (row {a >> 5}, column {a & 31}) and {b} (row {b >> 5}, column {b & 31}); neighbours cannot replace them";
            return Mlx90640EepromException.AdjacentDeviatingPixels;
        }

        return 0;
    }

    /// <summary>The reference's <c>CheckAdjacentPixels</c>: touching when both row and column differ by less than 2.</summary>
    public static bool AreAdjacent(int pixel1, int pixel2)
    {
        var rowDifference = (pixel1 >> 5) - (pixel2 >> 5);
        var columnDifference = (pixel1 & 31) - (pixel2 & 31);
        return rowDifference is > -2 and < 2 && columnDifference is > -2 and < 2;
    }

    private static bool FindAdjacent(ReadOnlySpan<ushort> first, ReadOnlySpan<ushort> second, bool sameList, out int a, out int b)
    {
        for (var i = 0; i < first.Length; i++)
        {
            for (var j = sameList ? i + 1 : 0; j < second.Length; j++)
            {
                if (AreAdjacent(first[i], second[j]))
                {
                    a = first[i];
                    b = second[j];
                    return true;
                }
            }
        }

        a = b = -1;
        return false;
    }

    private static string List(ReadOnlySpan<ushort> pixels, int count)
    {
        var parts = new string[count];
        for (var i = 0; i < count; i++)
        {
            parts[i] = pixels[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return string.Join(", ", parts);
    }
}
