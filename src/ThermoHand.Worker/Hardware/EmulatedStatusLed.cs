namespace ThermoHand.Worker.Hardware;

/// <summary>Stand-in for the LED: remembers every pattern shown, in order.</summary>
public sealed class EmulatedStatusLed : IStatusLed
{
    private readonly List<LedPattern> _history = [];
    private readonly Lock _gate = new();

    public LedPattern Pattern { get; private set; } = LedPattern.Off;

    public IReadOnlyList<LedPattern> History
    {
        get
        {
            lock (_gate)
            {
                return _history.ToArray();
            }
        }
    }

    public void Show(LedPattern pattern)
    {
        lock (_gate)
        {
            Pattern = pattern;
            _history.Add(pattern);
        }
    }

    public void Dispose()
    {
    }
}
