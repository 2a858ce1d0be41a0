using System.Device.Gpio;

namespace ThermoHand.Worker.Hardware;

/// <summary>An active buzzer (built-in oscillator) switched on and off by a GPIO pin.</summary>
public sealed class GpioBuzzer : IBuzzer
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly BuzzerSequencer _sequencer;

    public GpioBuzzer(GpioController controller, int pin, TimeProvider clock)
    {
        _controller = controller;
        _pin = pin;
        try
        {
            _controller.OpenPin(pin, PinMode.Output, PinValue.Low);
        }
        catch (Exception e)
        {
            throw HardwareUnavailableException.For("Hardware:Buzzer", $"Hardware:Buzzer:GpioPin {pin}: cannot open the buzzer pin", e);
        }

        _sequencer = new BuzzerSequencer(clock, on => _controller.Write(_pin, on ? PinValue.High : PinValue.Low));
    }

    public void Play(BuzzerPattern pattern) => _sequencer.Play(pattern);

    public void Dispose()
    {
        _sequencer.Dispose();
        _controller.ClosePin(_pin);
    }
}
