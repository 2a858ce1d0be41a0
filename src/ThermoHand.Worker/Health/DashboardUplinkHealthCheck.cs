using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ThermoHand.Streaming;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Health;

/// <summary>
/// <c>dashboard_uplink</c>: whether the device reaches the clinic dashboard, so a technician reading health.json sees
/// an outage without reading the log. Healthy while the last request succeeded, when no dashboard is configured, or
/// during an outage shorter than Dashboard:UnreachableDegradedSeconds (a dashboard restart should not alarm anyone);
/// Degraded for a longer outage, and at once when the dashboard refuses the device's credentials (that needs a
/// person). The description names how long, the backlog and the last problem in words; nothing of a patient.
/// Messages the outbox could not take (disk full) are counted in the entry without changing its status: the
/// free_space check reports the full disk.
/// </summary>
public sealed class DashboardUplinkHealthCheck(DashboardUploader? uploader, IOptions<WorkerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        DashboardOptions settings = options.Value.Dashboard;
        if (uploader is null)
        {
            var off = new Dictionary<string, object> { ["uplink_state"] = "not_configured" };
            return Task.FromResult(HealthCheckResult.Healthy(settings.UplinkEnabled
                ? "not running: Dashboard:Url is set, but this host has no uploader"
                : "not configured (Dashboard:Url is empty): sessions stay on the device", off));
        }

        return Task.FromResult(Evaluate(uploader.Snapshot(), settings.UnreachableDegradedSeconds));
    }

    /// <summary>The entry for one snapshot of the uploader; pure, so each state is tested on its own.</summary>
    public static HealthCheckResult Evaluate(UplinkSnapshot uplink, double degradedAfterSeconds)
    {
        ArgumentNullException.ThrowIfNull(uplink);
        double? problemSeconds = uplink.ProblemSinceUtc is { } since && uplink.State != UplinkState.Connected
            ? Math.Max(0, (uplink.ObservedUtc - since).TotalSeconds)
            : null;
        var data = new Dictionary<string, object>
        {
            ["uplink_state"] = StateWord(uplink.State),
            ["queue_length"] = uplink.QueueLength,
            ["not_queued"] = uplink.NotQueued,
            ["degraded_after_s"] = degradedAfterSeconds,
        };
        if (problemSeconds is { } seconds)
        {
            data["unreachable_s"] = Math.Round(seconds, 1);
        }

        if (uplink.LastProblem is { Length: > 0 } problem && uplink.State != UplinkState.Connected)
        {
            data["last_error"] = problem;
        }

        if (uplink.LastAcknowledgedUtc is { } acknowledged)
        {
            data["last_acknowledged_utc"] = acknowledged;
        }

        string queued = Invariant($"{uplink.QueueLength} messages queued on disk");
        string notQueued = uplink.NotQueued == 0
            ? string.Empty
            : Invariant($"; {uplink.NotQueued} messages could not be queued since the worker started (disk full; the log names each, the recordings keep the data)");
        switch (uplink.State)
        {
            case UplinkState.Connected:
                return HealthCheckResult.Healthy(Invariant($"dashboard {uplink.Url} reachable; {queued} to send{notQueued}"), data);
            case UplinkState.Starting:
                return HealthCheckResult.Healthy(Invariant($"connecting to the dashboard {uplink.Url}; {queued}{notQueued}"), data);
        }

        double outage = problemSeconds ?? 0;
        string what = uplink.State switch
        {
            UplinkState.Unauthorized => "refuses this device",
            UplinkState.Rejected => "rejects messages",
            _ => "unreachable",
        };
        string text = Invariant($"dashboard {uplink.Url} {what} for {Duration(outage)} ({uplink.LastProblem}); {queued}, retried with backoff{notQueued}");
        if (uplink.State == UplinkState.Unauthorized)
        {
            return HealthCheckResult.Degraded(text + "; register the device on the dashboard or fix its credentials", data: data);
        }

        return outage > degradedAfterSeconds
            ? HealthCheckResult.Degraded(text + Invariant($" (Degraded after {degradedAfterSeconds:0.#} s, Dashboard:UnreachableDegradedSeconds); check the network and that the dashboard runs"), data: data)
            : HealthCheckResult.Healthy(text + Invariant($" (Degraded after {degradedAfterSeconds:0.#} s)"), data);
    }

    /// <summary>
    /// status message: <c>uplink_status</c> (Healthy/Degraded) and <c>uplink</c> (the entry's data as in health.json),
    /// beside the existing fields, which stay as they are. The message reaches the dashboard only once the uplink works
    /// again, so it tells the dashboard how long the device had been cut off and how much it queued meanwhile.
    /// </summary>
    public static JsonElement AddToStatus(JsonElement status, HealthReportEntry uplink)
    {
        JsonObject node = JsonNode.Parse(status.GetRawText())!.AsObject();
        node["uplink_status"] = uplink.Status.ToString();
        node["uplink"] = JsonSerializer.SerializeToNode(uplink.Data, DeviceAuthentication.JsonOptions);
        return JsonSerializer.SerializeToElement(node, DeviceAuthentication.JsonOptions);
    }

    private static string StateWord(UplinkState state) => state switch
    {
        UplinkState.Starting => "starting",
        UplinkState.Connected => "connected",
        UplinkState.Unreachable => "unreachable",
        UplinkState.Unauthorized => "unauthorized",
        _ => "rejected",
    };

    /// <summary>"45 s", "12 min 5 s", "3 h 2 min": how long, in the words a technician reads.</summary>
    internal static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        return span.TotalHours >= 1 ? Invariant($"{(int)span.TotalHours} h {span.Minutes} min")
            : span.TotalMinutes >= 1 ? Invariant($"{span.Minutes} min {span.Seconds} s")
            : Invariant($"{span.Seconds} s");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
