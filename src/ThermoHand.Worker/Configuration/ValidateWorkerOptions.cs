using Microsoft.Extensions.Options;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Configuration;

/// <summary>
/// Checks the whole configuration at start and reports every problem at once, each naming the setting to change
/// (e.g. "Hardware:Button:GpioPin 3: …"), so a technician fixes appsettings.json in one pass.
/// </summary>
public sealed class ValidateWorkerOptions : IValidateOptions<WorkerOptions>
{
    /// <summary>BCM GPIOs on the Raspberry Pi 40-pin header.</summary>
    private const int HighestHeaderGpio = 27;

    /// <summary>GPIO2/3 carry I2C bus 1 (SDA/SCL), which the thermal and room sensors use.</summary>
    private static readonly int[] I2cPins = [2, 3];

    /// <summary>GPIO4 is the default pin of the w1-gpio overlay used by the DS18B20 bath probe.</summary>
    private const int OneWirePin = 4;

    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var errors = new List<string>();
        ValidateSensors(options, errors);
        ValidateHardware(options.Hardware, errors);

        if (!ProtocolPresets.TryFind(options.Protocol.Preset, out _))
        {
            errors.Add($"Protocol:Preset '{options.Protocol.Preset}': unknown preset; use one of {ProtocolPresets.KnownNames}");
        }

