using System.Diagnostics;

namespace ThermoHand.Worker.Tests.Deploy;

/// <summary>
/// deploy.sh's dry run (docs/deploy.md): it must print every step of an install without running any of it — ssh,
/// rsync, scp and dotnet are replaced by traps that record a call — and refuse bad arguments naming the option.
/// </summary>
public sealed class DeployScriptTests : IDisposable
{
    private readonly string _trapFolder = Directory.CreateTempSubdirectory("thermohand-deploy-").FullName;

    private string CallsFile => Path.Combine(_trapFolder, "called");

    public DeployScriptTests()
    {
        foreach (string tool in new[] { "ssh", "rsync", "scp", "dotnet" })
        {
            string path = Path.Combine(_trapFolder, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho \"{tool} $*\" >> \"{CallsFile}\"\n");
            if (!OperatingSystem.IsWindows()) // deploy.sh needs bash; the suite runs on Linux
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    public void Dispose() => Directory.Delete(_trapFolder, recursive: true);

    private (int ExitCode, string Output, string Errors) Deploy(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryFolder.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryFolder.Root, "deploy.sh"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = _trapFolder + ":" + Environment.GetEnvironmentVariable("PATH");
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "deploy.sh did not finish within 30 s");
        return (process.ExitCode, output.Result, errors.Result);
    }

    private string? Calls => File.Exists(CallsFile) ? File.ReadAllText(CallsFile) : null;

    [Fact]
    public void The_dry_run_prints_every_install_step_in_order_and_runs_nothing()
    {
        (int exitCode, string output, string errors) = Deploy("--host", "pi@thermohand.local", "--dry-run", "--version", "2.0.1");

        Assert.True(exitCode == 0, errors);
        Assert.Null(Calls);
        string[] expectedInOrder =
        [
            "dotnet publish " + Path.Combine(RepositoryFolder.Root, "src/ThermoHand.Worker") + " -c Release -r linux-arm64 --self-contained",
            "dotnet publish " + Path.Combine(RepositoryFolder.Root, "src/ThermoHand.Cli") + " -c Release -r linux-arm64 --self-contained",
            "test \"$(uname -m)\" = aarch64",
            "useradd --system",
            "usermod --append --groups i2c,gpio thermohand",
            "raspi-config nonint do_i2c 0",
            "dtparam=i2c_arm_baudrate=400000",
            "dtoverlay=w1-gpio,gpiopin=4",
            "rsync -a --delete",
            "mv '/tmp/thermohand-2.0.1' '/opt/thermohand/2.0.1'",
            "if [ -f /etc/thermohand/appsettings.json ]; then echo \"kept",
            "ln -sfn /etc/thermohand/appsettings.json '/opt/thermohand/2.0.1/worker/appsettings.Production.json'",
            "libOpenCvSharpExtern.so",
            "mv -T '/opt/thermohand/current.new' '/opt/thermohand/current'",
            "install -m 0644 '/opt/thermohand/2.0.1/hardware/thermohand.service' /etc/systemd/system/thermohand.service",
            "systemctl daemon-reload",
            "systemctl enable thermohand.service",
            "systemctl restart thermohand.service",
            "status thermohand.service",
            "dry run complete (9 steps); nothing was changed.",
        ];
        int position = 0;
        foreach (string expected in expectedInOrder)
        {
            int found = output.IndexOf(expected, position, StringComparison.Ordinal);
            Assert.True(found >= 0, $"not found after offset {position} of the dry run: {expected}\n{output}");
            position = found + expected.Length;
        }
    }

    [Fact]
    public void The_site_configuration_is_installed_only_when_absent()
    {
        (_, string output, _) = Deploy("--host", "pi@thermohand.local", "--dry-run", "--version", "2.0.1");

        // The only write to /etc/thermohand/appsettings.json sits in the else branch of the "is it there?" test.
        string line = output.Split('\n').Single(l => l.Contains("/etc/thermohand/appsettings.json ]", StringComparison.Ordinal));
        int elseAt = line.IndexOf("else", StringComparison.Ordinal);
        int installAt = line.IndexOf("install -m 0644 '/opt/thermohand/2.0.1/hardware/appsettings.device.json' /etc/thermohand/appsettings.json", StringComparison.Ordinal);
        Assert.True(elseAt > 0 && installAt > elseAt, line);
        Assert.Equal(1, output.Split('\n').Count(l => l.Contains(" /etc/thermohand/appsettings.json;", StringComparison.Ordinal)));
    }

    [Fact]
    public void Skip_build_leaves_out_the_publish()
    {
        (int exitCode, string output, _) = Deploy("--host", "pi@thermohand.local", "--dry-run", "--skip-build");

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("dotnet publish", output, StringComparison.Ordinal);
        Assert.Contains("--skip-build: using the release already in", output, StringComparison.Ordinal);
        Assert.Contains("rsync -a --delete", output, StringComparison.Ordinal);
        Assert.Null(Calls);
    }

    [Theory]
    [InlineData(new[] { "--dry-run" }, "--host is required")]
    [InlineData(new[] { "--host", "pi@x;reboot", "--dry-run" }, "--host 'pi@x;reboot' is not of the form user@hostname")]
    [InlineData(new[] { "--host", "pi@thermohand.local", "--version", "1.0 beta", "--dry-run" }, "--version '1.0 beta' may contain only")]
    [InlineData(new[] { "--host", "pi@thermohand.local", "--dryrun" }, "unknown option '--dryrun'")]
    [InlineData(new[] { "--host" }, "--host needs a value")]
    public void Bad_arguments_are_refused_naming_the_option(string[] arguments, string message)
    {
        (int exitCode, string output, string errors) = Deploy(arguments);

        Assert.Equal(1, exitCode);
        Assert.Contains(message, errors, StringComparison.Ordinal);
        Assert.DoesNotContain("==>", output, StringComparison.Ordinal);
        Assert.Null(Calls);
    }
}
