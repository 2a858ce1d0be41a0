using System.Diagnostics;

namespace ThermoHand.Worker.Tests.Faults;

/// <summary>
/// Issue 8, "a damaged configuration file": the worker program (thermohand-worker.dll) is started on a configuration
/// that is not JSON, holds a value of the wrong type or shape (a list or an object where one value belongs), or a value out of range. It must refuse to start with exit code
/// 2 and a message naming the file and line or the key, and write nothing to its storage folder.
/// (OptionsValidationTests covers every key's range in-process; this proves the program's behaviour end to end.)
/// </summary>
public sealed class DamagedConfigurationFaultTests
{
    public static TheoryData<string, string?, string, string> Cases => new()
    {
        // what, a damaged appsettings.<environment>.json (null = none), an environment override, expected text
        { "not JSON (a stray comma on line 3)", "{\n  \"Storage\": {\n    \"MinimumFreeMegabytes\": 300,,\n  }\n}\n", "", "at line 3, column" },
        { "a number that is text", null, "Storage__MinimumFreeMegabytes=lots", "'lots' at 'Storage:MinimumFreeMegabytes'" },
        { "a sensor setting that is text", null, "Sensors__0__RefreshRateHz=fast", "'fast' at 'Sensors:0:RefreshRateHz'" },
        { "a rate out of range", null, "Pipeline__MaximumI2cErrorRate=2", "Pipeline:MaximumI2cErrorRate" },
        { "a wrong type inside the file", "{ \"Sensors\": [ { \"Emissivity\": \"high\" } ] }", "", "'high' at 'Sensors:0:Emissivity'" },
        // Shapes the .NET binder passes over without a word (the default used to stay in place):
        { "a list where a number belongs", "{ \"Sensors\": [ { \"Emissivity\": [0.98] } ] }", "", "Sensors:0:Emissivity: holds a list of 1, but this setting is one value (a number)" },
        { "an object where a number belongs", "{ \"Sensors\": [ { \"RefreshRateHz\": { \"a\": 1 } } ] }", "", "Sensors:0:RefreshRateHz: holds an object (a), but this setting is one value (a number)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_damaged_configuration_stops_the_start_naming_the_place_and_writes_nothing(string what, string? file, string setting, string expected)
    {
        string environment = "Fault" + Guid.NewGuid().ToString("N");
        string configFile = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json");
        string storage = Path.Combine(Path.GetTempPath(), "thermohand-config-fault-" + Guid.NewGuid().ToString("N"));
        if (file is not null)
        {
            await File.WriteAllTextAsync(configFile, file);
        }

        try
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "thermohand-worker.dll")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["DOTNET_ENVIRONMENT"] = environment;
            start.Environment["Storage__Path"] = storage;
            if (setting.Length > 0)
            {
                string[] pair = setting.Split('=', 2);
                start.Environment[pair[0]] = pair[1];
            }

            using Process worker = Process.Start(start)!;
            Task<string> stdout = worker.StandardOutput.ReadToEndAsync();
            Task<string> stderr = worker.StandardError.ReadToEndAsync();
            if (!worker.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                worker.Kill(); // it started: the damage went unnoticed
                await worker.WaitForExitAsync();
                Assert.Fail($"{what}: the worker started instead of refusing the configuration");
            }

            string message = await stderr + await stdout;

            Assert.True(worker.ExitCode == 2, $"{what}: exit code {worker.ExitCode}, output:\n{message}");
            Assert.Contains(expected, message);
            Assert.DoesNotContain("Unhandled exception", message);
            Assert.DoesNotContain("   at ", message); // a message for a technician, not a stack trace
            if (file is not null && expected.StartsWith("at line", StringComparison.Ordinal))
            {
                Assert.Contains(Path.GetFileName(configFile), message);
            }

            Assert.False(Directory.Exists(storage) && Directory.EnumerateFileSystemEntries(storage).Any(), $"{what}: the refused start wrote to {storage}");
        }
        finally
        {
            File.Delete(configFile);
            if (Directory.Exists(storage))
            {
                Directory.Delete(storage, recursive: true);
            }
        }
    }
}
