using System.Device.Gpio;

namespace ThermoHand.Worker.Hardware;

/// <summary>
/// A push button on a GPIO pin. Wired active-low by default (button to ground, internal pull-up), the usual
/// Raspberry Pi wiring. Every raw edge goes to a <see cref="ButtonDebouncer"/>.
/// </summary>
public sealed class GpioPushButton : IPushButton
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly bool _activeLow;
    private readonly ButtonDebouncer _debouncer;

    public GpioPushButton(GpioController controller, int pin, bool activeLow, TimeSpan debounce, TimeProvider clock)
    {
        _controller = controller;
        _pin = pin;
        _activeLow = activeLow;
        _debouncer = new ButtonDebouncer(clock, debounce);
        _debouncer.Pressed += () => Pressed?.Invoke();
        try
        {
            _controller.OpenPin(pin, activeLow ? PinMode.InputPullUp : PinMode.InputPullDown);
            _controller.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, OnPinChanged);
        }
        catch (Exception e)
        {
            _debouncer.Dispose();
            throw HardwareUnavailableException.For("Hardware:Button", $"Hardware:Button:GpioPin {pin}: cannot open the button pin", e);
        }
    }

    public event Action? Pressed;

    private void OnPinChanged(object sender, PinValueChangedEventArgs e) =>
        _debouncer.OnRawLevel(e.ChangeType == PinEventTypes.Falling ? _activeLow : !_activeLow);

    public void Dispose()
    {
        _controller.UnregisterCallbackForPinValueChangedEvent(_pin, OnPinChanged);
        _controller.ClosePin(_pin);
        _debouncer.Dispose();
    }
}
