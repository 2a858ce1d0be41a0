namespace ThermoHand.Worker.Hardware;

/// <summary>
/// Plays a <see cref="BuzzerPattern"/> by switching a tone on and off on a clock, in the background. A new pattern
/// cancels the one playing and starts only after it has switched the tone off, so two patterns never interleave.
/// Shared by the on/off GPIO buzzer and the PWM buzzer, which differ only in how a tone is switched.
/// </summary>
public sealed class BuzzerSequencer : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly Action<bool> _setTone;
    private readonly Lock _gate = new();
    private CancellationTokenSource _playing = new();
    private Task _current = Task.CompletedTask;

    public BuzzerSequencer(TimeProvider clock, Action<bool> setTone)
    {
        _clock = clock;
        _setTone = setTone;
    }

    /// <summary>Starts the pattern; the returned task ends when it has finished or been replaced.</summary>
    public Task Play(BuzzerPattern pattern)
    {
        lock (_gate)
        {
            _playing.Cancel();
            _playing.Dispose();
            _playing = new CancellationTokenSource();
            _current = PlayAfter(_current, pattern, _playing.Token);
            return _current;
        }
    }

    private async Task PlayAfter(Task previous, BuzzerPattern pattern, CancellationToken cancel)
    {
        await previous.ConfigureAwait(false);
        try
        {
            foreach (Beep beep in pattern.Beeps)
            {
                cancel.ThrowIfCancellationRequested();
                _setTone(true);
                await Task.Delay(beep.On, _clock, cancel).ConfigureAwait(false);
                _setTone(false);
                await Task.Delay(beep.Off, _clock, cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Replaced by a newer cue: fall through to silence.
        }
        finally
        {
            _setTone(false);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _playing.Cancel();
        }

        // Wait briefly for the tone to be switched off before the pin is closed.
        _current.Wait(TimeSpan.FromSeconds(1));
        _playing.Dispose();
    }
}
