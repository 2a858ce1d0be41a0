using System.Globalization;
using Microsoft.Extensions.Options;

namespace ThermoHand.Worker.Configuration;

/// <summary>
/// Dashboard:* settings of the uplink (docs/device-stream.md, "Device side"). An empty <see cref="Url"/> switches the
/// uplink off: nothing is queued for the dashboard (sessions stay in the local recordings).
/// </summary>
public sealed partial class DashboardOptions
{
    /// <summary>The server's hard limit per batch (DeviceIngest.MaxMessagesPerBatch on the dashboard).</summary>
    public const int ServerMaxMessagesPerBatch = 1000;

    /// <summary>The device's id as registered on the dashboard; sent in <c>Authorization: Device ID:SECRET</c>.</summary>
    public string DeviceId { get; set; } = string.Empty;

    /// <summary>The device secret, inline. Prefer <see cref="SecretFile"/> so the secret stays out of appsettings.json.</summary>
    public string? Secret { get; set; }

    /// <summary>A file holding only the device secret (e.g. /etc/thermohand/device-secret, mode 0600).</summary>
    public string? SecretFile { get; set; }

    /// <summary>At most this many messages per POST (frames are about 3 KB each).</summary>
    public int BatchMaxMessages { get; set; } = 200;

    /// <summary>At most this many kilobytes of message JSON per POST (a single larger message is still sent alone).</summary>
    public int BatchMaxKilobytes { get; set; } = 1024;

    /// <summary>A request that takes longer counts as "unreachable" and is retried.</summary>
    public double RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>First retry delay after a failure; doubles per failure (with jitter) up to <see cref="RetryMaxSeconds"/>.</summary>
    public double RetryInitialMilliseconds { get; set; } = 1000;

    /// <summary>Longest wait between retries while the dashboard is unreachable.</summary>
    public double RetryMaxSeconds { get; set; } = 60;

    /// <summary>
    /// The outbox refuses a message rather than take the disk below this much free space, so the session recordings
    /// (which must never drop a frame) keep room on the same disk.
    /// </summary>
    public int OutboxMinimumFreeMegabytes { get; set; } = 64;

    /// <summary>
    /// The <c>dashboard_uplink</c> health check turns Degraded once the dashboard has been unreachable this long
    /// (seconds on the worker's clock); shorter outages, such as a dashboard restart, stay Healthy with their duration.
    /// </summary>
    public double UnreachableDegradedSeconds { get; set; } = 120;

    /// <summary>True when <see cref="Url"/> is set: messages are queued on disk and uploaded.</summary>
    public bool UplinkEnabled => !string.IsNullOrWhiteSpace(Url);
}

/// <summary>
/// Checks the Dashboard:* uplink settings at start (registered by AddDashboardUplink, alongside
/// <see cref="ValidateWorkerOptions"/>, which checks Dashboard:Url itself). Every error names its key.
/// </summary>
public sealed class ValidateDashboardUplinkOptions : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        DashboardOptions d = options.Dashboard;
        if (!d.UplinkEnabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(d.DeviceId))
        {
            errors.Add("Dashboard:DeviceId is empty: set the id this device is registered under on the dashboard (or empty Dashboard:Url to switch the uplink off)");
        }
        else if (d.DeviceId.Contains(':', StringComparison.Ordinal) || d.DeviceId.Any(char.IsWhiteSpace))
        {
            errors.Add($"Dashboard:DeviceId '{d.DeviceId}': must not contain ':' or spaces (it is sent as Device ID:SECRET)");
        }

        bool hasSecret = !string.IsNullOrEmpty(d.Secret);
        bool hasFile = !string.IsNullOrWhiteSpace(d.SecretFile);
        if (hasSecret && hasFile)
        {
            // Never echo the secret itself.
            errors.Add("Dashboard:Secret and Dashboard:SecretFile are both set: keep only one (SecretFile is preferred)");
        }
        else if (!hasSecret && !hasFile)
        {
            errors.Add("Dashboard:SecretFile is not set (nor Dashboard:Secret): give the file holding the device secret issued by the dashboard");
        }
        else if (hasFile && !File.Exists(d.SecretFile))
        {
            errors.Add($"Dashboard:SecretFile '{d.SecretFile}': file not found");
        }

        if (d.BatchMaxMessages is < 1 or > DashboardOptions.ServerMaxMessagesPerBatch)
        {
            errors.Add(Invariant($"Dashboard:BatchMaxMessages {d.BatchMaxMessages}: must be 1–{DashboardOptions.ServerMaxMessagesPerBatch} (the dashboard refuses larger batches)"));
        }

        if (d.BatchMaxKilobytes is < 16 or > 16384)
        {
            errors.Add(Invariant($"Dashboard:BatchMaxKilobytes {d.BatchMaxKilobytes}: must be 16–16384 KB"));
        }

        if (!(d.RequestTimeoutSeconds is >= 1 and <= 600))
        {
            errors.Add(Invariant($"Dashboard:RequestTimeoutSeconds {d.RequestTimeoutSeconds}: must be 1–600 s"));
        }

        if (!(d.RetryInitialMilliseconds is >= 1 and <= 60000))
        {
            errors.Add(Invariant($"Dashboard:RetryInitialMilliseconds {d.RetryInitialMilliseconds}: must be 1–60000 ms"));
        }

        if (!(d.RetryMaxSeconds is >= 0.01 and <= 3600) || d.RetryMaxSeconds * 1000 < d.RetryInitialMilliseconds)
        {
            errors.Add(Invariant($"Dashboard:RetryMaxSeconds {d.RetryMaxSeconds}: must be 0.01–3600 s and not below Dashboard:RetryInitialMilliseconds"));
        }

        if (d.OutboxMinimumFreeMegabytes is < 0 or > 1_000_000)
        {
            errors.Add(Invariant($"Dashboard:OutboxMinimumFreeMegabytes {d.OutboxMinimumFreeMegabytes}: must be 0 or more MB"));
        }

        if (!(d.UnreachableDegradedSeconds is >= 1 and <= 86400))
        {
            errors.Add(Invariant($"Dashboard:UnreachableDegradedSeconds {d.UnreachableDegradedSeconds}: must be 1–86400 s (how long the dashboard may be unreachable before health turns Degraded)"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
