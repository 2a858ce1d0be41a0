namespace ThermoHand.Analysis.Rewarming;

/// <summary>
/// Parameters of the first-order rewarming model T(t) = T∞ − (T∞ − T0)·exp(−(t − lag)/τ) for t &gt; lag, T0 before
/// (clinical.md §3, "curve-fit parameters" [U]).
/// </summary>
public sealed record ExponentialFitResult(double TauSeconds, double EndPointCelsius, double StartCelsius, double LagSeconds, double RSquared);

/// <summary>
/// Least-squares fit of the first-order rewarming model. For a fixed lag and τ the model is linear in T∞ and T0, so
/// those two come from a closed-form linear regression; τ is found by a coarse log-spaced scan refined by
/// golden-section search, and the lag by a grid over [0, <c>maximumLag</c>] refined once around the best cell.
/// This is robust (no starting values to guess) and deterministic, which live = batch needs.
/// </summary>
public static class ExponentialRecoveryFit
{
    private const int TauScanPoints = 32;
    private const int GoldenIterations = 40;
    private const int LagGridPoints = 24;

    /// <summary>Longer series are averaged in consecutive groups down to about this many points before fitting.</summary>
    private const int MaximumFitPoints = 600;

    /// <summary>
    /// Fits samples with times relative to challenge_end. Returns null when the data cannot support a fit (fewer than
    /// 10 samples, flat data) or τ ends at the edge of [<paramref name="minimumTau"/>, <paramref name="maximumTau"/>].
    /// </summary>
    public static ExponentialFitResult? Fit(IReadOnlyList<TemperatureSample> samples, double maximumLag, double minimumTau, double maximumTau)
    {
        if (samples.Count < 10 || !(maximumLag >= 0) || !(minimumTau > 0) || !(maximumTau > minimumTau))
        {
            return null;
        }

        // Averaging groups of neighbouring samples (at most a few seconds apart at 4 Hz) keeps the fit's cost bounded
        // for live snapshots; the model barely curves within a group, so the estimates do not move measurably.
        var group = (samples.Count + MaximumFitPoints - 1) / MaximumFitPoints;
        var times = new double[(samples.Count + group - 1) / group];
        var values = new double[times.Length];
        for (var g = 0; g < times.Length; g++)
        {
            var from = g * group;
            var to = Math.Min(samples.Count, from + group);
            for (var i = from; i < to; i++)
            {
                times[g] += samples[i].TimeSeconds / (to - from);
                values[g] += samples[i].TemperatureCelsius / (to - from);
            }
        }

        var meanY = values.Average();
        var totalSquares = values.Sum(v => (v - meanY) * (v - meanY));
        if (totalSquares <= 0)
        {
            return null;
        }

        // One scratch array for the model curve of every (lag, τ) tried: Evaluate runs about 2,600 times per fit, and
        // allocating it there cost 13 MB per region, 75 MB per 20-minute snapshot (benchmarks/README.md, "Made faster").
        var curve = new double[times.Length];
        var step = maximumLag / LagGridPoints;
        Candidate? best = null;
        for (var i = 0; i <= LagGridPoints; i++)
        {
            best = Better(best, FitTau(times, values, curve, i * step, minimumTau, maximumTau));
        }

        if (step > 0 && best is not null)
        {
            var centre = best.Value.Lag;
            for (var i = -5; i <= 5; i++)
            {
                // i = 0 is the grid's best lag itself, already fitted: the same lag gives the same candidate, which
                // would not replace it (Better keeps the first of equals), so it is skipped.
                var lag = centre + (i * step / 5);
                if (i != 0 && lag >= 0 && lag <= maximumLag)
                {
                    best = Better(best, FitTau(times, values, curve, lag, minimumTau, maximumTau));
                }
            }
        }

        if (best is not { } b || !double.IsFinite(b.Tau))
        {
            return null;
        }

        // A τ pinned to the search edge means "no exponential recovery in this window", not a measured constant.
        var logRange = Math.Log(maximumTau) - Math.Log(minimumTau);
        if (Math.Log(b.Tau) - Math.Log(minimumTau) < 1e-3 * logRange || Math.Log(maximumTau) - Math.Log(b.Tau) < 1e-3 * logRange)
        {
            return null;
        }

        return new ExponentialFitResult(b.Tau, b.EndPoint, b.Start, b.Lag, 1 - (b.Sse / totalSquares));
    }

