using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Research;

/// <summary>
/// /Research: choose a cohort (start-date range, protocol preset, group tag), preview it (counts and study session ids
/// only) and download the pseudonymised export as a zip (docs/research-export.md). ?session=ID exports one session
/// (the link on the session report).
/// </summary>
[Authorize(Policy = ClinicPolicies.ExportResearch)]
public sealed class IndexModel(IResearchStore research, ResearchExportService exports) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Preset { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tag { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Session { get; set; }

    public IReadOnlyList<string> Presets { get; private set; } = [];

    public IReadOnlyList<string> Tags { get; private set; } = [];

    public ResearchPreview? Preview { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>The query string of the current filter, for the download link.</summary>
    public string FilterQuery => string.Join("&", new[] { ("from", From), ("to", To), ("preset", Preset), ("tag", Tag), ("session", Session) }
        .Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2!)));

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Presets = await research.ListPresetNamesAsync(cancellationToken);
        Tags = await research.ListStudyTagsAsync(cancellationToken);
        if (Request.Query.ContainsKey("preview") || !string.IsNullOrEmpty(Session))
        {
            if (TryFilter(out var filter))
            {
                Preview = await exports.PreviewAsync(filter, cancellationToken);
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnGetDownloadAsync(CancellationToken cancellationToken)
    {
        if (!TryFilter(out var filter))
        {
            return await OnGetAsync(cancellationToken);
        }

        var preview = await exports.PreviewAsync(filter, cancellationToken);
        if (preview.Sessions == 0)
        {
            Problem = "No finished session matches this filter, so there is nothing to export. Widen the date range or choose another preset or tag.";
            return await OnGetAsync(cancellationToken);
        }

        var export = await exports.ExportAsync(filter, InWords(withDates: false), InWords(withDates: true), User, cancellationToken);
        return File(export.Zip, "application/zip", export.FileName);
    }

    private bool TryFilter(out ResearchCohortFilter filter)
    {
        filter = new ResearchCohortFilter();
        var from = ParseDate(From, "From");
        var to = ParseDate(To, "To");
        if (Problem is not null)
        {
            return false;
        }

        if (from is not null && to is not null && to < from)
        {
            Problem = "The 'to' date is before the 'from' date; swap them.";
            return false;
        }

        filter = new ResearchCohortFilter(
            from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            to is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null, // "to" is inclusive
            Blank(Preset), Blank(Tag), Blank(Session));
        return true;
    }

    private DateOnly? ParseDate(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        Problem = $"'{name}' date '{text}' is not a date; use the date picker or YYYY-MM-DD.";
        return null;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The filter in words. Without dates for the export's manifest (dates would narrow down when tests were
    /// done); with them for the clinic's own audit trail.</summary>
    private string InWords(bool withDates)
    {
        var parts = new List<string>();
        if (Blank(Session) is not null)
        {
            parts.Add("a single session chosen on its report");
        }

        if (Blank(From) is not null || Blank(To) is not null)
        {
            parts.Add(withDates ? $"started from {Blank(From) ?? "the first session"} to {Blank(To) ?? "today"} (UTC, inclusive)" : "sessions started within a chosen date range (dates withheld)");
        }

        if (Blank(Preset) is { } preset)
        {
            parts.Add($"protocol preset '{preset}'");
        }

        if (Blank(Tag) is { } tag)
        {
            parts.Add($"group tag '{tag}'");
        }

        parts.Add("finished sessions only");
        return string.Join("; ", parts);
    }
}
