using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Tests.Access;

/// <summary>Who makes a request in the access matrix: nobody, a user of one role, or a device credential.</summary>
public sealed record Caller(string Name, string? Role, bool IsDevice)
{
    public static Caller Anonymous { get; } = new("anonymous", null, false);

    public static Caller Device { get; } = new("device", null, true);

    public static Caller User(string role) => new(role, role, false);

    public static IReadOnlyList<Caller> All { get; } =
        [Anonymous, .. ClinicRoles.All.Select(User), Device];

    public override string ToString() => Name;
}

/// <summary>
/// One request per endpoint and HTTP method, read from the running server's <see cref="EndpointDataSource"/> (Razor
/// pages and minimal APIs alike, so routes other features add later are covered without editing a list), with the
/// callers its authorization metadata admits: derived from [AllowAnonymous], the policy names and
/// <see cref="ClinicPolicies.RolesByPolicy"/> — not from the authorization middleware the tests check.
/// </summary>
public sealed partial record ClinicEndpoint(string Method, string Pattern, string Path, bool IsAnonymous, IReadOnlyList<string> Policies, IReadOnlyList<string> RoleLists)
{
    public bool IsDeviceOnly => Policies.Contains(ClinicPolicies.Device);

    /// <summary>What the metadata says: may <paramref name="caller"/> pass authorization here?</summary>
    public bool Admits(Caller caller)
    {
        if (IsAnonymous)
        {
            return true;
        }

        if (caller.IsDevice)
        {
            return IsDeviceOnly;
        }

        if (caller.Role is not { } role || IsDeviceOnly)
        {
            return false; // no login: the fallback policy and every named policy need a logged-in user
        }

        // No policy at all: the fallback policy (any logged-in user, login cookie only).
        return Policies.All(policy => ClinicPolicies.RolesByPolicy[policy].Contains(role))
            && RoleLists.All(list => list.Split(',', StringSplitOptions.TrimEntries).Contains(role));
    }

    public bool ChangesState => Method is not ("GET" or "HEAD");

    public override string ToString() => $"{Method} {Path} ({Pattern})";

    /// <summary>Every endpoint of the server behind <paramref name="services"/>, with route values replaced by <paramref name="values"/>.</summary>
    public static IReadOnlyList<ClinicEndpoint> Read(IServiceProvider services, Func<string, string> values)
    {
        var list = new List<ClinicEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var path = "/" + Parameter().Replace(pattern.TrimStart('/'), match =>
            {
                var name = match.Groups[1].Value;
                return match.Value.Contains(":int", StringComparison.Ordinal) ? "1" : Uri.EscapeDataString(values(name));
            });
            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            var policies = authorize.Select(a => a.Policy).OfType<string>().Distinct().ToList();
            var roles = authorize.Select(a => a.Roles).OfType<string>().ToList();
            var unknown = policies.Where(p => p != ClinicPolicies.Device && !ClinicPolicies.RolesByPolicy.ContainsKey(p)).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException($"{pattern} uses policy {string.Join(", ", unknown)}, which ClinicPolicies.RolesByPolicy does not list; add it there");
            }

            // An endpoint can also carry a policy object (RequireAuthorization(policy)); the matrix would not know its roles.
            if (endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Count > 0)
            {
                throw new InvalidOperationException($"{pattern} carries an inline AuthorizationPolicy; name a policy from ClinicPolicies instead so its roles are documented");
            }

            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            list.AddRange(methods.Select(method => new ClinicEndpoint(method, pattern, path, anonymous, policies, roles)));
        }

        return list;
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex Parameter();
}
