namespace ThermoHand.Analysis.Rewarming;

/// <summary>
/// Small numeric building blocks over a time-ordered sample series: means, noise, least-squares slope, smoothing,
/// interpolation and gap finding. Pure functions; every caller passes samples sorted by time.
/// </summary>
public static class SeriesMath
{
    /// <summary>Arithmetic mean of the temperatures, NaN for an empty list.</summary>
    public static double Mean(IReadOnlyList<TemperatureSample> samples)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        foreach (var s in samples)
        {
            sum += s.TemperatureCelsius;
        }

        return sum / samples.Count;
    }

    /// <summary>Sample standard deviation of plain values, NaN below two values.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return double.NaN;
        }

        var mean = values.Average();
        var sum = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(sum / (values.Count - 1));
    }

    /// <summary>
    /// Frame-to-frame noise (one sample's standard deviation) from successive differences:
    /// 1.4826 · median|ΔT| / √2. Successive differences ignore slow drift of the skin temperature, and the median
    /// ignores the odd glitch, so this estimates sensor noise rather than physiology. NaN below three samples.
    /// </summary>
    public static double SuccessiveDifferenceNoise(IReadOnlyList<TemperatureSample> samples)
    {
        if (samples.Count < 3)
        {
            return double.NaN;
        }

        var differences = new double[samples.Count - 1];
        for (var i = 1; i < samples.Count; i++)
        {
            differences[i - 1] = Math.Abs(samples[i].TemperatureCelsius - samples[i - 1].TemperatureCelsius);
        }

        Array.Sort(differences);
        var n = differences.Length;
        var median = n % 2 == 1 ? differences[n / 2] : 0.5 * (differences[(n / 2) - 1] + differences[n / 2]);
        return 1.4826 * median / Math.Sqrt(2);
    }

    /// <summary>Ordinary least-squares slope (°C per second) of samples [from, to) — NaN when under two distinct times.</summary>
    public static double LeastSquaresSlope(IReadOnlyList<TemperatureSample> samples, int from, int to)
    {
        var n = to - from;
        if (n < 2)
        {
            return double.NaN;
        }

        // Centre on the first time so that squares stay small (times can be ~1e3 s; no cancellation trouble).
        var origin = samples[from].TimeSeconds;
        double st = 0, sy = 0;
        for (var i = from; i < to; i++)
        {
            st += samples[i].TimeSeconds - origin;
            sy += samples[i].TemperatureCelsius;
        }

        var meanT = st / n;
        var meanY = sy / n;
        double sxx = 0, sxy = 0;
        for (var i = from; i < to; i++)
        {
            var dt = samples[i].TimeSeconds - origin - meanT;
            sxx += dt * dt;
            sxy += dt * (samples[i].TemperatureCelsius - meanY);
        }

        return sxx > 0 ? sxy / sxx : double.NaN;
    }

    /// <summary>
    /// Centred local straight-line smoothing: each output sample is the least-squares line through the input samples
    /// within ±<paramref name="halfWidthSeconds"/>, evaluated at that sample's time. Inside the series this equals the
    /// moving mean; at the ends (one-sided windows) it follows the slope instead of lagging behind it, so the value
    /// at t = 0 of a curve that rewarms at once is not pulled upwards. Same times as the input; linear in length.
    /// </summary>
    public static TemperatureSample[] LocalLinearSmooth(IReadOnlyList<TemperatureSample> samples, double halfWidthSeconds)
    {
        var result = new TemperatureSample[samples.Count];
        if (samples.Count == 0)
        {
            return result;
        }

        // Running sums over the window, with times measured from the first sample to keep the squares small.
        var origin = samples[0].TimeSeconds;
        int lo = 0, hi = 0;
        double st = 0, sy = 0, stt = 0, sty = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            var t = samples[i].TimeSeconds;
            while (hi < samples.Count && samples[hi].TimeSeconds <= t + halfWidthSeconds)
            {
                var x = samples[hi].TimeSeconds - origin;
                var y = samples[hi].TemperatureCelsius;
                st += x;
                sy += y;
                stt += x * x;
                sty += x * y;
                hi++;
            }

            while (samples[lo].TimeSeconds < t - halfWidthSeconds)
            {
                var x = samples[lo].TimeSeconds - origin;
                var y = samples[lo].TemperatureCelsius;
                st -= x;
                sy -= y;
                stt -= x * x;
                sty -= x * y;
                lo++;
            }

            var n = hi - lo;
            var meanT = st / n;
            var meanY = sy / n;
            var sxx = stt - (n * meanT * meanT);
            var value = meanY;

            // Guard against a window of one time (or rounding leaving sxx ~ 0): then the mean is the answer.
            if (n > 2 && sxx > 1e-9 * n)
            {
                var slope = (sty - (n * meanT * meanY)) / sxx;
                value = meanY + (slope * (t - origin - meanT));
            }

            result[i] = new TemperatureSample(t, value);
        }

        return result;
    }

    /// <summary>
    /// The temperature at <paramref name="time"/>: linear between the neighbouring samples when they are at most
    /// <paramref name="maximumGapSeconds"/> apart, or the nearest sample when it is within <paramref name="edgeToleranceSeconds"/>
    /// (ends of the series). Null when the time falls in a gap or outside the data.
    /// </summary>
    public static double? ValueAt(IReadOnlyList<TemperatureSample> samples, double time, double maximumGapSeconds, double edgeToleranceSeconds)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        var after = FirstIndexAtOrAfter(samples, time);
        if (after < samples.Count && samples[after].TimeSeconds == time)
        {
            return samples[after].TemperatureCelsius;
        }

        if (after > 0 && after < samples.Count)
        {
            var a = samples[after - 1];
            var b = samples[after];
            if (b.TimeSeconds - a.TimeSeconds <= maximumGapSeconds)
            {
                var w = (time - a.TimeSeconds) / (b.TimeSeconds - a.TimeSeconds);
                return a.TemperatureCelsius + (w * (b.TemperatureCelsius - a.TemperatureCelsius));
            }
        }

        // Before the first or after the last sample (or beside a gap): accept a sample that is close enough.
        double? best = null;
        var bestDistance = double.PositiveInfinity;
        foreach (var index in new[] { after - 1, after })
        {
            if (index >= 0 && index < samples.Count)
            {
                var distance = Math.Abs(samples[index].TimeSeconds - time);
                if (distance <= edgeToleranceSeconds && distance < bestDistance)
                {
                    best = samples[index].TemperatureCelsius;
                    bestDistance = distance;
                }
            }
        }

        return best;
    }

    /// <summary>Index of the first sample with time ≥ <paramref name="time"/> (binary search; Count when none).</summary>
    public static int FirstIndexAtOrAfter(IReadOnlyList<TemperatureSample> samples, double time)
    {
        int lo = 0, hi = samples.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (samples[mid].TimeSeconds < time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// Stretches longer than <paramref name="maximumGapSeconds"/> with no sample inside [<paramref name="from"/>, <paramref name="to"/>],
    /// including a late start and an early end.
    /// </summary>
    public static IReadOnlyList<SampleGap> FindGaps(IReadOnlyList<TemperatureSample> samples, double from, double to, double maximumGapSeconds)
    {
        var gaps = new List<SampleGap>();
        var previous = from;
        foreach (var s in samples)
        {
            if (s.TimeSeconds < from)
            {
                continue;
            }

            if (s.TimeSeconds > to)
            {
                break;
            }

            if (s.TimeSeconds - previous > maximumGapSeconds)
            {
                gaps.Add(new SampleGap(previous, s.TimeSeconds));
            }

            previous = s.TimeSeconds;
        }

        if (to - previous > maximumGapSeconds)
        {
            gaps.Add(new SampleGap(previous, to));
        }

        return gaps;
    }
}
