using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>Calibration:* settings are checked at start and every message names the key to change.</summary>
public sealed class CalibrationOptionsTests
{
    private static IEnumerable<string> Problems(Action<WorkerOptions> change)
    {
        var options = new WorkerOptions { Sensors = [new ThermalSensorOptions()] };
        change(options);
        ValidateOptionsResult result = new ValidateWorkerOptions().Validate(null, options);
        return result.Failed ? result.Failures : [];
    }

    [Fact]
    public void The_defaults_are_valid_and_documented_values()
    {
        var defaults = new WorkerOptions().Calibration;

        Assert.Empty(Problems(_ => { }));
        Assert.Equal(("calibration", 30.0, false), (defaults.Directory, defaults.WarnBeforeExpiryDays, defaults.Required));
        Assert.Equal((35.0, 0.5, 8), (defaults.ReferenceCheck.ReferenceCelsius, defaults.ReferenceCheck.ToleranceCelsius, defaults.ReferenceCheck.Images));
        Assert.True(new WorkerOptions().Simulation.PixelErrors);
    }

    [Theory]
    [InlineData("Directory", "Calibration:Directory is empty")]
    [InlineData("WarnBeforeExpiryDays", "Calibration:WarnBeforeExpiryDays -1: must be 0–365 days")]
    [InlineData("ToleranceCelsius", "Calibration:ReferenceCheck:ToleranceCelsius 0: must be more than 0")]
    [InlineData("Images", "Calibration:ReferenceCheck:Images 0: must be 1–1000 images")]
    [InlineData("RegionColumns", "Calibration:ReferenceCheck:RegionColumns 33: must be 1–32 pixels")]
    [InlineData("RegionRows", "Calibration:ReferenceCheck:RegionRows 0: must be 1–24 pixels")]
    [InlineData("ReferenceCelsius", "Calibration:ReferenceCheck:ReferenceCelsius NaN: must be 0–60 °C")]
    [InlineData("TimeoutSeconds", "Calibration:ReferenceCheck:TimeoutSeconds 0: must be 1–3600 s")]
    [InlineData("WarmUpMinutes", "Calibration:ReferenceCheck:WarmUpMinutes -5: must be 0–240 min")]
    public void A_bad_value_is_reported_naming_its_key(string setting, string expected)
    {
        IEnumerable<string> problems = Problems(o =>
        {
            var c = o.Calibration;
            var r = c.ReferenceCheck;
            switch (setting)
            {
                case "Directory": c.Directory = " "; break;
                case "WarnBeforeExpiryDays": c.WarnBeforeExpiryDays = -1; break;
                case "ToleranceCelsius": r.ToleranceCelsius = 0; break;
                case "Images": r.Images = 0; break;
                case "RegionColumns": r.RegionColumns = 33; break;
                case "RegionRows": r.RegionRows = 0; break;
                case "ReferenceCelsius": r.ReferenceCelsius = double.NaN; break;
                case "TimeoutSeconds": r.TimeoutSeconds = 0; break;
                case "WarmUpMinutes": r.WarmUpMinutes = -5; break;
            }
        });

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_simulated_target_before_each_session_needs_emulated_sensors()
    {
        IEnumerable<string> problems = Problems(o =>
        {
            o.Sensors[0].Kind = DeviceKind.Real;
            o.Calibration.ReferenceCheck.BeforeEachSimulatedSession = true;
        });

        Assert.Contains(problems, p => p.StartsWith("Calibration:ReferenceCheck:BeforeEachSimulatedSession true", StringComparison.Ordinal));
    }
}
