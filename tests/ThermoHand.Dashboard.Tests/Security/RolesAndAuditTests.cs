using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Security;

/// <summary>Who may see what, what the audit trail records, and what never reaches the database or the log in clear.</summary>
public sealed class RolesAndAuditTests : IDisposable
{
    private const string PatientReference = "PR-SECRET-4711";
    private const string ClinicIdentifier = "HOSP-NR-99887766";

    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    private async Task StreamOneSessionAsync()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        var messages = new StreamMessages();
        var batch = new DeviceBatch("dev-a",
        [
            messages.SessionStarted(1, "s-1", PatientReference),
            messages.Frame(2, "s-1", 121, "left", 24.0),
            messages.Analysis(3, "s-1", "left", true, 1.1),
            messages.Ended(4, "s-1", 1020),
        ]);
        Assert.Equal(HttpStatusCode.OK, (await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, batch, DeviceAuthentication.JsonOptions)).StatusCode);
    }

    private async Task<HttpClient> As(string role)
    {
        var name = role + "-user";
        if (await factory.Store.FindUserAsync(name) is null)
        {
            await factory.CreateUserAsync(name, role, "password-of-" + role);
        }

        return await factory.LoggedInClientAsync(name, "password-of-" + role);
    }

    /// <summary>Each API and the roles that may read it (docs/dashboard.md, "Roles"); all other roles get 403.</summary>
    public static readonly (string Path, string[] Allowed)[] AccessTable =
    [
        ("/api/sessions", [ClinicRoles.Clinician, ClinicRoles.Researcher]),
        ("/api/sessions/s-1", [ClinicRoles.Clinician, ClinicRoles.Researcher]),
        ("/api/sessions/s-1/frames", [ClinicRoles.Clinician, ClinicRoles.Researcher]),
        ("/api/sessions/s-1/curves", [ClinicRoles.Clinician, ClinicRoles.Researcher]),
        ("/api/patients/" + PatientReference + "/sessions", [ClinicRoles.Clinician, ClinicRoles.Researcher]),
        ("/api/patients/" + PatientReference + "/clinic-identifier", [ClinicRoles.Clinician]),
        ("/api/devices/dev-a/live-state", [ClinicRoles.Clinician, ClinicRoles.Researcher, ClinicRoles.Technician]),
        ("/api/admin/users", [ClinicRoles.Administrator]),
        ("/api/admin/devices", [ClinicRoles.Administrator, ClinicRoles.Technician]),
        ("/api/admin/audit", [ClinicRoles.Administrator]),
    ];

    [Fact]
    public async Task Each_role_reaches_exactly_its_apis()
    {
        await StreamOneSessionAsync();
        var failures = new List<string>();
        foreach (var role in ClinicRoles.All)
        {
            var client = await As(role);
            foreach (var (path, allowed) in AccessTable)
            {
                var status = (await client.GetAsync(path)).StatusCode;
                var expected = allowed.Contains(role) ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
                if (status != expected)
                {
                    failures.Add($"{role} GET {path}: expected {expected}, got {status}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Viewing_a_session_is_audited_with_who_what_and_when()
    {
        await StreamOneSessionAsync();
        var before = factory.Clock.GetUtcNow();
        var clinician = await As(ClinicRoles.Clinician);

        var session = await clinician.GetFromJsonAsync<JsonElement>("/api/sessions/s-1");
        Assert.Equal(PatientReference, session.GetProperty("summary").GetProperty("patientReference").GetString());
        Assert.Equal(1.1, session.GetProperty("results")[0].GetProperty("result").GetProperty("ddd_c").GetProperty("mean").GetDouble());
        await clinician.GetAsync("/api/sessions/s-1/frames?hand=left");
        await clinician.GetAsync($"/api/patients/{PatientReference}/sessions");

        var audit = await factory.Store.ListAuditAsync(userName: "clinician-user");
        Assert.Contains(audit, a => a is { Action: AuditTrail.ViewSession, TargetKind: "session", TargetId: "s-1" } && a.AtUtc >= before.AddMilliseconds(-1));
        Assert.Contains(audit, a => a is { Action: AuditTrail.ViewFrames, TargetId: "s-1" } && a.Detail!.Contains("frames=1"));
        Assert.Contains(audit, a => a is { Action: AuditTrail.ViewPatientHistory, TargetId: PatientReference });
        Assert.Contains(audit, a => a.Action == AuditTrail.Login);

        // The administrator reads the trail; a refused request leaves no "view" entry.
        var researcherRefused = await (await As(ClinicRoles.Technician)).GetAsync("/api/sessions/s-1");
        Assert.Equal(HttpStatusCode.Forbidden, researcherRefused.StatusCode);
        var trail = await (await As(ClinicRoles.Administrator)).GetFromJsonAsync<JsonElement[]>("/api/admin/audit?limit=500");
        Assert.Contains(trail!, a => a.GetProperty("userName").GetString() == "clinician-user" && a.GetProperty("action").GetString() == AuditTrail.ViewSession);
        Assert.DoesNotContain(trail!, a => a.GetProperty("userName").GetString() == "technician-user" && a.GetProperty("action").GetString() == AuditTrail.ViewSession);
    }

    [Fact]
    public async Task The_clinic_identifier_is_encrypted_at_rest_and_readable_only_by_clinicians()
    {
        await StreamOneSessionAsync();
        var clinician = await As(ClinicRoles.Clinician);
        using (var request = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{PatientReference}/clinic-identifier"))
        {
            request.Content = JsonContent.Create(new { clinicIdentifier = ClinicIdentifier });
            request.Headers.Add("RequestVerificationToken", await DashboardFactory.HeaderTokenAsync(clinician));
            Assert.Equal(HttpStatusCode.NoContent, (await clinician.SendAsync(request)).StatusCode);
        }

        var back = await clinician.GetFromJsonAsync<JsonElement>($"/api/patients/{PatientReference}/clinic-identifier");
        Assert.Equal(ClinicIdentifier, back.GetProperty("clinicIdentifier").GetString());

        // The raw column — and the whole database file — never holds the identifier in clear.
        await using (var raw = new SqliteConnection($"Data Source={factory.DatabasePath};Mode=ReadOnly;Pooling=false"))
        {
            await raw.OpenAsync();
            await using var command = raw.CreateCommand();
            command.CommandText = "SELECT clinic_identifier_protected FROM patients WHERE patient_ref = $p";
            command.Parameters.AddWithValue("$p", PatientReference);
            var stored = (string)(await command.ExecuteScalarAsync())!;
            Assert.DoesNotContain(ClinicIdentifier, stored);
            Assert.True(stored.Length > ClinicIdentifier.Length * 2, "ciphertext is longer than the identifier");
        }

        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(factory.DatabasePath);
        var wal = File.Exists(factory.DatabasePath + "-wal") ? await File.ReadAllBytesAsync(factory.DatabasePath + "-wal") : [];
        Assert.DoesNotContain(ClinicIdentifier, System.Text.Encoding.UTF8.GetString([.. bytes, .. wal]));

        var researcher = await As(ClinicRoles.Researcher);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.GetAsync($"/api/patients/{PatientReference}/clinic-identifier")).StatusCode);
    }

    [Fact]
    public async Task Patient_references_never_reach_the_application_log()
    {
        await StreamOneSessionAsync();
        var clinician = await As(ClinicRoles.Clinician);
        await clinician.GetAsync("/api/sessions/s-1");
        await clinician.GetAsync($"/api/patients/{PatientReference}/sessions");
        await clinician.GetAsync($"/api/sessions?patient={PatientReference}");

        Assert.NotEmpty(factory.LogLines);
        Assert.DoesNotContain(factory.LogLines, line => line.Contains(PatientReference, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_administrator_registers_a_device_whose_secret_is_shown_once_and_works()
    {
        var admin = await As(ClinicRoles.Administrator);
        var created = await DashboardFactory.PostJsonWithTokenAsync(admin, "/api/admin/devices", new { deviceId = "pi-room-2", displayName = "Room 2" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var header = body.GetProperty("authorizationHeader").GetString()!;

        using var device = factory.NewClient();
        device.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        Assert.Equal(HttpStatusCode.OK, (await device.GetAsync(DeviceAuthentication.AckPath)).StatusCode);

        var listed = await admin.GetStringAsync("/api/admin/devices");
        Assert.Contains("pi-room-2", listed);
        Assert.DoesNotContain(body.GetProperty("secret").GetString()!, listed);
        Assert.DoesNotContain(body.GetProperty("secret").GetString()!, (await factory.Store.FindDeviceAsync("pi-room-2"))!.SecretHash);

        var duplicate = await DashboardFactory.PostJsonWithTokenAsync(admin, "/api/admin/devices", new { deviceId = "pi-room-2" });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("already registered", await duplicate.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_created_without_a_password_gets_a_generated_one_that_works()
    {
        var admin = await As(ClinicRoles.Administrator);
        var created = await DashboardFactory.PostJsonWithTokenAsync(admin, "/api/admin/users", new { userName = "cara", role = ClinicRoles.Clinician });
        var password = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("generatedPassword").GetString()!;
        Assert.Equal(18, password.Length);
        await factory.LoggedInClientAsync("cara", password);

        var badRole = await DashboardFactory.PostJsonWithTokenAsync(admin, "/api/admin/users", new { userName = "dan", role = "surgeon" });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Contains("role 'surgeon' is not one of", await badRole.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_administration_page_registers_devices_and_only_administrators_create_users()
    {
        var technician = await As(ClinicRoles.Technician);
        var token = await DashboardFactory.FormTokenAsync(technician, "/Account/Admin");
        var registered = await technician.PostAsync("/Account/Admin?handler=Device", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["NewDeviceId"] = "pi-room-3", ["NewDeviceName"] = "Room 3", ["__RequestVerificationToken"] = token,
        }));
        var page = await registered.Content.ReadAsStringAsync();
        Assert.Contains("Device &#x27;pi-room-3&#x27; registered", page);
        Assert.NotNull(await factory.Store.FindDeviceAsync("pi-room-3"));
        Assert.DoesNotContain("id=\"users\"", page); // technicians see no user list

        var userByTechnician = await technician.PostAsync("/Account/Admin?handler=User", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["NewUserName"] = "eve", ["NewUserRole"] = ClinicRoles.Administrator, ["__RequestVerificationToken"] = token,
        }));
        Assert.NotEqual(HttpStatusCode.OK, userByTechnician.StatusCode);
        Assert.Null(await factory.Store.FindUserAsync("eve"));

        var admin = await As(ClinicRoles.Administrator);
        var created = await admin.PostAsync("/Account/Admin?handler=User", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["NewUserName"] = "fay", ["NewUserRole"] = ClinicRoles.Researcher, ["__RequestVerificationToken"] = await DashboardFactory.FormTokenAsync(admin, "/Account/Admin"),
        }));
        Assert.Contains("Password, shown only now", await created.Content.ReadAsStringAsync());
        Assert.Equal(ClinicRoles.Researcher, (await factory.Store.FindUserAsync("fay"))!.Role);

        var clinicianPage = await (await As(ClinicRoles.Clinician)).GetAsync("/Account/Admin");
        Assert.Equal(HttpStatusCode.Redirect, clinicianPage.StatusCode);
    }
}
