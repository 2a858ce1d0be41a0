namespace ThermoHand.Worker.Hardware;

/// <summary>The clinician's push button (marks hands-in / hands-out). Presses arrive already debounced.</summary>
public interface IPushButton : IDisposable
{
    event Action? Pressed;
}
