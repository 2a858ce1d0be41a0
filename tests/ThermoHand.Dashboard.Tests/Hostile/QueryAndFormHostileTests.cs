using System.Net;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Tests.Access;
using ThermoHand.Dashboard.Tests.Support;
using Xunit.Abstractions;

namespace ThermoHand.Dashboard.Tests.Hostile;

/// <summary>
/// Hostile query strings on the search, frame, export and comparison routes, and hostile login-form fields: every
/// answer is a page, a 400 or a 404 — never a server error — and a refused login never logs anyone in.
/// </summary>
public sealed class QueryAndFormHostileTests(ClinicAccessFixture fixture, ITestOutputHelper output) : IClassFixture<ClinicAccessFixture>
{
    private static readonly string[] HostileValues =
    [
        "", " ", "-1", "0", "2147483648", "-2147483649", "99999999999999999999", "1e308", "NaN", "-Infinity", "Infinity",
        "9999-99-99", "0001-01-01", "9999-12-31T23:59:59Z", "2026-13-45", "yesterday", "%", "_", "%25", "'", "' OR 1=1 --",
        "\"; DROP TABLE sessions; --", "<script>alert(1)</script>", "../../etc/passwd", "\u0000", "%00", "é✋", new string('x', 4000),
        "left", "both", "a,b,c", ",,,", ClinicAccessFixture.SessionId + "," + ClinicAccessFixture.SessionId,
    ];

    public static TheoryData<string, string> Routes() => new()
    {
        { "/api/sessions", "patient,from,to,device,outcome,limit,offset" },
        { "/api/sessions/" + ClinicAccessFixture.SessionId + "/frames", "hand,from,to,limit" },
        { "/api/sessions/" + ClinicAccessFixture.SessionId + "/curves", "hand" },
        { "/sessions", "patient,from,to,device,outcome" },
        { "/sessions/" + ClinicAccessFixture.SessionId + "/export/curves.csv", "hand" },
        { "/sessions/" + ClinicAccessFixture.SessionId + "/export/report.json", "hand" },
        { "/compare", "sessions" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Hostile_query_parameters_never_cause_a_server_error(string path, string parameters)
    {
        var clinician = fixture.Clients[ClinicRoles.Clinician];
        var failures = new List<string>();
        var tried = 0;
        foreach (var name in parameters.Split(','))
        {
            foreach (var value in HostileValues)
            {
                var url = $"{path}?{name}={Uri.EscapeDataString(value)}";
                var (status, _, _) = await RouteRoleMatrixTests.SendAsync(clinician, "GET", url);
                tried++;
                if (status is 0 or >= 500)
                {
                    failures.Add($"GET {url[..Math.Min(url.Length, 120)]} answered {(status == 0 ? "nothing" : status)}");
                }
            }
        }

        output.WriteLine($"{tried} requests");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Hostile_login_fields_are_refused_without_a_server_error()
    {
        var random = new Random(9901);
        string[] values = ["", " ", new string('a', 100_000), "admin\u0000", "admin' --", "ADMIN", " admin", "é✋\uD83D\uDE00", "%00", "<b>x</b>"];
        var failures = new List<string>();
        foreach (var user in values.Append(DashboardFactory.AdminName))
        {
            foreach (var password in values.OrderBy(_ => random.Next()).Take(2))
            {
                var client = fixture.Factory.NewClient();
                var response = await DashboardFactory.LogInAsync(client, user, password);
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.Redirect)
                {
                    failures.Add($"user '{user[..Math.Min(user.Length, 20)]}' / password of {password.Length} chars: {(int)response.StatusCode}");
                }
            }
        }

        // Fields missing altogether, and a body that is not a form at all.
        foreach (var form in new[] { new Dictionary<string, string>(), new() { ["UserName"] = "admin" }, new() { ["Password"] = "x" } })
        {
            var client = fixture.Factory.NewClient();
            form["__RequestVerificationToken"] = await DashboardFactory.FormTokenAsync(client, "/Account/Login");
            var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(form));
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.OK, $"{string.Join(",", form.Keys)}: {(int)response.StatusCode}");
        }

        Assert.Empty(failures);
    }
}
