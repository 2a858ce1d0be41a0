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

    public SimulationOptions Simulation { get; set; } = new();

    public PipelineOptions Pipeline { get; set; } = new();

    /// <summary>Site calibrations and the per-session reference check (Calibration:*, docs/worker.md).</summary>
    public Calibration.CalibrationOptions Calibration { get; set; } = new();
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

    /// <summary>The hand this sensor looks at: one sensor per hand, each with the whole 32×24 frame.</summary>
    public Analysis.Hand Hand { get; set; } = Analysis.Hand.Right;

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

    /// <summary>
    /// Free space that must remain on the storage disk: a session does not start unless its estimated need plus this
    /// margin is free, and a running session is stopped cleanly when free space falls below it.
    /// </summary>
    public long MinimumFreeMegabytes { get; set; } = 200;

    /// <summary>How often free space is checked during a session (session-clock seconds).</summary>
    public double FreeSpaceCheckSeconds { get; set; } = 10;
}

/// <summary>The frame pipeline between the sensor and storage/dashboard (Pipeline:*).</summary>
public sealed class PipelineOptions
{
    /// <summary>Subpages held between acquisition and storage per sensor; when full, acquisition waits (never drops).</summary>
    public int StorageQueueCapacity { get; set; } = 256;

    /// <summary>A provisional analysis is sent to the dashboard every this many session seconds.</summary>
    public double ProvisionalAnalysisSeconds { get; set; } = 30;

    /// <summary>How often the health checks run and the status message is queued (session-clock seconds).</summary>
    public double HealthIntervalSeconds { get; set; } = 30;

    /// <summary>Health is Unhealthy when the newest frame of any sensor is older than this (seconds).</summary>
    public double MaximumFrameAgeSeconds { get; set; } = 5;

    /// <summary>Health is Degraded when more than this share of I2C transfers (retried or not) or of subpage reads failed since the previous check.</summary>
    public double MaximumI2cErrorRate { get; set; } = 0.05;

    /// <summary>Health is Degraded when more than this many messages wait for the dashboard.</summary>
    public long MaximumOutboxBacklog { get; set; } = 20000;
}

/// <summary>
/// The simulated patient (Simulation:*): used when every sensor is Emulated. TimeScale runs the whole worker — the
/// protocol, the emulated sensors, the room and bath — on one clock that is TimeScale × faster than wall time.
/// </summary>
public sealed class SimulationOptions
{
    /// <summary>1 = real time; 20 plays the 38-minute Manchester protocol in about 2 minutes. Only with emulated sensors.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>Plays the clinician: starts sessions, hands in when ready, hands out when the immersion time is up.</summary>
    public bool AutoClinician { get; set; }

    /// <summary>How many sessions the auto-clinician plays; 0 = keep starting new ones.</summary>
    public int Sessions { get; set; }

    /// <summary>Session-clock seconds the auto-clinician waits between sessions.</summary>
    public double PauseBetweenSessionsSeconds { get; set; } = 30;

    /// <summary>healthy, primary or ssc.</summary>
    public string Group { get; set; } = "ssc";

    public int Seed { get; set; } = 7;

    /// <summary>Pseudonymous reference the auto-clinician uses (1–32 letters/digits/-/_, at least one digit).</summary>
    public string PatientReference { get; set; } = "SIM-0001";

    /// <summary>Scene sub-samples per pixel axis (1–40); fewer render faster, 10 is the simulator's default.</summary>
    public int SubSamplesPerPixel { get; set; } = 10;

    /// <summary>Share of emulated subpage reads that fail with an I2C error (0–0.5), to exercise the health checks.</summary>
    public double I2cErrorRate { get; set; }

    /// <summary>
    /// Emulated sensors read with realistic per-pixel errors (PixelResponseErrors defaults: gain/offset spread, a
    /// common offset, dead and noisy pixels, warm-up, drift), so the demo shows what the site calibration removes.
    /// </summary>
    public bool PixelErrors { get; set; } = true;
}

/// <summary>Dashboard:* — the uplink settings beyond Url are in DashboardUplinkOptions.cs.</summary>
public sealed partial class DashboardOptions
{
    public string Url { get; set; } = "http://localhost:5080";
}
