using System.Text;
using Microsoft.Extensions.Configuration;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Tests.Configuration;

/// <summary>
/// Settings of the wrong shape, which the .NET binder passes over without a word (the default stays in place): each is
/// named by its key, over the shipped appsettings.json as the worker reads it.
/// </summary>
public sealed class ConfigurationShapeTests
{
    /// <summary>The shipped appsettings.json with <paramref name="json"/> on top, as an appsettings.&lt;environment&gt;.json would be.</summary>
    private static IReadOnlyList<string> Problems(string json) =>
        ConfigurationShape.Check(
            new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
                .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
                .Build(),
            typeof(WorkerOptions));

    [Fact]
    public void The_shipped_settings_have_the_right_shape()
    {
        Assert.Empty(Problems("{}"));
        Assert.Empty(Problems("""{ "Logging": { "LogLevel": { "Default": ["x"] } }, "Unknown": [1, 2] }""")); // not ours to judge
    }

    [Theory]
    [InlineData("""{ "Sensors": [ { "Emissivity": [0.98] } ] }""", "Sensors:0:Emissivity: holds a list of 1, but this setting is one value (a number)")]
    [InlineData("""{ "Sensors": [ { "RefreshRateHz": { "a": 1 } } ] }""", "Sensors:0:RefreshRateHz: holds an object (a), but this setting is one value (a number)")]
    [InlineData("""{ "Sensors": [ { "Hand": ["Left"] } ] }""", "Sensors:0:Hand: holds a list of 1, but this setting is one value (one of Left, Right)")]
    [InlineData("""{ "Storage": { "MinimumFreeMegabytes": { "value": 300 } } }""", "Storage:MinimumFreeMegabytes: holds an object (value), but this setting is one value (a whole number)")]
    [InlineData("""{ "Dashboard": { "Url": ["http://a", "http://b"] } }""", "Dashboard:Url: holds a list of 2, but this setting is one value (a text)")]
    [InlineData("""{ "Calibration": { "ReferenceCheck": { "Required": 1, "Images": [8] } } }""", "Calibration:ReferenceCheck:Images: holds a list of 1, but this setting is one value (a whole number)")]
    [InlineData("""{ "Simulation": { "AutoClinician": { "on": true } } }""", "Simulation:AutoClinician: holds an object (on), but this setting is one value (true or false)")]
    [InlineData("""{ "Storage": "big" }""", "Storage: holds one value ('big'), but this setting is a section of settings (Path, MinimumFreeMegabytes, FreeSpaceCheckSeconds)")]
    [InlineData("""{ "Hardware": { "Button": [17, 30] } }""", "Hardware:Button: holds a list, but this setting is a section of settings (Kind, GpioPin, ActiveLow, DebounceMilliseconds)")]
    [InlineData("""{ "Sensors": "mlx" }""", "Sensors: holds one value ('mlx'), but this setting is a list")]
    public void A_wrong_shape_is_named_by_its_key(string json, string expected)
    {
        string problem = Assert.Single(Problems(json));
        Assert.StartsWith(expected, problem);
        Assert.Contains("not used", problem);
    }

    [Fact]
    public void Every_misshapen_setting_is_listed_at_once_and_read_only_values_are_left_alone()
    {
        IReadOnlyList<string> problems = Problems("""
            { "Sensors": [ { "Emissivity": [0.98] }, { "Hand": "Left", "I2cBus": { "x": 1 } } ],
              "Pipeline": { "MaximumI2cErrorRate": [0.05] },
              "Dashboard": { "UplinkEnabled": [true] } }
            """);
        Assert.Equal(["Sensors:0:Emissivity", "Sensors:1:I2cBus", "Pipeline:MaximumI2cErrorRate"], problems.Select(p => p[..p.IndexOf(": ", StringComparison.Ordinal)]));
    }
}
