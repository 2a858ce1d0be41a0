namespace ThermoHand.Analysis.Regions;

/// <summary>A temperature read from a region and whether any pixel used was an invalid (filled-in) one.</summary>
public readonly record struct RegionTemperature(double Celsius, bool UsedInvalidPixel, int PixelCount);

/// <summary>
/// Reads region temperatures from the 32x24 frame.
/// <para>Fingertip ("most-skin pixel"): at 32x24 a distal phalanx is 1–2 pixels wide, so every pixel near it
/// mixes finger and room: T_pixel = T_room + f·(T_finger − T_room), f = fraction of the pixel covered by finger.
/// Among the pixels whose centre lies within <see cref="RegionTrackerOptions.FingertipSearchRadiusPixels"/> of the
/// distal-phalanx centre, and not farther towards the palm than
/// <see cref="RegionTrackerOptions.FingertipProximalReachPixels"/> (so the middle phalanx is not taken), the one
/// that differs most from the room is taken: the pixel with the largest f, whether the finger is warmer than the
/// room (baseline) or colder (just out of the water). The estimate is biased towards the room by
/// (1 − f_max)·(T_finger − T_room); docs/regions.md gives the measured size. While the hand stays still f stays
/// the same, so percentage recovery (which divides by the drop) is not affected by it.</para>
/// <para>Dorsum: mean of the pixels near the dorsum centre that lie fully inside the hand (no room in them).</para>
/// </summary>
public static class RegionThermometer
{
    public static RegionTemperature Fingertip(
        HandSegmentation segmentation, PixelPoint padCentre, PixelPoint palmCentre, double searchRadius, double proximalReach)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        var towardsPalm = (palmCentre - padCentre).Normalised();
        var room = segmentation.BackgroundCelsius;
        var bestIndex = -1;
        var bestContrast = double.NegativeInfinity;
        ForPixelsNear(padCentre, searchRadius, (index, centre) =>
        {
            if ((centre - padCentre).Dot(towardsPalm) > proximalReach)
            {
                return; // proximal to the pad: the middle phalanx, which rewarms earlier
            }

            var contrast = Math.Abs(segmentation.Temperatures[index] - room);
            if (contrast > bestContrast)
            {
                bestContrast = contrast;
                bestIndex = index;
            }
        });
        if (bestIndex < 0)
        {
            bestIndex = NearestPixel(padCentre);
        }

        return bestIndex < 0
            ? new RegionTemperature(double.NaN, false, 0)
            : new RegionTemperature(segmentation.Temperatures[bestIndex], segmentation.Invalid[bestIndex], 1);
    }

    public static RegionTemperature Dorsum(HandSegmentation segmentation, PixelPoint centre, double radius)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        double sum = 0;
        var count = 0;
        var usedInvalid = false;
        ForPixelsNear(centre, radius, (index, pixelCentre) =>
        {
            // A pixel whose centre is at least half a pixel inside the outline has no room in it.
            if (segmentation.DistanceToEdgeAt(pixelCentre) < 0.5)
            {
                return;
            }

            sum += segmentation.Temperatures[index];
            usedInvalid |= segmentation.Invalid[index];
            count++;
        });
        if (count > 0)
        {
            return new RegionTemperature(sum / count, usedInvalid, count);
        }

        var nearest = NearestPixel(centre);
        return nearest < 0
            ? new RegionTemperature(double.NaN, false, 0)
            : new RegionTemperature(segmentation.Temperatures[nearest], segmentation.Invalid[nearest], 1);
    }

    public static bool IsInsideImage(PixelPoint point) =>
        point.X >= -0.5 && point.Y >= -0.5 && point.X < ThermalFrame.Columns - 0.5 && point.Y < ThermalFrame.Rows - 0.5;

    private static int NearestPixel(PixelPoint point)
    {
        if (!IsInsideImage(point))
        {
            return -1;
        }

        var column = Math.Clamp((int)Math.Round(point.X), 0, ThermalFrame.Columns - 1);
        var row = Math.Clamp((int)Math.Round(point.Y), 0, ThermalFrame.Rows - 1);
        return (row * ThermalFrame.Columns) + column;
    }

    private static void ForPixelsNear(PixelPoint point, double radius, Action<int, PixelPoint> visit)
    {
        var firstColumn = Math.Max(0, (int)Math.Floor(point.X - radius));
        var lastColumn = Math.Min(ThermalFrame.Columns - 1, (int)Math.Ceiling(point.X + radius));
        var firstRow = Math.Max(0, (int)Math.Floor(point.Y - radius));
        var lastRow = Math.Min(ThermalFrame.Rows - 1, (int)Math.Ceiling(point.Y + radius));
        for (var row = firstRow; row <= lastRow; row++)
        {
            for (var column = firstColumn; column <= lastColumn; column++)
            {
                var centre = new PixelPoint(column, row);
                if (centre.DistanceTo(point) <= radius)
                {
                    visit((row * ThermalFrame.Columns) + column, centre);
                }
            }
        }
    }
}
