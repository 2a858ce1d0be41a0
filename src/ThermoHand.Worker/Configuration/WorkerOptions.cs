namespace ThermoHand.Worker.Configuration;

/// <summary>Whether a device is the real one on the Pi or a software stand-in (for development, demos and tests).</summary>
public enum DeviceKind
{
    Emulated,
    Real,
}

/// <summary>
/// How the reflected (background) temperature for the emissivity correction is chosen.
/// SensorAmbientMinus8 is the Melexis rule of thumb for a sensor in open air (shared/reference/mlx90640.md, "Ta − 8").
/// </summary>
public enum ReflectedTemperatureRule
{
    SensorAmbientMinus8,
    RoomSensor,
    Fixed,
}

/// <summary>How the buzzer is driven.</summary>
public enum BuzzerDrive
{
    /// <summary>Active buzzer switched by a GPIO pin.</summary>
    OnOff,

    /// <summary>Passive buzzer on a hardware PWM channel at <see cref="BuzzerOptions.FrequencyHz"/>.</summary>
    Pwm,
}

/// <summary>The whole worker configuration (appsettings.json); each property is one top-level section.</summary>
public sealed class WorkerOptions
{
    public List<ThermalSensorOptions> Sensors { get; set; } = [];

    public HardwareOptions Hardware { get; set; } = new();

    public ProtocolOptions Protocol { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();

    public DashboardOptions Dashboard { get; set; } = new();
}

/// <summary>One MLX90640 (Sensors:N). Two sensors allow one per hand.</summary>
public sealed class ThermalSensorOptions
{
    /// <summary>The MLX90640 factory I2C address (datasheet: 0x33).</summary>
    public const int DefaultAddress = 0x33;

    /// <summary>Refresh rates the sensor's control register can be set to (datasheet control register bits 7–9).</summary>
    public static readonly double[] SupportedRefreshRatesHz = [0.5, 1, 2, 4, 8, 16, 32, 64];

    public string Name { get; set; } = "sensor";

    public DeviceKind Kind { get; set; } = DeviceKind.Emulated;

    public int I2cBus { get; set; } = 1;

    public int Address { get; set; } = DefaultAddress;

    /// <summary>Frames per second; the Pi's default 100 kHz I2C limits this to 4 Hz (mlx90640.md).</summary>
    public double RefreshRateHz { get; set; } = 4;

    /// <summary>Skin emissivity; 0.98 by convention (clinical.md §1.1, [S39][S43]).</summary>
    public double Emissivity { get; set; } = 0.98;

    public ReflectedTemperatureRule ReflectedTemperature { get; set; } = ReflectedTemperatureRule.SensorAmbientMinus8;

    /// <summary>Used only when <see cref="ReflectedTemperature"/> is Fixed.</summary>
    public double? ReflectedTemperatureCelsius { get; set; }
}

public sealed class HardwareOptions
{
    public ButtonOptions Button { get; set; } = new();

    public StatusLedOptions StatusLed { get; set; } = new();

    public BuzzerOptions Buzzer { get; set; } = new();

    public RoomSensorOptions RoomSensor { get; set; } = new();

    public BathProbeOptions BathProbe { get; set; } = new();
}

public sealed class ButtonOptions
{
    public DeviceKind Kind { get; set; } = DeviceKind.Emulated;

    /// <summary>BCM GPIO number.</summary>
    public int GpioPin { get; set; } = 17;

    /// <summary>True when the button connects the pin to ground (internal pull-up used).</summary>
    public bool ActiveLow { get; set; } = true;

    public int DebounceMilliseconds { get; set; } = 30;
}

public sealed class StatusLedOptions
{
    public DeviceKind Kind { get; set; } = DeviceKind.Emulated;

    public int GpioPin { get; set; } = 27;
}

public sealed class BuzzerOptions
{
    public DeviceKind Kind { get; set; } = DeviceKind.Emulated;

    public BuzzerDrive Drive { get; set; } = BuzzerDrive.OnOff;

    /// <summary>BCM GPIO number (Drive=OnOff).</summary>
    public int GpioPin { get; set; } = 22;

    public int PwmChip { get; set; }

    public int PwmChannel { get; set; }

    public double FrequencyHz { get; set; } = 2700;
}

public sealed class RoomSensorOptions
{
    /// <summary>BME280 addresses: 0x76 with SDO to ground, 0x77 with SDO to VDDIO.</summary>
    public static readonly int[] SupportedAddresses = [0x76, 0x77];

    public DeviceKind Kind { get; set; } = DeviceKind.Emulated;

    public int I2cBus { get; set; } = 1;

    public int Address { get; set; } = 0x76;

    public double ReadIntervalSeconds { get; set; } = 10;

    public double EmulatedTemperatureCelsius { get; set; } = 23.0;

    public double EmulatedHumidityPercent { get; set; } = 45.0;

    public double EmulatedDriftCelsiusPerHour { get; set; }
}

public sealed class BathProbeOptions
{
    public DeviceKind Kind { get; set; } = DeviceKind.Emulated;

    /// <summary>1-Wire device id such as "28-0316a2794aff"; empty = the only thermometer on the bus.</summary>
    public string? DeviceId { get; set; }

    public double ReadIntervalSeconds { get; set; } = 5;

    public double EmulatedTemperatureCelsius { get; set; } = 15.0;

    public double EmulatedDriftCelsiusPerHour { get; set; }
}

public sealed class ProtocolOptions
{
    /// <summary>Preset name: manchester, bath-ring or iso-14835-1.</summary>
    public string Preset { get; set; } = "manchester";
}

public sealed class StorageOptions
{
    /// <summary>Folder for recordings and session records.</summary>
    public string Path { get; set; } = "data/sessions";
}

public sealed class DashboardOptions
{
    public string Url { get; set; } = "http://localhost:5080";
}
