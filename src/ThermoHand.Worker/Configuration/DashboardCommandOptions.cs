using System.Globalization;
using Microsoft.Extensions.Options;

namespace ThermoHand.Worker.Configuration;

/// <summary>Dashboard:* settings of the clinician commands (docs/worker.md §11, docs/device-stream.md "Commands").</summary>
public sealed partial class DashboardOptions
{
    /// <summary>
    /// How often the device asks the dashboard for clinicians' commands (start a test, abort, reference check), in
    /// seconds; 0 switches commands off (the device is then run only by its button and configuration).
    /// </summary>
    public double CommandPollSeconds { get; set; } = 2;
}

/// <summary>Checks Dashboard:CommandPollSeconds when the uplink is on (registered by AddDashboardUplink).</summary>
public sealed class ValidateDashboardCommandOptions : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        double seconds = options.Dashboard.CommandPollSeconds;
        return !options.Dashboard.UplinkEnabled || seconds == 0 || seconds is >= 0.2 and <= 300
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"Dashboard:CommandPollSeconds {seconds}: must be 0 (commands off) or 0.2–300 s"));
    }
}
