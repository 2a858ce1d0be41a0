namespace ThermoHand.Worker.Hardware;

/// <summary>
/// Stand-in for the GPIO button: a test (or the dashboard later) drives the raw contact level, including bounce,
/// and gets presses through the same <see cref="ButtonDebouncer"/> as the real button.
/// </summary>
public sealed class EmulatedPushButton : IPushButton
{
    private readonly ButtonDebouncer _debouncer;

    public EmulatedPushButton(TimeSpan debounce, TimeProvider clock)
    {
        _debouncer = new ButtonDebouncer(clock, debounce);
        _debouncer.Pressed += () => Pressed?.Invoke();
    }

    public event Action? Pressed;

    /// <summary>Sets the raw contact level, as a GPIO edge would (true = closed).</summary>
    public void SetContact(bool closed) => _debouncer.OnRawLevel(closed);

    /// <summary>
    /// A clean press: contact closes now. Call <see cref="ReleaseContact"/> (or <see cref="SetContact"/>) later;
    /// the press is reported once the contact has been closed for the debounce window.
    /// </summary>
    public void CloseContact() => SetContact(true);

    public void ReleaseContact() => SetContact(false);

    public void Dispose() => _debouncer.Dispose();
}
