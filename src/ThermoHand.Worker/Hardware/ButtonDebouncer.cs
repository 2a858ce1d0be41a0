namespace ThermoHand.Worker.Hardware;

/// <summary>
/// Turns the bouncing raw level of a mechanical push button into clean press/release events: a new level counts
/// only after it has stayed unchanged for the debounce window. This also rejects electrical glitches shorter than
/// the window (a plain "ignore edges for N ms after a press" lockout would report a glitch as a press).
/// Runs on a <see cref="TimeProvider"/> timer so tests drive it with a fake clock.
/// </summary>
public sealed class ButtonDebouncer : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _window;
    private readonly ITimer _settleTimer;
    private readonly Lock _gate = new();
    private bool _stablePressed;
    private bool _rawPressed;
    private long _lastEdgeTimestamp;

    public ButtonDebouncer(TimeProvider clock, TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "debounce window must be positive");
        }

        _clock = clock;
        _window = window;
        _settleTimer = clock.CreateTimer(_ => Settle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised once per debounced press (on the thread of the clock's timer).</summary>
    public event Action? Pressed;

    public event Action? Released;

    public bool IsPressed
    {
        get
        {
            lock (_gate)
            {
                return _stablePressed;
            }
        }
    }

    /// <summary>Feed every raw edge here (true = contact closed).</summary>
    public void OnRawLevel(bool pressed)
    {
        Action? raise = null;
        lock (_gate)
        {
            long now = _clock.GetTimestamp();
            if (_rawPressed != _stablePressed && _clock.GetElapsedTime(_lastEdgeTimestamp, now) >= _window)
            {
                // The level before this edge held for a whole window, so it was a real press (or release) even though
                // the settle timer has not run yet: on a loaded device a timer can be late by more than a short press.
                _stablePressed = _rawPressed;
                raise = _stablePressed ? Pressed : Released;
            }

            _rawPressed = pressed;
            _lastEdgeTimestamp = now;

            // Every edge restarts the settle time: the level is trusted only after a quiet window.
            _settleTimer.Change(_window, Timeout.InfiniteTimeSpan);
        }

        raise?.Invoke();
    }

    private void Settle()
    {
        Action? raise = null;
        lock (_gate)
        {
            if (_clock.GetElapsedTime(_lastEdgeTimestamp) < _window || _rawPressed == _stablePressed)
            {
                return;
            }

            _stablePressed = _rawPressed;
            raise = _stablePressed ? Pressed : Released;
        }

        raise?.Invoke();
    }

    public void Dispose() => _settleTimer.Dispose();
}
