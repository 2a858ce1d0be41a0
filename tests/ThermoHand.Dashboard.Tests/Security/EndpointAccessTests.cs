using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Security;

/// <summary>
/// Every endpoint the server has (read from its EndpointDataSource, so a page or API added later is covered
/// without editing this test) refuses an anonymous browser and a device credential — except /health and the login
/// page. Static files are served by middleware before routing and hold no patient data.
/// </summary>
public sealed partial class EndpointAccessTests : IDisposable
{
    private static readonly HashSet<string> Public = new(StringComparer.OrdinalIgnoreCase) { "/health", "/Account/Login" };

    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    private IReadOnlyList<(string Method, string Path, string Pattern)> AllEndpoints()
    {
        _ = factory.Server;
        var requests = new List<(string, string, string)>();
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            // A concrete path: every {parameter} (with any constraint or default) becomes a harmless value.
            var path = "/" + Parameter().Replace(pattern.TrimStart('/'), match => match.Value.Contains(":int") ? "1" : "x");
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            requests.AddRange(methods.Select(method => (method, path, pattern)));
        }

        return requests;
    }

    [Fact]
    public void The_enumeration_covers_the_known_routes()
    {
        var patterns = AllEndpoints().Select(e => e.Path).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var expected in new[] { "/health", DeviceAuthentication.MessagesPath, "/api/sessions", "/api/sessions/x", "/api/admin/users", "/Account/Login", "/Account/Logout" })
        {
            Assert.Contains(expected, patterns);
        }
    }

    [Fact]
    public async Task Nothing_but_health_and_login_answers_without_login()
    {
        using var anonymous = factory.NewClient();
        var failures = new List<string>();
        foreach (var (method, path, pattern) in AllEndpoints())
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            var response = await anonymous.SendAsync(request);
            if (Public.Contains(path))
            {
                continue;
            }

            if (!RefusedOrSentToLogin(response))
            {
                failures.Add($"{method} {path} ({pattern}) answered {(int)response.StatusCode} anonymously");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/Account/Login")).StatusCode);
    }

    [Fact]
    public async Task A_device_credential_opens_only_the_device_api()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        var failures = new List<string>();
        foreach (var (method, path, pattern) in AllEndpoints())
        {
            if (Public.Contains(path) || path.StartsWith("/api/device/v1/", StringComparison.Ordinal))
            {
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            var response = await device.SendAsync(request);
            if (!RefusedOrSentToLogin(response))
            {
                failures.Add($"{method} {path} ({pattern}) answered {(int)response.StatusCode} to a device credential");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, (await device.GetAsync(DeviceAuthentication.AckPath)).StatusCode);
    }

    private static bool RefusedOrSentToLogin(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
            && location.OriginalString.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
