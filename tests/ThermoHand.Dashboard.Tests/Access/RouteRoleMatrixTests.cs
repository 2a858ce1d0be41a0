using System.Net;
using System.Text;
using ThermoHand.Dashboard.Security;
using Xunit.Abstractions;

namespace ThermoHand.Dashboard.Tests.Access;

/// <summary>
/// The access matrix: every endpoint of the running server × {anonymous, clinician, technician, researcher,
/// administrator, device credential}. The expected outcome comes from each endpoint's authorization metadata and
/// <see cref="ClinicPolicies.RolesByPolicy"/>; the actual one from a real request with real ids. A refusal is 401/403
/// or a redirect to the login page; anything else is "let through". Anonymous endpoints must be on
/// <see cref="PublicRoutes"/>, so a page that forgot its policy cannot slip out. Extends
/// Security/EndpointAccessTests (anonymous and device only) to every role.
/// </summary>
public sealed class RouteRoleMatrixTests(ClinicAccessFixture fixture, ITestOutputHelper output) : IClassFixture<ClinicAccessFixture>
{
    /// <summary>The only routes anyone may open without logging in (static files are served before routing).</summary>
    public static readonly IReadOnlySet<string> PublicRoutes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "/health", "/Account/Login" };

    private IReadOnlyList<ClinicEndpoint> Endpoints()
    {
        _ = fixture.Factory.Server;
        return ClinicEndpoint.Read(fixture.Factory.Services, ClinicAccessFixture.RouteValue);
    }

    /// <summary>Sends one request; an answer that does not come within seconds is a stream held open (let through).</summary>
    internal static async Task<(int Status, string? Location, string Body)> SendAsync(HttpClient client, string method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = "";
            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                body = await response.Content.ReadAsStringAsync(timeout.Token);
            }

            return ((int)response.StatusCode, response.Headers.Location?.OriginalString, body);
        }
        catch (OperationCanceledException)
        {
            return (0, null, "");
        }
    }

    internal static bool IsRefusal(int status, string? location) =>
        status is 401 or 403
        || (status == 302 && location is not null && location.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Every_route_answers_every_caller_as_its_policy_says()
    {
        var endpoints = Endpoints();
        var failures = new List<string>();
        var table = new StringBuilder();
        table.AppendLine($"{"route",-62} {string.Join(" ", Caller.All.Select(c => $"{c.Name,-13}"))}");
        var allowedCells = 0;
        foreach (var endpoint in endpoints.OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal))
        {
            table.Append($"{endpoint.Method + " " + endpoint.Pattern,-62}");
            foreach (var caller in Caller.All)
            {
                var (status, location, body) = await SendAsync(fixture.Clients[caller.Name], endpoint.Method, endpoint.Path, EmptyBody(endpoint));
                var refused = IsRefusal(status, location);
                var expected = endpoint.Admits(caller);
                table.Append($" {(refused ? "refused" : "ALLOWED")}({(status == 0 ? "open" : status)})".PadRight(14));
                allowedCells += refused ? 0 : 1;
                if (expected == refused)
                {
                    failures.Add($"{endpoint} for {caller}: expected {(expected ? "let through" : "refused")}, got {status}{(location is null ? "" : " → " + location)}");
                }

                if (status >= 500)
                {
                    failures.Add($"{endpoint} for {caller}: server error {status}");
                }

                if (refused && body.Contains(ClinicAccessFixture.PatientReference, StringComparison.Ordinal))
                {
                    failures.Add($"{endpoint} for {caller}: refused, but the answer shows the patient reference");
                }
            }

            table.AppendLine();
        }

        output.WriteLine(table.ToString());
        output.WriteLine($"{endpoints.Count} routes × {Caller.All.Count} callers = {endpoints.Count * Caller.All.Count} requests, {allowedCells} let through");
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found; the enumeration is broken");
        Assert.Empty(failures);
    }

    [Fact]
    public void Only_the_listed_public_routes_are_anonymous()
    {
        var anonymous = Endpoints().Where(e => e.IsAnonymous).Select(e => e.Path).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        output.WriteLine("Public (anonymous) routes: " + string.Join(", ", anonymous));
        Assert.All(anonymous, path => Assert.Contains(path, PublicRoutes));
    }

    [Fact]
    public void Every_route_but_the_public_ones_and_the_device_api_needs_a_login_and_no_route_admits_the_device_elsewhere()
    {
        foreach (var endpoint in Endpoints())
        {
            Assert.False(endpoint.IsAnonymous && endpoint.IsDeviceOnly, $"{endpoint} is both anonymous and device-only");
            var deviceApi = endpoint.Path.StartsWith("/api/device/", StringComparison.Ordinal);
            Assert.Equal(deviceApi, endpoint.IsDeviceOnly);
        }
    }

    [Fact]
    public async Task A_device_credential_reads_no_patient_data_even_with_real_ids()
    {
        var device = fixture.Clients[Caller.Device.Name];
        string[] patientData =
        [
            "/api/sessions", $"/api/sessions/{ClinicAccessFixture.SessionId}", $"/api/sessions/{ClinicAccessFixture.SessionId}/frames",
            $"/api/sessions/{ClinicAccessFixture.SessionId}/curves", $"/api/patients/{ClinicAccessFixture.PatientReference}/sessions",
            $"/api/patients/{ClinicAccessFixture.PatientReference}/clinic-identifier", $"/api/devices/{ClinicAccessFixture.DeviceId}/live-state",
            "/sessions", $"/sessions/{ClinicAccessFixture.SessionId}", $"/sessions/{ClinicAccessFixture.SessionId}/report.pdf",
            $"/sessions/{ClinicAccessFixture.SessionId}/export/report.json", $"/sessions/{ClinicAccessFixture.SessionId}/export/curves.csv",
            $"/compare?sessions={ClinicAccessFixture.SessionId}", "/live", $"/live/{ClinicAccessFixture.DeviceId}", $"/live/{ClinicAccessFixture.DeviceId}/events",
            "/api/admin/audit", "/api/admin/users", "/api/admin/devices", $"/api/devices/{ClinicAccessFixture.DeviceId}/commands",
        ];

        // Routes other features add (research export, FHIR, re-analysis, calibration) are found by name.
        var added = Endpoints().Where(e => e.Method == "GET" && !e.IsAnonymous && !e.IsDeviceOnly
            && (e.Pattern.Contains("research", StringComparison.OrdinalIgnoreCase) || e.Pattern.Contains("fhir", StringComparison.OrdinalIgnoreCase)
                || e.Pattern.Contains("export", StringComparison.OrdinalIgnoreCase) || e.Pattern.Contains("reanaly", StringComparison.OrdinalIgnoreCase)
                || e.Pattern.Contains("calibration", StringComparison.OrdinalIgnoreCase)))
            .Select(e => e.Path);
        foreach (var path in patientData.Concat(added).Distinct(StringComparer.Ordinal))
        {
            var (status, location, body) = await SendAsync(device, "GET", path);
            Assert.True(IsRefusal(status, location), $"GET {path} answered {status} to a device credential");
            Assert.DoesNotContain(ClinicAccessFixture.PatientReference, body, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Account and device credential management (Apis/AdminApi.cs, Pages/Account/Password): the roles written out by
    /// hand as well, so a policy changed by mistake fails here even though the matrix above derives its expectation
    /// from the same metadata.
    /// </summary>
    public static readonly (string Method, string Pattern, string[] Roles)[] AccountRoutes =
    [
        ("POST", "/api/admin/users/{userName}/disable", [ClinicRoles.Administrator]),
        ("POST", "/api/admin/users/{userName}/enable", [ClinicRoles.Administrator]),
        ("POST", "/api/admin/users/{userName}/role", [ClinicRoles.Administrator]),
        ("POST", "/api/admin/users/{userName}/password", [ClinicRoles.Administrator]),
        ("POST", "/api/admin/devices/{deviceId}/revoke", [ClinicRoles.Technician, ClinicRoles.Administrator]),
        ("POST", "/api/admin/devices/{deviceId}/rotate", [ClinicRoles.Technician, ClinicRoles.Administrator]),
        ("GET", "/Account/Password", [.. ClinicRoles.All]),
        ("POST", "/Account/Password", [.. ClinicRoles.All]),
    ];

    [Fact]
    public async Task Account_management_routes_are_in_the_matrix_and_admit_exactly_their_roles()
    {
        var endpoints = Endpoints();
        foreach (var (method, pattern, roles) in AccountRoutes)
        {
            var endpoint = Assert.Single(endpoints, e => e.Method == method && "/" + e.Pattern.TrimStart('/') == pattern);
            foreach (var caller in Caller.All)
            {
                var expected = roles.Contains(caller.Role ?? "");
                Assert.True(expected == endpoint.Admits(caller), $"{endpoint} for {caller}: metadata says {endpoint.Admits(caller)}, expected {expected}");
                if (method == "GET")
                {
                    var (status, location, _) = await SendAsync(fixture.Clients[caller.Name], method, endpoint.Path);
                    Assert.True(expected != IsRefusal(status, location), $"{endpoint} for {caller}: got {status}");
                }
            }
        }
    }

    /// <summary>State-changing requests get an empty body of the kind the endpoint reads (JSON for APIs, a form for pages).</summary>
    internal static HttpContent? EmptyBody(ClinicEndpoint endpoint) =>
        !endpoint.ChangesState ? null
        : endpoint.Path.StartsWith("/api/", StringComparison.Ordinal) ? new StringContent("{}", Encoding.UTF8, "application/json")
        : new FormUrlEncodedContent([]);
}
