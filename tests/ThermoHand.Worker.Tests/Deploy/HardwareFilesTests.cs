using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Tests.Deploy;

/// <summary>
/// The files in hardware/ must agree with the worker: the site configuration deploy.sh installs must pass the
/// worker's own validation, the pin table and config.txt must name the pins and buses that configuration uses, and
/// the systemd unit must let the worker write where Storage:Path points.
/// </summary>
public sealed partial class HardwareFilesTests
{
    /// <summary>BCM GPIO → physical pin of the Raspberry Pi 40-pin header (the same on Pi 2 to Pi 5).</summary>
    private static readonly Dictionary<int, int> HeaderPinOfGpio = new()
    {
        [2] = 3, [3] = 5, [4] = 7, [17] = 11, [27] = 13, [22] = 15, [23] = 16, [24] = 18, [18] = 12,
    };

    private static string HardwareFile(string name) => Path.Combine(RepositoryFolder.Root, "hardware", name);

    /// <summary>Binds exactly as the host on the Pi does: the shipped appsettings.json, then the site file on top.</summary>
    private static WorkerOptions DeviceOptions()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddJsonFile(HardwareFile("appsettings.device.json"), optional: false)
            .Build();
        var options = new WorkerOptions();
        configuration.Bind(options);
        return options;
    }

    private static Dictionary<string, List<string>> UnitSettings()
    {
        var settings = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string raw in File.ReadAllLines(HardwareFile("thermohand.service")))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('['))
            {
                continue;
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"thermohand.service: not a Key=Value line: {line}");
            string key = line[..equals];
            if (!settings.TryGetValue(key, out List<string>? values))
            {
                settings[key] = values = [];
            }

            values.Add(line[(equals + 1)..]);
        }

        return settings;
    }

    [Fact]
    public void The_site_configuration_deploy_installs_passes_the_workers_validation()
    {
        WorkerOptions options = DeviceOptions();

        ValidateOptionsResult result = new ValidateWorkerOptions().Validate(Options.DefaultName, options);

        Assert.False(result.Failed, string.Join("\n", result.Failures ?? []));
        Assert.Equal(2, options.Sensors.Count);
        Assert.All(options.Sensors, s => Assert.Equal(DeviceKind.Real, s.Kind));
        Assert.Equal([Analysis.Hand.Left, Analysis.Hand.Right], options.Sensors.Select(s => s.Hand));
        Assert.All(options.Sensors, s => Assert.Equal(0.98, s.Emissivity, 3)); // inherited from the shipped defaults
        Assert.Equal(DeviceKind.Real, options.Hardware.Button.Kind);
        Assert.Equal(DeviceKind.Real, options.Hardware.BathProbe.Kind);
    }

    [Fact]
    public void The_site_configuration_keeps_the_workers_default_pins()
    {
        WorkerOptions device = DeviceOptions();
        var defaults = new HardwareOptions();

        Assert.Equal(defaults.Button.GpioPin, device.Hardware.Button.GpioPin);
        Assert.Equal(defaults.StatusLed.GpioPin, device.Hardware.StatusLed.GpioPin);
        Assert.Equal(defaults.Buzzer.GpioPin, device.Hardware.Buzzer.GpioPin);
        Assert.Equal(defaults.RoomSensor.Address, device.Hardware.RoomSensor.Address);
    }

    [Fact]
    public void The_pin_table_names_each_configured_pin_on_its_header_pin()
    {
        string readme = File.ReadAllText(HardwareFile("README.md"));
        HardwareOptions hardware = DeviceOptions().Hardware;
        (string Setting, int Gpio)[] configured =
        [
            ("`Hardware:Button:GpioPin` " + hardware.Button.GpioPin, hardware.Button.GpioPin),
            ("`Hardware:StatusLed:GpioPin` " + hardware.StatusLed.GpioPin, hardware.StatusLed.GpioPin),
            ("`:GpioPin` " + hardware.Buzzer.GpioPin, hardware.Buzzer.GpioPin),
        ];

        foreach ((string setting, int gpio) in configured)
        {
            // The row that names the setting must give that GPIO and its physical header pin.
            string? row = readme.Split('\n').FirstOrDefault(l => l.StartsWith('|') && l.Contains(setting, StringComparison.Ordinal));
            Assert.True(row is not null, $"hardware/README.md pin table has no row with {setting}");
            Assert.Contains($"| GPIO{gpio} | {HeaderPinOfGpio[gpio]} |", row, StringComparison.Ordinal);
        }

        // The 1-Wire bath probe and both sensor buses.
        Assert.Contains($"| GPIO4 | {HeaderPinOfGpio[4]} |", readme, StringComparison.Ordinal);
        Assert.Contains($"| GPIO23 | {HeaderPinOfGpio[23]} |", readme, StringComparison.Ordinal);
        Assert.Contains($"| GPIO24 | {HeaderPinOfGpio[24]} |", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_txt_enables_the_buses_the_site_configuration_uses()
    {
        string[] lines = File.ReadAllLines(HardwareFile("config.txt")).Where(l => !l.StartsWith('#')).ToArray();
        WorkerOptions options = DeviceOptions();

        Assert.Contains("dtparam=i2c_arm=on", lines);
        Assert.Contains("dtparam=i2c_arm_baudrate=400000", lines);
        Assert.Contains("dtoverlay=w1-gpio,gpiopin=4", lines);
        string overlay = Assert.Single(lines, l => l.StartsWith("dtoverlay=i2c-gpio", StringComparison.Ordinal));
        Match bus = I2cGpioBus().Match(overlay);
        Assert.True(bus.Success, overlay);
        // Sensor 1 on the hardware bus 1, sensor 2 on the bit-banged bus the overlay creates.
        Assert.Equal(1, options.Sensors[0].I2cBus);
        Assert.Equal(int.Parse(bus.Groups["bus"].Value, System.Globalization.CultureInfo.InvariantCulture), options.Sensors[1].I2cBus);
        Assert.Equal("23", bus.Groups["sda"].Value);
        Assert.Equal("24", bus.Groups["scl"].Value);

        // deploy.sh writes the same lines it documents.
        string deploy = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "deploy.sh"));
        Assert.Contains(overlay, deploy, StringComparison.Ordinal);
        Assert.Contains("dtoverlay=w1-gpio,gpiopin=4", deploy, StringComparison.Ordinal);
    }

    [Fact]
    public void The_systemd_unit_runs_the_worker_as_a_notify_service_with_hardening()
    {
        Dictionary<string, List<string>> unit = UnitSettings();
        string Single(string key) => Assert.Single(unit[key]);

        Assert.Equal("notify", Single("Type"));
        Assert.Equal("thermohand", Single("User"));
        Assert.Equal(["i2c", "gpio"], Single("SupplementaryGroups").Split(' '));
        Assert.Equal("on-failure", Single("Restart"));
        Assert.Equal("strict", Single("ProtectSystem"));
        Assert.Equal("true", Single("NoNewPrivileges"));
        Assert.Equal("true", Single("PrivateTmp"));
        Assert.Equal("multi-user.target", Single("WantedBy"));
        Assert.Equal(Single("WorkingDirectory") + "/thermohand-worker", Single("ExecStart"));
        Assert.Contains("DOTNET_ENVIRONMENT=Production", unit["Environment"]); // loads appsettings.Production.json → /etc
        Assert.False(unit.ContainsKey("WatchdogSec"), "the .NET systemd lifetime sends no watchdog pings");
        // Exit 2 (configuration) and 3 (hardware missing) are the worker's own codes (RunWorkerAsync): no restart loop.
        Assert.Equal(["2", "3"], Single("RestartPreventExitStatus").Split(' '));
    }

    [Fact]
    public void The_unit_lets_the_worker_write_where_the_site_configuration_stores_sessions()
    {
        Dictionary<string, List<string>> unit = UnitSettings();
        string storage = DeviceOptions().Storage.Path;

        Assert.True(Path.IsPathRooted(storage), $"Storage:Path '{storage}' must be absolute: the program folder is read-only");
        string writable = Assert.Single(unit["ReadWritePaths"]);
        Assert.StartsWith(writable + "/", storage, StringComparison.Ordinal);
        Assert.Equal("/var/lib/" + Assert.Single(unit["StateDirectory"]), writable);
    }

    [GeneratedRegex(@"bus=(?<bus>\d+),i2c_gpio_sda=(?<sda>\d+),i2c_gpio_scl=(?<scl>\d+)")]
    private static partial Regex I2cGpioBus();
}
