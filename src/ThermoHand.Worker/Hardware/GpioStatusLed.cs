using System.Device.Gpio;

namespace ThermoHand.Worker.Hardware;

/// <summary>An LED on a GPIO output pin (active high, through a resistor); blinking runs on a clock timer.</summary>
public sealed class GpioStatusLed : IStatusLed
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly ITimer _blinkTimer;
    private readonly Lock _gate = new();
    private bool _lit;

    public GpioStatusLed(GpioController controller, int pin, TimeProvider clock)
    {
        _controller = controller;
        _pin = pin;
        try
        {
            _controller.OpenPin(pin, PinMode.Output, PinValue.Low);
        }
        catch (Exception e)
        {
            throw HardwareUnavailableException.For("Hardware:StatusLed", $"Hardware:StatusLed:GpioPin {pin}: cannot open the LED pin", e);
        }

        _blinkTimer = clock.CreateTimer(_ => Toggle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public LedPattern Pattern { get; private set; } = LedPattern.Off;

    public void Show(LedPattern pattern)
    {
        lock (_gate)
        {
            Pattern = pattern;
            TimeSpan? half = LedPatternTiming.HalfPeriod(pattern);
            _blinkTimer.Change(half ?? Timeout.InfiniteTimeSpan, half ?? Timeout.InfiniteTimeSpan);
            Write(pattern != LedPattern.Off);
        }
    }

    private void Toggle()
    {
        lock (_gate)
        {
            if (LedPatternTiming.HalfPeriod(Pattern) is not null)
            {
                Write(!_lit);
            }
        }
    }

    private void Write(bool lit)
    {
        _lit = lit;
        _controller.Write(_pin, lit ? PinValue.High : PinValue.Low);
    }

    public void Dispose()
    {
        _blinkTimer.Dispose();
        _controller.Write(_pin, PinValue.Low);
        _controller.ClosePin(_pin);
    }
}
