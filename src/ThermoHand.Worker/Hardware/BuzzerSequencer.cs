namespace ThermoHand.Worker.Hardware;

/// <summary>
/// Plays a <see cref="BuzzerPattern"/> by switching a tone on and off from one clock timer: each timer expiry moves
/// to the next step. A new pattern replaces the one playing at once, so two patterns never interleave. Shared by the
/// on/off GPIO buzzer and the PWM buzzer, which differ only in how a tone is switched. Being timer-driven (not
/// async delays), it steps deterministically under a fake clock.
/// </summary>
public sealed class BuzzerSequencer : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly Action<bool> _setTone;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private (bool On, TimeSpan Hold)[] _steps = [];
    private int _index;
    private long _stepStartedAt;
    private bool _disposed;

    public BuzzerSequencer(TimeProvider clock, Action<bool> setTone)
    {
        _clock = clock;
        _setTone = setTone;
        _timer = clock.CreateTimer(_ => Advance(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public bool IsPlaying
    {
        get
        {
            lock (_gate)
            {
                return _index < _steps.Length;
            }
        }
    }

    /// <summary>Starts the pattern now, replacing any pattern still playing; returns at once.</summary>
    public void Play(BuzzerPattern pattern)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Zero-length steps change nothing audible; dropping them keeps every timer due time positive.
            _steps = pattern.Beeps
                .SelectMany(b => new[] { (On: true, Hold: b.On), (On: false, Hold: b.Off) })
                .Where(s => s.Hold > TimeSpan.Zero)
                .ToArray();
            _index = 0;
            ApplyStep();
        }
    }

    private void Advance()
    {
        lock (_gate)
        {
            // A system timer may deliver an expiry scheduled before the last Play/Change; ignore it if early.
            if (_disposed || _index >= _steps.Length || _clock.GetElapsedTime(_stepStartedAt) < _steps[_index].Hold)
            {
                return;
            }

            _index++;
            ApplyStep();
        }
    }

    private void ApplyStep()
    {
        if (_index >= _steps.Length)
        {
            _setTone(false);
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        (bool on, TimeSpan hold) = _steps[_index];
        _setTone(on);
        _stepStartedAt = _clock.GetTimestamp();
        _timer.Change(hold, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            _index = _steps.Length;
            _setTone(false);
        }
    }
}
