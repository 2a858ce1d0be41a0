using System.Globalization;
using System.Text;

namespace ThermoHand.Exports.Fhir;

/// <summary>
/// A rewarming curve (seconds, °C; irregular frame times with gaps) on the regular grid FHIR SampledData needs:
/// period = the median spacing of the curve's samples (rounded to 1 ms), grid from the first to the last sample,
/// each grid value linearly interpolated between the two samples around it; a grid point inside a stretch without
/// samples longer than <see cref="GapFactor"/> periods is "E" (no value). The exact samples stay in the analysis JSON.
/// </summary>
public sealed record CurveSampling(double StartSeconds, double PeriodSeconds, IReadOnlyList<double?> Values)
{
    /// <summary>A spacing more than this many periods is a gap, not interpolated.</summary>
    public const double GapFactor = 2.5;

    /// <summary>The SampledData data string: values with 3 decimals, "E" for gaps, separated by single spaces.</summary>
    public string Data => string.Join(' ', Values.Select(v => v is { } x ? x.ToString("0.###", CultureInfo.InvariantCulture) : "E"));

    public static CurveSampling? FromCurve(IReadOnlyList<(double TimeSeconds, double Celsius)> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var points = curve.Where(p => double.IsFinite(p.TimeSeconds) && double.IsFinite(p.Celsius)).OrderBy(p => p.TimeSeconds).ToList();
        if (points.Count < 2)
        {
            return points.Count == 1 ? new CurveSampling(points[0].TimeSeconds, 1, [points[0].Celsius]) : null;
        }

        var spacings = points.Zip(points.Skip(1), (a, b) => b.TimeSeconds - a.TimeSeconds).Where(d => d > 0).Order().ToList();
        var period = Math.Round(spacings[spacings.Count / 2], 3);
        if (period <= 0)
        {
            period = 0.001;
        }

        var start = points[0].TimeSeconds;
        var count = (int)Math.Floor(((points[^1].TimeSeconds - start) / period) + 1e-9) + 1;
        var values = new double?[count];
        var j = 0;
        for (var k = 0; k < count; k++)
        {
            var t = start + (k * period);
            while (j < points.Count - 2 && points[j + 1].TimeSeconds <= t)
            {
                j++;
            }

            var (t0, v0) = points[j];
            var (t1, v1) = points[j + 1];
            if (Math.Abs(t - t0) < 1e-9)
            {
                values[k] = v0;
            }
            else if (t1 - t0 > GapFactor * period || t > t1)
            {
                values[k] = null;
            }
            else
            {
                values[k] = v0 + ((v1 - v0) * (t - t0) / (t1 - t0));
            }
        }

        return new CurveSampling(start, period, values);
    }
}
