using System.Security.Claims;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Security;

/// <summary>
/// Records who viewed or exported what, and who changed users or devices. Entries go to the database only: the
/// application log never receives patient references (a log file is read by more people than the audit trail).
/// </summary>
public sealed class AuditTrail(IClinicStore store, TimeProvider clock)
{
    /// <summary>Common actions; any short verb is accepted.</summary>
    public const string ViewSession = "view_session", ViewSessionList = "view_session_list", ViewFrames = "view_frames",
        ViewPatientHistory = "view_patient_history", ViewLive = "view_live", Export = "export",
        ViewClinicIdentifier = "view_clinic_identifier", SetClinicIdentifier = "set_clinic_identifier",
        CreateUser = "create_user", RegisterDevice = "register_device", Login = "login", LoginFailed = "login_failed", Logout = "logout";

    public Task RecordAsync(ClaimsPrincipal user, string action, string targetKind, string? targetId, string? detail = null, CancellationToken cancellationToken = default) =>
        RecordAsync(user.Identity?.Name ?? "(anonymous)", action, targetKind, targetId, detail, cancellationToken);

    public Task RecordAsync(string userName, string action, string targetKind, string? targetId, string? detail = null, CancellationToken cancellationToken = default) =>
        store.AppendAuditAsync(new AuditEntry(clock.GetUtcNow(), userName, action, targetKind, targetId, detail), cancellationToken);
}