    private static Candidate? Better(Candidate? a, Candidate b) => a is null || b.Sse < a.Value.Sse ? b : a;

    private static Candidate FitTau(double[] times, double[] values, double[] curve, double lag, double minimumTau, double maximumTau)
    {
        // Scan log τ coarsely first: the error surface in τ can have a shallow second dip, and golden-section
        // search alone would lock onto whichever side it starts in.
        var logMin = Math.Log(minimumTau);
        var logMax = Math.Log(maximumTau);
        var bestIndex = 0;
        var bestSse = double.PositiveInfinity;
        for (var i = 0; i < TauScanPoints; i++)
        {
            var sse = Evaluate(times, values, curve, lag, Math.Exp(logMin + ((logMax - logMin) * i / (TauScanPoints - 1)))).Sse;
            if (sse < bestSse)
            {
                bestSse = sse;
                bestIndex = i;
            }
        }

        var cell = (logMax - logMin) / (TauScanPoints - 1);
        var lo = Math.Max(logMin, logMin + ((bestIndex - 1) * cell));
        var hi = Math.Min(logMax, logMin + ((bestIndex + 1) * cell));
        var ratio = (Math.Sqrt(5) - 1) / 2;
        var x1 = hi - (ratio * (hi - lo));
        var x2 = lo + (ratio * (hi - lo));
        var f1 = Evaluate(times, values, curve, lag, Math.Exp(x1)).Sse;
        var f2 = Evaluate(times, values, curve, lag, Math.Exp(x2)).Sse;
        for (var i = 0; i < GoldenIterations; i++)
        {
            if (f1 < f2)
            {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - (ratio * (hi - lo));
                f1 = Evaluate(times, values, curve, lag, Math.Exp(x1)).Sse;
            }
            else
            {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + (ratio * (hi - lo));
                f2 = Evaluate(times, values, curve, lag, Math.Exp(x2)).Sse;
            }
        }

        return Evaluate(times, values, curve, lag, Math.Exp(0.5 * (lo + hi)));
    }

    /// <summary>
    /// For fixed lag and τ: T = T∞ + (T0 − T∞)·e(t) with e = exp(−max(0, t − lag)/τ) — a straight-line fit in e.
    /// <paramref name="e"/> is scratch space of the same length as <paramref name="times"/>.
    /// </summary>
    private static Candidate Evaluate(double[] times, double[] values, double[] e, double lag, double tau)
    {
        var n = times.Length;
        double se = 0, sy = 0;
        for (var i = 0; i < n; i++)
        {
            // Up to the lag the model is flat: exp(−0/τ) is exactly 1, so the exponential is not evaluated there.
            var sinceLag = times[i] - lag;
            e[i] = sinceLag > 0 ? Math.Exp(-sinceLag / tau) : 1.0;
            se += e[i];
            sy += values[i];
        }

        var meanE = se / n;
        var meanY = sy / n;
        double see = 0, sey = 0;
        for (var i = 0; i < n; i++)
        {
            see += (e[i] - meanE) * (e[i] - meanE);
            sey += (e[i] - meanE) * (values[i] - meanY);
        }

        if (see <= 0)
        {
            return new Candidate(lag, tau, meanY, meanY, double.PositiveInfinity);
        }

        var slope = sey / see;
        var endPoint = meanY - (slope * meanE);
        double sse = 0;
        for (var i = 0; i < n; i++)
        {
            var r = values[i] - endPoint - (slope * e[i]);
            sse += r * r;
        }

        return new Candidate(lag, tau, endPoint, endPoint + slope, sse);
    }

    private readonly record struct Candidate(double Lag, double Tau, double EndPoint, double Start, double Sse);
}
