namespace ThermoHand.Calibration;

/// <summary>Where the warm-up stands after an image.</summary>
public enum WarmUpState
{
    /// <summary>Not yet a full window of images, or the image mean still changes too fast.</summary>
    Settling,

    /// <summary>The image mean changes by less than the allowed rate over a full window.</summary>
    Stable,

    /// <summary>Still settling when the timeout ran out.</summary>
    TimedOut,
}

/// <summary>
/// Decides when the sensor has warmed up (<see cref="WarmUpCriteria"/>): it follows the mean of each image while the
/// sensor looks at a steady target and reports stable once the least-squares slope of that mean over the last window
/// is below the allowed drift. Pure: it is given each image's time and mean, so it runs the same on live and recorded images.
/// </summary>
public sealed class WarmUpMonitor
{
    private readonly WarmUpCriteria criteria;
    private readonly Queue<(double Time, double Mean)> window = new();
    private double? startSeconds;

    public WarmUpMonitor(WarmUpCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        if (criteria.Window <= TimeSpan.Zero || criteria.Timeout < criteria.Window || !(criteria.MaxDriftCelsiusPerMinute > 0))
        {
            throw new ArgumentException("Warm-up needs a positive window, a timeout at least as long, and a positive drift limit.", nameof(criteria));
        }

        this.criteria = criteria;
    }

    /// <summary>Seconds from the first image to the latest.</summary>
    public double ElapsedSeconds { get; private set; }

    /// <summary>The image mean's slope over the last window (°C per minute); NaN until a full window has been seen.</summary>
    public double DriftCelsiusPerMinute { get; private set; } = double.NaN;

    public WarmUpState State { get; private set; } = WarmUpState.Settling;

    /// <summary>Adds one image: its time on the sensor's clock (s, increasing) and the mean of its valid pixels (°C).</summary>
    public WarmUpState Add(double timeSeconds, double imageMeanCelsius)
    {
        if (!double.IsFinite(timeSeconds) || !double.IsFinite(imageMeanCelsius))
        {
            throw new ArgumentException("An image's time and mean must be finite numbers.");
        }

        if (window.Count > 0 && timeSeconds <= window.Last().Time)
        {
            throw new ArgumentException($"Image times must increase ({timeSeconds} s after {window.Last().Time} s).", nameof(timeSeconds));
        }

        startSeconds ??= timeSeconds;
        ElapsedSeconds = timeSeconds - startSeconds.Value;
        window.Enqueue((timeSeconds, imageMeanCelsius));
        var windowSeconds = criteria.Window.TotalSeconds;
        while (window.Peek().Time < timeSeconds - windowSeconds)
        {
            window.Dequeue();
        }

        // The window is full once images reach back (within one image) to its start.
        if (ElapsedSeconds >= windowSeconds && window.Count >= 3)
        {
            DriftCelsiusPerMinute = Slope() * 60;
            if (Math.Abs(DriftCelsiusPerMinute) < criteria.MaxDriftCelsiusPerMinute)
            {
                return State = WarmUpState.Stable;
            }
        }

        return State = ElapsedSeconds >= criteria.Timeout.TotalSeconds ? WarmUpState.TimedOut : WarmUpState.Settling;
    }

    private double Slope()
    {
        double meanT = 0, meanY = 0;
        foreach (var (t, y) in window)
        {
            meanT += t;
            meanY += y;
        }

        meanT /= window.Count;
        meanY /= window.Count;
        double sxy = 0, sxx = 0;
        foreach (var (t, y) in window)
        {
            sxy += (t - meanT) * (y - meanY);
            sxx += (t - meanT) * (t - meanT);
        }

        return sxx > 0 ? sxy / sxx : 0;
    }
}
