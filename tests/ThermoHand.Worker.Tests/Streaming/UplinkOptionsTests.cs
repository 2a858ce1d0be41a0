using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Tests.Streaming;

public sealed class UplinkOptionsTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static IReadOnlyList<string> Errors(DashboardOptions dashboard)
    {
        var options = new WorkerOptions { Dashboard = dashboard };
        ValidateOptionsResult result = new ValidateDashboardUplinkOptions().Validate(Options.DefaultName, options);
        var all = new List<string>(result.Failed ? result.Failures! : []);
        ValidateOptionsResult worker = new ValidateWorkerOptions().Validate(Options.DefaultName, options);
        all.AddRange(worker.Failed ? worker.Failures!.Where(f => f.StartsWith("Dashboard:", StringComparison.Ordinal)) : []);
        return all;
    }

    private static DashboardOptions Valid() => new() { Url = "http://dashboard.clinic:5080", DeviceId = "pi-1", Secret = "s" };

    [Fact]
    public void An_empty_url_switches_the_uplink_off_and_needs_nothing_else()
    {
        var off = new DashboardOptions { Url = "" };
        Assert.False(off.UplinkEnabled);
        Assert.Empty(Errors(off));
        Assert.Empty(Errors(Valid()));
        Assert.Equal(0, new DisabledDeviceOutbox().Enqueue("frame", "s", default));
    }

    [Theory]
    [InlineData("DeviceId", "", "Dashboard:DeviceId is empty")]
    [InlineData("DeviceId", "pi:1", "Dashboard:DeviceId 'pi:1': must not contain ':'")]
    [InlineData("Secret", "", "Dashboard:SecretFile is not set (nor Dashboard:Secret)")]
    [InlineData("SecretFile", "/nonexistent/device-secret", "Dashboard:Secret and Dashboard:SecretFile are both set")]
    [InlineData("BatchMaxMessages", "5000", "Dashboard:BatchMaxMessages 5000: must be 1–1000")]
    [InlineData("BatchMaxKilobytes", "1", "Dashboard:BatchMaxKilobytes 1:")]
    [InlineData("RetryMaxSeconds", "0", "Dashboard:RetryMaxSeconds 0:")]
    [InlineData("RetryInitialMilliseconds", "0", "Dashboard:RetryInitialMilliseconds 0:")]
    [InlineData("RequestTimeoutSeconds", "0", "Dashboard:RequestTimeoutSeconds 0:")]
    [InlineData("Url", "dashboard:5080", "Dashboard:Url 'dashboard:5080': not an absolute http(s) URL")]
    public void Each_bad_uplink_setting_is_reported_by_its_key(string key, string value, string expected)
    {
        DashboardOptions options = Valid();
        typeof(DashboardOptions).GetProperty(key)!.SetValue(options,
            typeof(DashboardOptions).GetProperty(key)!.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : typeof(DashboardOptions).GetProperty(key)!.PropertyType == typeof(double) ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : value);
        string error = Assert.Single(Errors(options));
        Assert.StartsWith(expected, error);
    }

    [Fact]
    public void A_missing_secret_file_is_named_and_a_present_one_is_read_trimmed_and_never_shown()
    {
        string file = Path.Combine(_scratch.Path, "device-secret");
        var options = new DashboardOptions { Url = "http://dashboard.clinic:5080/thermohand", DeviceId = "pi-1", SecretFile = file };
        Assert.StartsWith($"Dashboard:SecretFile '{file}': file not found", Assert.Single(Errors(options)));

        Directory.CreateDirectory(_scratch.Path);
        File.WriteAllText(file, "  k3y-from-file\n");
        Assert.Empty(Errors(options));
        DashboardUplinkSettings settings = DashboardUplinkSettings.FromOptions(options);
        Assert.Equal("k3y-from-file", settings.Secret);
        Assert.DoesNotContain("k3y", settings.ToString());
        Assert.Equal("http://dashboard.clinic:5080/thermohand/api/device/v1/messages", settings.Endpoint("/api/device/v1/messages").ToString());

        File.WriteAllText(file, "\n");
        InvalidOperationException empty = Assert.Throws<InvalidOperationException>(() => DashboardUplinkSettings.FromOptions(options));
        Assert.Contains($"Dashboard:SecretFile '{file}' is empty", empty.Message);
    }
}
