using System.Globalization;
using FsCheck.Xunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Tests.Hostile;

/// <summary>
/// The worker's settings with hostile values in one key at a time (on top of the shipped appsettings.json): either
/// binding fails with a message naming the key, or validation passes, or every problem it reports names the key —
/// so a technician always knows which line of appsettings.json to fix. Non-finite numbers are never accepted.
/// </summary>
public sealed class WorkerOptionsHostileTests
{
    /// <summary>Keys with a validation rule; the flag marks floating-point settings (where NaN and ∞ must be refused).</summary>
    private static readonly (string Key, bool IsFloatingPoint)[] Keys =
    [
        ("Sensors:0:Name", false), ("Sensors:0:Kind", false), ("Sensors:0:Hand", false), ("Sensors:0:I2cBus", false),
        ("Sensors:0:Address", false), ("Sensors:0:RefreshRateHz", true), ("Sensors:0:Emissivity", true),
        ("Sensors:0:ReflectedTemperature", false), ("Sensors:0:ReflectedTemperatureCelsius", true),
        ("Hardware:Button:DebounceMilliseconds", false), ("Hardware:Buzzer:FrequencyHz", false), ("Hardware:Buzzer:PwmChip", false),
        ("Hardware:RoomSensor:I2cBus", false), ("Hardware:RoomSensor:Address", false), ("Hardware:RoomSensor:ReadIntervalSeconds", false),
        ("Hardware:RoomSensor:EmulatedHumidityPercent", true), ("Hardware:BathProbe:DeviceId", false), ("Hardware:BathProbe:ReadIntervalSeconds", false),
        ("Protocol:Preset", false), ("Storage:Path", false), ("Storage:MinimumFreeMegabytes", false), ("Storage:FreeSpaceCheckSeconds", false),
        ("Pipeline:StorageQueueCapacity", false), ("Pipeline:ProvisionalAnalysisSeconds", false), ("Pipeline:HealthIntervalSeconds", false),
        ("Pipeline:MaximumFrameAgeSeconds", true), ("Pipeline:MaximumI2cErrorRate", true), ("Pipeline:MaximumOutboxBacklog", false),
        ("Simulation:TimeScale", true), ("Simulation:Sessions", false), ("Simulation:PauseBetweenSessionsSeconds", false),
        ("Simulation:Group", false), ("Simulation:PatientReference", false), ("Simulation:SubSamplesPerPixel", false),
        ("Simulation:I2cErrorRate", true), ("Dashboard:Url", false),
    ];

    private static readonly string[] HostileValues =
    [
        "", " ", "-1", "0", "1", "0x33", "0xZZ", "1e309", "NaN", "Infinity", "-Infinity", "2147483648", "-2147483649", "abc",
        "1,5", "١٢", "\0", new string('9', 400), "true", "../../etc", "ftp://x", "http://", "28-", "PR-0001\nFAKE LOG LINE",
    ];

    private static IConfiguration Configuration(string key, string value)
    {
        var overrides = new Dictionary<string, string?> { [key] = value };
        if (key == "Sensors:0:ReflectedTemperatureCelsius")
        {
            overrides["Sensors:0:ReflectedTemperature"] = "Fixed"; // the value is used (and checked) only with this rule
        }

        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(overrides)
            .Build();
    }

    /// <summary>Binds and validates; returns the problems (empty when accepted).</summary>
    private static IReadOnlyList<string> Problems(string key, string value)
    {
        var options = new WorkerOptions();
        try
        {
            Configuration(key, value).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder's own message names the key ("Failed to convert configuration value at 'Sensors:0:Address' …").
            Assert.Contains(key, e.Message + e.InnerException?.Message, StringComparison.OrdinalIgnoreCase);
            return [e.Message];
        }

        var result = new ValidateWorkerOptions().Validate(Options.DefaultName, options);
        if (!result.Failed)
        {
            return [];
        }

        if (key.StartsWith("Sensors:0:", StringComparison.Ordinal) && options.Sensors.Count == 0)
        {
            // Known limitation (docs/hostile-input.md): the configuration binder silently skips a list element with a
            // value it cannot convert, so the message names the section ("Sensors: no thermal sensor configured"),
            // not the key. Other problems then follow from "no sensor" (e.g. the simulation checks).
            Assert.Contains(result.Failures!, f => f.StartsWith("Sensors: no thermal sensor configured", StringComparison.Ordinal));
            return [.. result.Failures!];
        }

        // Cross-checks name the key generically ("every Sensors:N:Kind") or its section ("Sensors: name 'x' is used by …").
        var generic = key.Replace(":0:", ":N:", StringComparison.Ordinal);
        var section = key[..key.IndexOf(':')] + ":";
        Assert.All(result.Failures!, failure => Assert.True(
            failure.Contains(key, StringComparison.OrdinalIgnoreCase) || failure.Contains(generic, StringComparison.Ordinal)
            || failure.StartsWith(section, StringComparison.Ordinal),
            $"{key}={Show(value)} gave a problem that does not name the key: {failure}"));
        return [.. result.Failures!];
    }

    private static string Show(string value) => value.Length > 20 ? value[..20] + "…" : value;

    [Property(MaxTest = 300, Replay = "(8801,17603)")]
    public void A_hostile_value_in_any_key_is_accepted_or_reported_by_that_key(int keyChoice, int valueChoice, int number)
    {
        var (key, isFloatingPoint) = Keys[Math.Abs(keyChoice % Keys.Length)];
        var pick = Math.Abs(valueChoice % (HostileValues.Length + 2));
        var value = pick < HostileValues.Length ? HostileValues[pick]
            : pick == HostileValues.Length ? number.ToString(CultureInfo.InvariantCulture)
            : (number / 1000.0).ToString(CultureInfo.InvariantCulture);
        var problems = Problems(key, value);
        if (isFloatingPoint && value is "NaN" or "Infinity" or "-Infinity")
        {
            Assert.True(problems.Count > 0, $"{key}={value} was accepted");
        }
    }

    [Fact]
    public void Every_floating_point_setting_refuses_non_finite_numbers()
    {
        var accepted = new List<string>();
        foreach (var (key, _) in Keys.Where(k => k.IsFloatingPoint))
        {
            foreach (var value in new[] { "NaN", "Infinity", "-Infinity" })
            {
                if (Problems(key, value).Count == 0)
                {
                    accepted.Add($"{key}={value}");
                }
            }
        }

        Assert.Empty(accepted);
    }
}
