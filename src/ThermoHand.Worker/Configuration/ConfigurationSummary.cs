using System.Globalization;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Configuration;

/// <summary>
/// The lines logged at start so a technician can see what the worker will use. Built from options only:
/// it never contains a patient reference (those exist only inside a running session).
/// </summary>
public static class ConfigurationSummary
{
    public static IReadOnlyList<string> Describe(WorkerOptions options)
    {
        var lines = new List<string>();
        foreach (ThermalSensorOptions s in options.Sensors)
        {
            string reflected = s.ReflectedTemperature == ReflectedTemperatureRule.Fixed
                ? $"Fixed {s.ReflectedTemperatureCelsius?.ToString("0.0", CultureInfo.InvariantCulture)} °C"
                : s.ReflectedTemperature.ToString();
            lines.Add(Invariant($"Sensor {s.Name}: {s.Kind} MLX90640 on I2C bus {s.I2cBus} at 0x{s.Address:X2}, {s.RefreshRateHz} Hz, emissivity {s.Emissivity:0.00}, reflected temperature {reflected}, {s.Hand.ToString().ToLowerInvariant()} hand"));
        }

        HardwareOptions h = options.Hardware;
        lines.Add(Invariant($"Button: {h.Button.Kind}{Pin(h.Button.Kind, h.Button.GpioPin)}, debounce {h.Button.DebounceMilliseconds} ms"));
        lines.Add(Invariant($"Status LED: {h.StatusLed.Kind}{Pin(h.StatusLed.Kind, h.StatusLed.GpioPin)}"));
        lines.Add(h.Buzzer.Drive == BuzzerDrive.Pwm
            ? Invariant($"Buzzer: {h.Buzzer.Kind} PWM chip {h.Buzzer.PwmChip} channel {h.Buzzer.PwmChannel} at {h.Buzzer.FrequencyHz} Hz")
            : Invariant($"Buzzer: {h.Buzzer.Kind} on/off{Pin(h.Buzzer.Kind, h.Buzzer.GpioPin)}"));
        lines.Add(h.RoomSensor.Kind == Configuration.DeviceKind.Real
            ? Invariant($"Room sensor: Real BME280 on I2C bus {h.RoomSensor.I2cBus} at 0x{h.RoomSensor.Address:X2}, every {h.RoomSensor.ReadIntervalSeconds} s")
            : Invariant($"Room sensor: Emulated {h.RoomSensor.EmulatedTemperatureCelsius:0.0} °C, {h.RoomSensor.EmulatedHumidityPercent:0} % RH, drift {h.RoomSensor.EmulatedDriftCelsiusPerHour} °C/h, every {h.RoomSensor.ReadIntervalSeconds} s"));
        lines.Add(h.BathProbe.Kind == Configuration.DeviceKind.Real
            ? Invariant($"Bath probe: Real DS18B20 {(string.IsNullOrEmpty(h.BathProbe.DeviceId) ? "(only probe on the bus)" : h.BathProbe.DeviceId)}, every {h.BathProbe.ReadIntervalSeconds} s")
            : Invariant($"Bath probe: Emulated {h.BathProbe.EmulatedTemperatureCelsius:0.0} °C, drift {h.BathProbe.EmulatedDriftCelsiusPerHour} °C/h, every {h.BathProbe.ReadIntervalSeconds} s"));

        string protocol = ProtocolPresets.TryFind(options.Protocol.Preset, out ProtocolPreset preset)
            ? $"{preset.Name} — {preset.Description}"
            : options.Protocol.Preset;
        lines.Add($"Protocol: {protocol}");
        lines.Add(Invariant($"Storage: {options.Storage.Path}, keeping {options.Storage.MinimumFreeMegabytes} MB free (checked every {options.Storage.FreeSpaceCheckSeconds} s)"));
        SimulationOptions sim = options.Simulation;
        if (sim.TimeScale != 1 || sim.AutoClinician)
        {
            lines.Add(Invariant($"Simulation: clock ×{sim.TimeScale}, auto-clinician {(sim.AutoClinician ? "on" : "off")}, {sim.Group} patient seed {sim.Seed}, {(sim.Sessions == 0 ? "sessions without end" : sim.Sessions + " session(s)")}"));
        }
        lines.Add($"Dashboard: {options.Dashboard.Url}");
        return lines;
    }

    private static string Pin(Configuration.DeviceKind kind, int pin) =>
        kind == Configuration.DeviceKind.Real ? $" on GPIO{pin}" : string.Empty;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
