using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Extensions;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Research;

/// <summary>
/// Adds or removes a study group tag of a session (the form on the session report). Tags are validated
/// (<see cref="StudyTag"/>), stored in session_tags and every change is audited. Back to the report afterwards,
/// with the problem in the address when a tag was refused.
/// </summary>
[Authorize(Policy = ClinicPolicies.ExportResearch)]
public sealed class TagsModel(IClinicStore store, IResearchStore research, AuditTrail audit) : PageModel
{
    [BindProperty]
    public string SessionId { get; set; } = "";

    [BindProperty]
    public string? Tag { get; set; }

    public IActionResult OnGet() => Redirect("/Research");

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        if (await store.GetSessionAsync(SessionId, cancellationToken) is null)
        {
            return NotFound($"No session '{SessionId}'.");
        }

        var tag = Tag?.Trim();
        if (StudyTag.Problem(tag) is { } problem)
        {
            return Back(problem);
        }

        if (await research.AddStudyTagAsync(SessionId, tag!, User.UserName(), cancellationToken))
        {
            await audit.RecordAsync(User, "add_study_tag", "session", SessionId, tag, cancellationToken);
        }

        return Back(null);
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        var tag = Tag?.Trim() ?? "";
        if (await research.RemoveStudyTagAsync(SessionId, tag, cancellationToken))
        {
            await audit.RecordAsync(User, "remove_study_tag", "session", SessionId, tag, cancellationToken);
        }

        return Back(null);
    }

    private RedirectResult Back(string? problem) =>
        Redirect("/sessions/" + Uri.EscapeDataString(SessionId) + (problem is null ? "" : "?tagProblem=" + Uri.EscapeDataString(problem)) + "#study-tags");
}
