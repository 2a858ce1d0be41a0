using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>/sessions: list and search by patient reference, date range (start date, UTC), device and outcome.</summary>
[Authorize(Policy = ClinicPolicies.ViewSessions)]
public sealed class IndexModel(IClinicStore store, AuditTrail audit) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Patient { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Device { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Outcome { get; set; }

    public IReadOnlyList<SessionSummary> Sessions { get; private set; } = [];

    public IReadOnlyList<DeviceRecord> Devices { get; private set; } = [];

    public string? Problem { get; private set; }

    public static readonly IReadOnlyList<string> Outcomes = ["running", "completed", "aborted", "recovered"];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Devices = await store.ListDevicesAsync(cancellationToken);
        if (From is { } from && To is { } to && to < from)
        {
            Problem = $"The date range is empty: 'to' ({to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}) is before 'from' ({from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}).";
            return;
        }

        var query = new SessionQuery(
            PatientReference: Blank(Patient),
            StartedFromUtc: From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            // "to" is inclusive: everything that started on that day.
            StartedBeforeUtc: To is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            DeviceId: Blank(Device),
            Outcome: Blank(Outcome),
            Limit: PageSize);
        Sessions = await store.SearchSessionsAsync(query, cancellationToken);
        var filter = string.Join(' ', new[] { ("patient", Blank(Patient)), ("device", Blank(Device)), ("outcome", Blank(Outcome)), ("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={p.Item2}"));
        await audit.RecordAsync(User, AuditTrail.ViewSessionList, "session", null, filter.Length == 0 ? $"{Sessions.Count} sessions" : $"{filter}; {Sessions.Count} sessions", cancellationToken);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
