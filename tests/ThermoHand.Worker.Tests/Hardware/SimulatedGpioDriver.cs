using System.Device.Gpio;

namespace ThermoHand.Worker.Tests.Hardware;

/// <summary>
/// A GPIO driver in memory (the dotnet/iot test pattern: subclass the abstract driver) so the real GPIO device
/// classes run unchanged in tests: pins keep their mode and value, writes are logged, edges can be injected.
/// </summary>
internal sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];

    public List<(int Pin, PinValue Value)> Writes { get; } = [];

    public IReadOnlyDictionary<int, PinMode> Modes => _modes;

    public PinValue ValueOf(int pin) => _values.GetValueOrDefault(pin, PinValue.Low);

    /// <summary>Drives an input pin to a level and raises the edge callbacks, as the kernel would.</summary>
    public void SetInput(int pin, PinValue value)
    {
        PinValue old = ValueOf(pin);
        _values[pin] = value;
        if (old == value)
        {
            return;
        }

        PinEventTypes edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        foreach ((PinEventTypes types, PinChangeEventHandler handler) in _callbacks.GetValueOrDefault(pin, []).ToList())
        {
            if ((types & edge) != 0)
            {
                handler(this, new PinValueChangedEventArgs(edge, pin));
            }
        }
    }

    protected override int PinCount => 28;

    /// <summary>Pins whose opening fails, as when another process holds the line.</summary>
    public HashSet<int> BusyPins { get; } = [];

    protected override void OpenPin(int pinNumber)
    {
        if (BusyPins.Contains(pinNumber))
        {
            throw new IOException($"Device or resource busy (GPIO{pinNumber})");
        }

        _modes.TryAdd(pinNumber, PinMode.Input);
    }

    protected override void ClosePin(int pinNumber) => _modes.Remove(pinNumber);

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        _modes[pinNumber] = mode;
        if (mode == PinMode.InputPullUp)
        {
            _values[pinNumber] = PinValue.High;
        }
    }

    protected override PinMode GetPinMode(int pinNumber) => _modes[pinNumber];

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => ValueOf(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        _values[pinNumber] = value;
        lock (Writes)
        {
            Writes.Add((pinNumber, value));
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("not used by the worker");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        if (!_callbacks.TryGetValue(pinNumber, out var list))
        {
            _callbacks[pinNumber] = list = [];
        }

        list.Add((eventTypes, callback));
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        _callbacks.GetValueOrDefault(pinNumber, []).RemoveAll(c => c.Handler == callback);

    public int CallbackCount(int pin) => _callbacks.GetValueOrDefault(pin, []).Count;
}
