using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Pipeline;

namespace ThermoHand.Worker.Tests.Pipeline;

/// <summary>The pipeline's, storage's and simulation's settings: each mistake reported with the key to fix.</summary>
public sealed class PipelineOptionsTests
{
    private static IReadOnlyList<string> Errors(params (string Key, string Value)[] overrides)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
            .Build();
        var options = new WorkerOptions();
        configuration.Bind(options);
        ValidateOptionsResult result = new ValidateWorkerOptions().Validate(Options.DefaultName, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void The_shipped_simulation_settings_are_valid()
    {
        Assert.Empty(Errors());
        Assert.Empty(Errors(("Sensors:1:Name", "left"), ("Sensors:1:Hand", "Left"), ("Sensors:1:Address", "0x34")));
    }

    [Theory]
    [InlineData("Simulation:TimeScale", "0", "Simulation:TimeScale 0: must be 1–1000")]
    [InlineData("Simulation:TimeScale", "5000", "Simulation:TimeScale 5000: must be 1–1000")]
    [InlineData("Simulation:Sessions", "-1", "Simulation:Sessions -1")]
    [InlineData("Simulation:Group", "martian", "Simulation:Group 'martian': use healthy, primary or ssc")]
    [InlineData("Simulation:PatientReference", "JaneDoe", "Simulation:PatientReference: ")]
    [InlineData("Simulation:SubSamplesPerPixel", "0", "Simulation:SubSamplesPerPixel 0")]
    [InlineData("Simulation:I2cErrorRate", "0.9", "Simulation:I2cErrorRate 0.9")]
    [InlineData("Storage:MinimumFreeMegabytes", "0", "Storage:MinimumFreeMegabytes 0")]
    [InlineData("Storage:FreeSpaceCheckSeconds", "0", "Storage:FreeSpaceCheckSeconds 0")]
    [InlineData("Pipeline:StorageQueueCapacity", "1", "Pipeline:StorageQueueCapacity 1")]
    [InlineData("Pipeline:ProvisionalAnalysisSeconds", "0", "Pipeline:ProvisionalAnalysisSeconds 0")]
    [InlineData("Pipeline:HealthIntervalSeconds", "0", "Pipeline:HealthIntervalSeconds 0")]
    [InlineData("Pipeline:MaximumFrameAgeSeconds", "0", "Pipeline:MaximumFrameAgeSeconds 0")]
    [InlineData("Pipeline:MaximumI2cErrorRate", "2", "Pipeline:MaximumI2cErrorRate 2")]
    [InlineData("Pipeline:MaximumOutboxBacklog", "0", "Pipeline:MaximumOutboxBacklog 0")]
    public void Each_bad_setting_is_named(string key, string value, string expected)
    {
        string error = Assert.Single(Errors((key, value)));
        Assert.StartsWith(expected, error);
    }

    [Fact]
    public void A_real_sensor_cannot_be_sped_up_or_played_by_the_auto_clinician()
    {
        IReadOnlyList<string> errors = Errors(("Sensors:0:Kind", "Real"));
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Simulation:TimeScale 20: a real sensor cannot run faster than real time", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Simulation:AutoClinician true:", StringComparison.Ordinal));
        Assert.Empty(Errors(("Sensors:0:Kind", "Real"), ("Simulation:TimeScale", "1"), ("Simulation:AutoClinician", "false")));
    }

    [Fact]
    public void Two_sensors_on_one_hand_are_refused()
    {
        string error = Assert.Single(Errors(("Sensors:1:Name", "second"), ("Sensors:1:Hand", "Right"), ("Sensors:1:Address", "0x34")));
        Assert.Equal("Sensors: Sensors:0 and Sensors:1 all look at the right hand; set Sensors:N:Hand to Left for one and Right for the other (one sensor per hand)", error);
    }

    [Fact]
    public async Task The_scaled_clock_runs_timers_and_timestamps_together()
    {
        var clock = new ScaledTimeProvider(100);
        var wall = System.Diagnostics.Stopwatch.StartNew();
        long start = clock.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(3), clock); // 30 ms of wall time
        double scaled = clock.GetElapsedTime(start).TotalSeconds;
        double wallSeconds = wall.Elapsed.TotalSeconds;
        Assert.True(scaled >= 3.0, $"the timer fired early: {scaled} scaled s"); // never early
        Assert.InRange(scaled / wallSeconds, 95, 105); // timestamps run 100× (within 5 %), however late the machine was
        Assert.True(wallSeconds < 2.5, $"3 scaled seconds took {wallSeconds:0.000} s of wall time"); // unscaled it would be 3 s
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledTimeProvider(0.5));
    }
}
