namespace ThermoHand.Dashboard.Security;

/// <summary>The four roles. A user has exactly one.</summary>
public static class ClinicRoles
{
    /// <summary>Runs and reviews tests: live view, sessions, reports, comparisons, exports, clinic identifiers.</summary>
    public const string Clinician = "clinician";

    /// <summary>Keeps devices working: live view (device health, image), device registration. No session reports.</summary>
    public const string Technician = "technician";

    /// <summary>Reviews pseudonymous results: sessions, reports, comparisons, exports. Never clinic identifiers.</summary>
    public const string Researcher = "researcher";

    /// <summary>Manages users and devices and reads the audit trail. No patient data by role alone.</summary>
    public const string Administrator = "administrator";

    public static readonly IReadOnlyList<string> All = [Clinician, Technician, Researcher, Administrator];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}

/// <summary>Authorization policy names; each lists the roles it admits (see docs/dashboard.md, "Roles").</summary>
public static class ClinicPolicies
{
    /// <summary>Session list, reports, curves, comparisons and exports (pseudonymous patient data).</summary>
    public const string ViewSessions = "ViewSessions";

    /// <summary>The real clinic identifier behind a pseudonymous reference.</summary>
    public const string ViewClinicIdentifier = "ViewClinicIdentifier";

    /// <summary>A device's live view.</summary>
    public const string ViewLive = "ViewLive";

    /// <summary>Register devices and see their state.</summary>
    public const string ManageDevices = "ManageDevices";

    /// <summary>Create users.</summary>
    public const string ManageUsers = "ManageUsers";

    /// <summary>Read the audit trail.</summary>
    public const string ReadAudit = "ReadAudit";

    /// <summary>Pseudonymised research export of a cohort (curves, metrics, data dictionary) and study tags.</summary>
    public const string ExportResearch = "ExportResearch";

    /// <summary>Re-run stored sessions with changed analysis settings into a new, versioned result.</summary>
    public const string Reanalyse = "Reanalyse";

    /// <summary>HL7 FHIR export of one session's results for hospital systems (identified data: clinicians only).</summary>
    public const string ExportFhir = "ExportFhir";

    /// <summary>Upload, review and download sensor site calibrations.</summary>
    public const string ManageCalibrations = "ManageCalibrations";

    /// <summary>Start or abort a test and run the reference check on a device from its live page (Pages/Live/Commands).</summary>
    public const string CommandDevices = "CommandDevices";

    /// <summary>The device API: only a device credential (never a user cookie) passes.</summary>
    public const string Device = "Device";

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [ViewSessions] = [ClinicRoles.Clinician, ClinicRoles.Researcher],
        [ViewClinicIdentifier] = [ClinicRoles.Clinician],
        [ViewLive] = [ClinicRoles.Clinician, ClinicRoles.Technician, ClinicRoles.Researcher],
        [ManageDevices] = [ClinicRoles.Technician, ClinicRoles.Administrator],
        [ManageUsers] = [ClinicRoles.Administrator],
        [ReadAudit] = [ClinicRoles.Administrator],
        [ExportResearch] = [ClinicRoles.Researcher, ClinicRoles.Clinician],
        [Reanalyse] = [ClinicRoles.Researcher, ClinicRoles.Clinician],
        [ExportFhir] = [ClinicRoles.Clinician],
        [ManageCalibrations] = [ClinicRoles.Technician, ClinicRoles.Administrator],
        [CommandDevices] = [ClinicRoles.Clinician],
    };
}
