using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Tests.Configuration;

public sealed class OptionsValidationTests
{
    private static WorkerOptions Bind(IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(overrides)
            .Build();
        var options = new WorkerOptions();
        configuration.Bind(options);
        return options;
    }

    private static IReadOnlyList<string> Errors(params (string Key, string Value)[] overrides)
    {
        WorkerOptions options = Bind(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)));
        ValidateOptionsResult result = new ValidateWorkerOptions().Validate(Options.DefaultName, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void The_shipped_appsettings_are_valid_and_hex_addresses_bind()
    {
        Assert.Empty(Errors());
        WorkerOptions options = Bind([]);
        ThermalSensorOptions sensor = Assert.Single(options.Sensors);
        Assert.Equal(0x33, sensor.Address);
        Assert.Equal(0.98, sensor.Emissivity);
        Assert.Equal(0x76, options.Hardware.RoomSensor.Address);
        Assert.Equal("manchester", options.Protocol.Preset);
        Assert.All([options.Hardware.Button.Kind, options.Hardware.StatusLed.Kind, options.Hardware.Buzzer.Kind,
                    options.Hardware.RoomSensor.Kind, options.Hardware.BathProbe.Kind],
            kind => Assert.Equal(DeviceKind.Emulated, kind));
    }

    [Theory]
    [InlineData("Sensors:0:RefreshRateHz", "5", "Sensors:0:RefreshRateHz 5: the MLX90640 supports only")]
    [InlineData("Sensors:0:Emissivity", "1.2", "Sensors:0:Emissivity 1.2:")]
    [InlineData("Sensors:0:Address", "0x80", "Sensors:0:Address 0x80:")]
    [InlineData("Sensors:0:I2cBus", "-1", "Sensors:0:I2cBus -1:")]
    [InlineData("Sensors:0:ReflectedTemperature", "Fixed", "Sensors:0:ReflectedTemperatureCelsius (not set): with ReflectedTemperature=Fixed")]
    [InlineData("Hardware:RoomSensor:Address", "0x40", "Hardware:RoomSensor:Address 0x40: a BME280 answers only at 0x76 or 0x77")]
    [InlineData("Hardware:RoomSensor:ReadIntervalSeconds", "0", "Hardware:RoomSensor:ReadIntervalSeconds 0:")]
    [InlineData("Hardware:BathProbe:DeviceId", "10-abc", "Hardware:BathProbe:DeviceId '10-abc': a DS18B20 id starts with family code 28-")]
    [InlineData("Hardware:Button:DebounceMilliseconds", "0", "Hardware:Button:DebounceMilliseconds 0:")]
    [InlineData("Protocol:Preset", "copenhagen", "Protocol:Preset 'copenhagen': unknown preset; use one of manchester, bath-ring, iso-14835-1")]
    [InlineData("Storage:Path", "", "Storage:Path is empty")]
    [InlineData("Dashboard:Url", "localhost:5080", "Dashboard:Url 'localhost:5080': not an absolute http(s) URL")]
    public void Each_bad_setting_is_reported_by_its_key(string key, string value, string expected)
    {
        string error = Assert.Single(Errors((key, value)));
        Assert.StartsWith(expected, error);
    }

    [Fact]
    public void Pins_are_checked_only_for_real_devices_and_every_problem_is_listed()
    {
        // Emulated devices may keep any pin number.
        Assert.Empty(Errors(("Hardware:Button:GpioPin", "3")));

        IReadOnlyList<string> errors = Errors(
            ("Hardware:Button:Kind", "Real"), ("Hardware:Button:GpioPin", "3"),
            ("Hardware:StatusLed:Kind", "Real"), ("Hardware:StatusLed:GpioPin", "22"),
            ("Hardware:Buzzer:Kind", "Real"), ("Hardware:Buzzer:GpioPin", "22"),
            ("Hardware:BathProbe:Kind", "Real"), ("Hardware:RoomSensor:Kind", "Real"),
            ("Protocol:Preset", "nope"), ("Sensors:0:RefreshRateHz", "3"));

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Hardware:Button:GpioPin 3: GPIO3 carries I2C bus 1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Hardware:StatusLed:GpioPin and Hardware:Buzzer:GpioPin all use GPIO 22", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Protocol:Preset 'nope'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Sensors:0:RefreshRateHz 3", StringComparison.Ordinal));
    }

    [Fact]
    public void The_one_wire_pin_is_reserved_when_the_real_bath_probe_is_used()
    {
        Assert.Empty(Errors(("Hardware:Button:Kind", "Real"), ("Hardware:Button:GpioPin", "4")));
        string error = Assert.Single(Errors(("Hardware:Button:Kind", "Real"), ("Hardware:Button:GpioPin", "4"), ("Hardware:BathProbe:Kind", "Real")));
        Assert.StartsWith("Hardware:Button:GpioPin 4: GPIO4 is the 1-Wire bus", error);
    }

    [Fact]
    public void Two_sensors_need_distinct_names_and_real_ones_distinct_addresses()
    {
        IReadOnlyList<string> errors = Errors(
            ("Sensors:0:Kind", "Real"), ("Sensors:1:Name", "HANDS"), ("Sensors:1:Kind", "Real"), ("Sensors:1:Address", "0x33"),
            ("Sensors:1:Hand", "Left"), ("Simulation:TimeScale", "1"), ("Simulation:AutoClinician", "false")); // real sensors: no simulation
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Sensors: name 'hands' is used by Sensors:0 and Sensors:1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("share I2C bus 1 address 0x33", StringComparison.Ordinal));
    }

    [Fact]
    public void No_sensor_at_all_is_an_error()
    {
        var options = new WorkerOptions();
        ValidateOptionsResult result = new ValidateWorkerOptions().Validate(null, options);
        Assert.StartsWith("Sensors: no thermal sensor configured", Assert.Single(result.Failures!));
    }

    [Fact]
    public void The_summary_lists_every_device_and_the_protocol()
    {
        IReadOnlyList<string> lines = ConfigurationSummary.Describe(Bind([new("Hardware:RoomSensor:Kind", "Real")]));
        Assert.Equal(10, lines.Count); // the shipped settings run the simulated patient, which adds a Simulation line
        Assert.Contains("Simulation: clock ×20, auto-clinician on, ssc patient seed 7, sessions without end", lines);
        Assert.StartsWith("Sensor hands: Emulated MLX90640 on I2C bus 1 at 0x33, 4 Hz, emissivity 0.98", lines[0]);
        Assert.Contains("Room sensor: Real BME280 on I2C bus 1 at 0x76, every 10 s", lines);
        Assert.Contains(lines, l => l.StartsWith("Protocol: manchester", StringComparison.Ordinal));
    }
}
