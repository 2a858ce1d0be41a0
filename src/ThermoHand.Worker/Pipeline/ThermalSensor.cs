using System.Device.I2c;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Simulation;
using ThermoHand.Worker.Calibration;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Hardware;

namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// One opened MLX90640 (real or emulated) and what the pipeline needs to know about it: the hand it looks at, its
/// EEPROM (for the recording header and the temperature calculation), its control register and its settings.
/// </summary>
public sealed class ThermalSensor : IDisposable
{
    private ThermalSensor(int index, ThermalSensorOptions options, ISubpageSource source, ushort controlRegister, SimulatedPatient? patient)
    {
        Index = index;
        Options = options;
        Source = source;
        ControlRegister = controlRegister;
        Patient = patient;
        EepromWords = source.EepromWords.ToArray();
        Calibration = Mlx90640Calibration.Extract(EepromWords);
        SensorId = ThermoHand.Calibration.SensorIdentity.FromEeprom(EepromWords); // the key of its site calibration
    }

    public int Index { get; }

    public ThermalSensorOptions Options { get; }

    /// <summary>The setting prefix of this sensor, e.g. "Sensors:0", for messages.</summary>
    public string Key => $"Sensors:{Index}";

    public Hand Hand => Options.Hand;

    public ISubpageSource Source { get; }

    public ushort[] EepromWords { get; }

    public Mlx90640Calibration Calibration { get; }

    /// <summary>The sensor's device id (EEPROM 0x2407–0x2409) as 12 hex digits.</summary>
    public string SensorId { get; }

    public ushort ControlRegister { get; }

    /// <summary>The simulated patient in front of an emulated sensor; null for a real sensor.</summary>
    public SimulatedPatient? Patient { get; }

    /// <summary>The site calibration applied to this sensor's images and the reference check listening to them (docs/worker.md).</summary>
    public SensorCalibration Site { get; } = new();

    /// <summary>
    /// Opens the sensor as configured. A real sensor that cannot be opened throws <see cref="HardwareUnavailableException"/>
    /// naming Sensors:N; an emulated one looks at a <see cref="SimulatedPatient"/> on the worker's clock.
    /// </summary>
    public static ThermalSensor Open(int index, ThermalSensorOptions options, SimulationOptions simulation, PipelineClock clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(clock);
        string key = $"Sensors:{index}";
        RefreshRate rate = RegisterFields.FromHertz(options.RefreshRateHz);
        if (options.Kind == DeviceKind.Emulated)
        {
            ThermoHand.Simulation.PatientGroupNames.TryParse(simulation.Group, out PatientGroup group);
            var patient = new SimulatedPatient(
                new SimulationSettings { Group = group, Hand = options.Hand, Seed = simulation.Seed, SubSamplesPerPixel = simulation.SubSamplesPerPixel },
                clock);
            var emulator = patient.CreateSensor(new EmulatedMlx90640Options
            {
                Emissivity = (float)options.Emissivity,

                // Simulation:PixelErrors: the emulated sensor reads like a real one (per-pixel gain/offset, dead and noisy
                // pixels, warm-up), which is what a site calibration removes; off = a perfect sensor.
                PixelErrors = simulation.PixelErrors ? new PixelResponseErrors() : null,
                Faults = new EmulatedFaults { Seed = simulation.Seed + index, IoErrorRate = simulation.I2cErrorRate },
            });
            var emulated = new Mlx90640.Mlx90640(emulator, clock.Clock) { StatusPollInterval = TimeSpan.FromMilliseconds(1) };
            return Configure(index, options, emulated, rate, patient, key);
        }

        I2cDevice device;
        try
        {
            device = I2cDevice.Create(new I2cConnectionSettings(options.I2cBus, options.Address));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw HardwareUnavailableException.For(key,
                $"{key}:I2cBus {options.I2cBus}: cannot open /dev/i2c-{options.I2cBus} for the MLX90640 at 0x{options.Address:X2} " +
                "(is I2C enabled with dtparam=i2c_arm=on, and is the worker in the i2c group?)", e);
        }

        return Configure(index, options, new Mlx90640.Mlx90640(device, clock.Clock), rate, null, key);
    }

    /// <summary>
    /// Attempts at reading the EEPROM and setting the sensor up. Every step is idempotent, so a transient bus error
    /// (EIO, a NACK, two EEPROM reads that differ) is retried instead of stopping the worker; a missing or dead sensor
    /// still fails every attempt and stops the start.
    /// </summary>
    private const int ConfigureAttempts = 5;

    private static ThermalSensor Configure(int index, ThermalSensorOptions options, Mlx90640.Mlx90640 sensor, RefreshRate rate, SimulatedPatient? patient, string key)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _ = sensor.ReadEeprom(); // read twice and compared by the driver; refuses an implausible dump
                sensor.ReadingPattern = ReadingPattern.Chess; // the factory calibration pattern
                sensor.RefreshRate = rate;
                return new ThermalSensor(index, options, sensor, sensor.ReadControlRegister(), patient);
            }
            catch (IOException) when (attempt < ConfigureAttempts)
            {
                // A transient bus error: try the whole set-up again.
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or Mlx90640EepromException)
            {
                sensor.Dispose();
                throw HardwareUnavailableException.For(key,
                    $"{key}:Address 0x{options.Address:X2}: no usable MLX90640 on I2C bus {options.I2cBus} ({attempt} attempts)", e);
            }
        }
    }

    public void Dispose() => Source.Dispose();
}
