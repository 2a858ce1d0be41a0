using ThermoHand.Calibration;

namespace ThermoHand.Worker.Calibration;

/// <summary>
/// The site calibration one sensor's images get, and the reference check listening to them. Set when the pipeline is
/// built (before any image is assembled) and replaced only between sessions by <see cref="SiteCalibrationReload"/>;
/// read by that sensor's consumer for every image (one volatile read, so an image gets one calibration or the other).
/// </summary>
public sealed class SensorCalibration
{
    private volatile CalibrationLookup? lookup;

    /// <summary>What was found for the sensor; null before the worker looked (images then get the factory calibration only).</summary>
    public CalibrationLookup? Lookup => lookup;

    /// <summary>The calibration applied to every image, null when the sensor runs on its factory calibration.</summary>
    public SiteCalibration? Applied => lookup?.Calibration;

    /// <summary>Images handed to a running reference check.</summary>
    public ReferenceImageTap ReferenceImages { get; } = new();

    public void Use(CalibrationLookup found) => lookup = found ?? throw new ArgumentNullException(nameof(found));

    /// <summary>Corrects one assembled image in place (gain, offset, bad pixels); does nothing without a calibration.</summary>
    public void Correct(Span<float> temperaturesCelsius) => Applied?.Apply(temperaturesCelsius);
}

/// <summary>
/// Collects corrected images for a reference check: the check opens it for N images, the sensor's consumer offers each
/// image it assembles (only a cheap volatile read while no check runs), and the check awaits the images.
/// </summary>
public sealed class ReferenceImageTap
{
    private readonly Lock gate = new();
    private Collection? current;

    /// <summary>True while a check waits for images (the consumer then copies each image for it).</summary>
    public bool IsOpen => Volatile.Read(ref current) is not null;

    /// <summary>Starts collecting <paramref name="count"/> images after skipping <paramref name="skip"/> (images that may straddle the switch to the target).</summary>
    public Task<IReadOnlyList<float[]>> Collect(int count, int skip, CancellationToken token)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var collection = new Collection(count, skip);
        lock (gate)
        {
            if (current is not null)
            {
                throw new InvalidOperationException("a reference check is already collecting images from this sensor");
            }

            Volatile.Write(ref current, collection);
        }

        CancellationTokenRegistration registration = token.Register(() =>
        {
            Close(collection);
            collection.Done.TrySetCanceled(token);
        });
        _ = collection.Done.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        return collection.Done.Task;
    }

    /// <summary>Called by the sensor's consumer with each corrected image; the tap keeps its own copy.</summary>
    public void Offer(ReadOnlySpan<float> image)
    {
        Collection? c = Volatile.Read(ref current);
        if (c is null)
        {
            return;
        }

        lock (gate)
        {
            if (!ReferenceEquals(c, current))
            {
                return;
            }

            if (c.Skip > 0)
            {
                c.Skip--;
                return;
            }

            c.Images.Add(image.ToArray());
            if (c.Images.Count >= c.Count)
            {
                Volatile.Write(ref current, null);
                c.Done.TrySetResult(c.Images);
            }
        }
    }

    private void Close(Collection collection)
    {
        lock (gate)
        {
            if (ReferenceEquals(current, collection))
            {
                Volatile.Write(ref current, null);
            }
        }
    }

    private sealed class Collection(int count, int skip)
    {
        public int Count { get; } = count;

        public int Skip { get; set; } = skip;

        public List<float[]> Images { get; } = [];

        public TaskCompletionSource<IReadOnlyList<float[]>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