        if (string.IsNullOrWhiteSpace(options.Storage.Path))
        {
            errors.Add("Storage:Path is empty: set the folder where sessions are stored");
        }
        else if (options.Storage.Path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"Storage:Path '{options.Storage.Path}' contains characters not allowed in a path");
        }

        ValidateStorageLimits(options.Storage, errors);
        ValidatePipeline(options.Pipeline, errors);
        ValidateSimulation(options, errors);
        Calibration.CalibrationOptionsValidation.Validate(options, errors);

        // An empty Dashboard:Url switches the uplink off (DashboardUplinkOptions.cs); anything else must be a URL.
        if (!string.IsNullOrEmpty(options.Dashboard.Url) &&
            (!Uri.TryCreate(options.Dashboard.Url, UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https")))
        {
            errors.Add($"Dashboard:Url '{options.Dashboard.Url}': not an absolute http(s) URL (e.g. http://0.0.0.0:5080)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateSensors(WorkerOptions options, List<string> errors)
    {
        if (options.Sensors.Count == 0)
        {
            errors.Add("Sensors: no thermal sensor configured; add Sensors:0 (Kind Real or Emulated)");
        }

        for (int i = 0; i < options.Sensors.Count; i++)
        {
            ThermalSensorOptions sensor = options.Sensors[i];
            string key = $"Sensors:{i}";
            if (string.IsNullOrWhiteSpace(sensor.Name))
            {
                errors.Add($"{key}:Name is empty: name the sensor (e.g. left, right)");
            }

            if (sensor.I2cBus < 0)
            {
                errors.Add($"{key}:I2cBus {sensor.I2cBus}: must be 0 or more (the N of /dev/i2c-N)");
            }

            if (sensor.Address is < 0x08 or > 0x77)
            {
                errors.Add($"{key}:Address 0x{sensor.Address:X}: outside the 7-bit I2C range 0x08–0x77 (MLX90640 default 0x33)");
            }

            if (!ThermalSensorOptions.SupportedRefreshRatesHz.Contains(sensor.RefreshRateHz))
            {
                errors.Add($"{key}:RefreshRateHz {sensor.RefreshRateHz}: the MLX90640 supports only " +
                           string.Join(", ", ThermalSensorOptions.SupportedRefreshRatesHz) + " Hz");
            }

            if (!(sensor.Emissivity is > 0.5 and <= 1.0))
            {
                errors.Add($"{key}:Emissivity {sensor.Emissivity}: must be in (0.5, 1]; human skin is 0.98");
            }

            if (sensor.ReflectedTemperature == ReflectedTemperatureRule.Fixed &&
                sensor.ReflectedTemperatureCelsius is not (>= -20 and <= 60))
            {
                errors.Add($"{key}:ReflectedTemperatureCelsius {Describe(sensor.ReflectedTemperatureCelsius)}: " +
                           "with ReflectedTemperature=Fixed it must be set, between -20 and 60 °C");
            }
        }

        foreach (var duplicate in options.Sensors.Select((s, i) => (s.Name, Index: i))
                     .GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"Sensors: name '{duplicate.Key}' is used by Sensors:{string.Join(" and Sensors:", duplicate.Select(d => d.Index))}; names must differ");
        }

        foreach (var shared in options.Sensors.Select((s, i) => (s, Index: i)).Where(x => x.s.Kind == DeviceKind.Real)
                     .GroupBy(x => (x.s.I2cBus, x.s.Address)).Where(g => g.Count() > 1))
        {
            errors.Add($"Sensors: Sensors:{string.Join(" and Sensors:", shared.Select(x => x.Index))} share I2C bus {shared.Key.I2cBus} " +
                       $"address 0x{shared.Key.Address:X2}; give each real sensor its own address or bus");
        }
    }

    private static void ValidateHardware(HardwareOptions hardware, List<string> errors)
    {
        var pins = new List<(string Key, int Pin)>();
        if (hardware.Button.Kind == DeviceKind.Real)
        {
            pins.Add(("Hardware:Button:GpioPin", hardware.Button.GpioPin));
        }

        if (hardware.Button.DebounceMilliseconds is < 1 or > 500)
        {
            errors.Add($"Hardware:Button:DebounceMilliseconds {hardware.Button.DebounceMilliseconds}: must be 1–500 ms (typical 20–50)");
        }

        if (hardware.StatusLed.Kind == DeviceKind.Real)
        {
            pins.Add(("Hardware:StatusLed:GpioPin", hardware.StatusLed.GpioPin));
        }

        BuzzerOptions buzzer = hardware.Buzzer;
        if (buzzer.Kind == DeviceKind.Real && buzzer.Drive == BuzzerDrive.OnOff)
        {
            pins.Add(("Hardware:Buzzer:GpioPin", buzzer.GpioPin));
        }

        if (buzzer.Drive == BuzzerDrive.Pwm)
        {
            if (buzzer.PwmChip < 0 || buzzer.PwmChannel < 0)
            {
                errors.Add($"Hardware:Buzzer:PwmChip {buzzer.PwmChip}/PwmChannel {buzzer.PwmChannel}: must be 0 or more");
            }

            if (buzzer.FrequencyHz is < 100 or > 10000)
            {
                errors.Add($"Hardware:Buzzer:FrequencyHz {buzzer.FrequencyHz}: must be 100–10000 Hz (piezo buzzers peak near 2–4 kHz)");
            }
        }

        foreach ((string key, int pin) in pins)
        {
            if (pin is < 0 or > HighestHeaderGpio)
            {
                errors.Add($"{key} {pin}: not a GPIO on the Raspberry Pi header (BCM 0–{HighestHeaderGpio})");
            }
            else if (I2cPins.Contains(pin))
            {
                errors.Add($"{key} {pin}: GPIO{pin} carries I2C bus 1 (sensors); choose another pin");
            }
            else if (pin == OneWirePin && hardware.BathProbe.Kind == DeviceKind.Real)
            {
                errors.Add($"{key} {pin}: GPIO4 is the 1-Wire bus of the bath probe; choose another pin");
            }
        }

        foreach (var clash in pins.GroupBy(p => p.Pin).Where(g => g.Count() > 1))
        {
            errors.Add($"{string.Join(" and ", clash.Select(c => c.Key))} all use GPIO {clash.Key}; each device needs its own pin");
        }

        RoomSensorOptions room = hardware.RoomSensor;
        if (room.I2cBus < 0)
        {
            errors.Add($"Hardware:RoomSensor:I2cBus {room.I2cBus}: must be 0 or more (the N of /dev/i2c-N)");
        }

        if (!RoomSensorOptions.SupportedAddresses.Contains(room.Address))
        {
            errors.Add($"Hardware:RoomSensor:Address 0x{room.Address:X}: a BME280 answers only at 0x76 or 0x77");
        }

        CheckInterval("Hardware:RoomSensor:ReadIntervalSeconds", room.ReadIntervalSeconds, errors);
        CheckInterval("Hardware:BathProbe:ReadIntervalSeconds", hardware.BathProbe.ReadIntervalSeconds, errors);

        if (room.EmulatedHumidityPercent is not (>= 0 and <= 100)) // written this way so NaN is refused too
        {
            errors.Add($"Hardware:RoomSensor:EmulatedHumidityPercent {room.EmulatedHumidityPercent}: must be 0–100 %");
        }

        string? probeId = hardware.BathProbe.DeviceId;
        if (!string.IsNullOrEmpty(probeId) && !probeId.StartsWith("28-", StringComparison.Ordinal))
        {
            errors.Add($"Hardware:BathProbe:DeviceId '{probeId}': a DS18B20 id starts with family code 28- (e.g. 28-0316a2794aff)");
        }
    }

    private static void ValidateStorageLimits(StorageOptions storage, List<string> errors)
    {
        if (storage.MinimumFreeMegabytes is < 10 or > 1_000_000)
        {
            errors.Add($"Storage:MinimumFreeMegabytes {storage.MinimumFreeMegabytes}: must be 10–1000000 MB (the margin kept free on the disk)");
        }

        if (storage.FreeSpaceCheckSeconds is < 1 or > 300 || double.IsNaN(storage.FreeSpaceCheckSeconds))
        {
            errors.Add($"Storage:FreeSpaceCheckSeconds {storage.FreeSpaceCheckSeconds}: must be 1–300 s");
        }
    }

    private static void ValidatePipeline(PipelineOptions pipeline, List<string> errors)
    {
        if (pipeline.StorageQueueCapacity is < 4 or > 100_000)
        {
            errors.Add($"Pipeline:StorageQueueCapacity {pipeline.StorageQueueCapacity}: must be 4–100000 subpages");
        }

        if (pipeline.ProvisionalAnalysisSeconds is < 1 or > 3600 || double.IsNaN(pipeline.ProvisionalAnalysisSeconds))
        {
            errors.Add($"Pipeline:ProvisionalAnalysisSeconds {pipeline.ProvisionalAnalysisSeconds}: must be 1–3600 s");
        }

        if (pipeline.HealthIntervalSeconds is < 1 or > 3600 || double.IsNaN(pipeline.HealthIntervalSeconds))
        {
            errors.Add($"Pipeline:HealthIntervalSeconds {pipeline.HealthIntervalSeconds}: must be 1–3600 s");
        }

        if (pipeline.MaximumFrameAgeSeconds is < 0.5 or > 600 || double.IsNaN(pipeline.MaximumFrameAgeSeconds))
        {
            errors.Add($"Pipeline:MaximumFrameAgeSeconds {pipeline.MaximumFrameAgeSeconds}: must be 0.5–600 s");
        }

        if (pipeline.MaximumI2cErrorRate is < 0 or > 1 || double.IsNaN(pipeline.MaximumI2cErrorRate))
        {
            errors.Add($"Pipeline:MaximumI2cErrorRate {pipeline.MaximumI2cErrorRate}: must be 0–1 (a share of reads)");
        }

        if (pipeline.MaximumOutboxBacklog < 1)
        {
            errors.Add($"Pipeline:MaximumOutboxBacklog {pipeline.MaximumOutboxBacklog}: must be 1 or more messages");
        }
    }

    private static void ValidateSimulation(WorkerOptions options, List<string> errors)
    {
        SimulationOptions sim = options.Simulation;
        bool allEmulated = options.Sensors.Count > 0 && options.Sensors.All(s => s.Kind == DeviceKind.Emulated);
        if (sim.TimeScale is < 1 or > 1000 || double.IsNaN(sim.TimeScale))
        {
            errors.Add($"Simulation:TimeScale {sim.TimeScale}: must be 1–1000 (1 = real time)");
        }
        else if (sim.TimeScale != 1 && !allEmulated)
        {
            errors.Add($"Simulation:TimeScale {sim.TimeScale}: a real sensor cannot run faster than real time; set it to 1 or make every Sensors:N:Kind Emulated");
        }

        if (sim.AutoClinician && !allEmulated)
        {
            errors.Add("Simulation:AutoClinician true: the auto-clinician plays the simulated patient only; set it to false when a Sensors:N:Kind is Real");
        }

        if (sim.Sessions < 0)
        {
            errors.Add($"Simulation:Sessions {sim.Sessions}: must be 0 (keep going) or more");
        }

        if (sim.PauseBetweenSessionsSeconds is < 0 or > 86400 || double.IsNaN(sim.PauseBetweenSessionsSeconds))
        {
            errors.Add($"Simulation:PauseBetweenSessionsSeconds {sim.PauseBetweenSessionsSeconds}: must be 0–86400 s");
        }

        if (!ThermoHand.Simulation.PatientGroupNames.TryParse(sim.Group, out _))
        {
            errors.Add($"Simulation:Group '{sim.Group}': use healthy, primary or ssc");
        }

        if (sim.AutoClinician && SessionSetup.ValidatePatientReference(sim.PatientReference) is { } problem)
        {
            errors.Add($"Simulation:PatientReference: {problem}");
        }

        if (sim.SubSamplesPerPixel is < 1 or > 40)
        {
            errors.Add($"Simulation:SubSamplesPerPixel {sim.SubSamplesPerPixel}: must be 1–40");
        }

        if (sim.I2cErrorRate is < 0 or > 0.5 || double.IsNaN(sim.I2cErrorRate))
        {
            errors.Add($"Simulation:I2cErrorRate {sim.I2cErrorRate}: must be 0–0.5");
        }

        foreach (var twice in options.Sensors.Select((s, i) => (s.Hand, Index: i)).GroupBy(s => s.Hand).Where(g => g.Count() > 1))
        {
            errors.Add($"Sensors: Sensors:{string.Join(" and Sensors:", twice.Select(t => t.Index))} all look at the {twice.Key.ToString().ToLowerInvariant()} hand; " +
                       "set Sensors:N:Hand to Left for one and Right for the other (one sensor per hand)");
        }

        if (options.Sensors.Count > 2)
        {
            errors.Add($"Sensors: {options.Sensors.Count} sensors configured; at most two (one per hand)");
        }
    }

    private static void CheckInterval(string key, double seconds, List<string> errors)
    {
        if (seconds is < 1 or > 300 || double.IsNaN(seconds))
        {
            errors.Add($"{key} {seconds}: must be 1–300 s");
        }
    }

    private static string Describe(double? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(not set)";
}
