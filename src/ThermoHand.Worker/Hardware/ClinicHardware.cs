using System.Device.Gpio;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Hardware;

/// <summary>The devices around the sensor, each real or emulated as configured. Owns and disposes them.</summary>
public sealed class ClinicHardware(
    IPushButton button, IStatusLed statusLed, IBuzzer buzzer, IRoomSensor roomSensor, IBathProbe bathProbe, IDisposable? gpio = null)
    : IDisposable
{
    public IPushButton Button { get; } = button;

    public IStatusLed StatusLed { get; } = statusLed;

    public IBuzzer Buzzer { get; } = buzzer;

    public IRoomSensor RoomSensor { get; } = roomSensor;

    public IBathProbe BathProbe { get; } = bathProbe;

    /// <summary>
    /// Opens every device named in <paramref name="options"/>. A real device that cannot be opened throws
    /// <see cref="HardwareUnavailableException"/> naming its setting; devices already opened are closed first.
    /// </summary>
    public static ClinicHardware Open(HardwareOptions options, TimeProvider clock)
    {
        var opened = new List<IDisposable>();
        GpioController? controller = null;

        GpioController Gpio(string section, int pin)
        {
            try
            {
                return controller ??= new GpioController();
            }
            catch (Exception e)
            {
                throw HardwareUnavailableException.For(section, $"{section}:GpioPin {pin}: no GPIO controller on this machine (not a Raspberry Pi?)", e);
            }
        }

        T Keep<T>(T device)
            where T : IDisposable
        {
            opened.Add(device);
            return device;
        }

        try
        {
            ButtonOptions b = options.Button;
            IPushButton button = Keep<IPushButton>(b.Kind == DeviceKind.Real
                ? new GpioPushButton(Gpio("Hardware:Button", b.GpioPin), b.GpioPin, b.ActiveLow, TimeSpan.FromMilliseconds(b.DebounceMilliseconds), clock)
                : new EmulatedPushButton(TimeSpan.FromMilliseconds(b.DebounceMilliseconds), clock));

            StatusLedOptions l = options.StatusLed;
            IStatusLed led = Keep<IStatusLed>(l.Kind == DeviceKind.Real
                ? new GpioStatusLed(Gpio("Hardware:StatusLed", l.GpioPin), l.GpioPin, clock)
                : new EmulatedStatusLed());

            BuzzerOptions z = options.Buzzer;
            IBuzzer buzzer = Keep<IBuzzer>((z.Kind, z.Drive) switch
            {
                (DeviceKind.Emulated, _) => new EmulatedBuzzer(clock),
                (_, BuzzerDrive.Pwm) => new PwmBuzzer(z.PwmChip, z.PwmChannel, z.FrequencyHz, clock),
                _ => new GpioBuzzer(Gpio("Hardware:Buzzer", z.GpioPin), z.GpioPin, clock),
            });

            RoomSensorOptions r = options.RoomSensor;
            IRoomSensor room = Keep<IRoomSensor>(r.Kind == DeviceKind.Real
                ? Bme280RoomSensor.Open(r.I2cBus, r.Address)
                : new EmulatedRoomSensor(clock, r.EmulatedTemperatureCelsius, r.EmulatedHumidityPercent, r.EmulatedDriftCelsiusPerHour));

            BathProbeOptions p = options.BathProbe;
            IBathProbe bath = Keep<IBathProbe>(p.Kind == DeviceKind.Real
                ? Ds18b20BathProbe.Open(p.DeviceId)
                : new EmulatedBathProbe(clock, p.EmulatedTemperatureCelsius, p.EmulatedDriftCelsiusPerHour));

            return new ClinicHardware(button, led, buzzer, room, bath, controller);
        }
        catch
        {
            foreach (IDisposable device in Enumerable.Reverse(opened))
            {
                device.Dispose();
            }

            controller?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Button.Dispose();
        StatusLed.Dispose();
        Buzzer.Dispose();
        RoomSensor.Dispose();
        BathProbe.Dispose();
        gpio?.Dispose();
    }
}
