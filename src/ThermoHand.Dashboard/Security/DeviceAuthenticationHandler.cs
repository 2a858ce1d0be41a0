using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Security;

/// <summary>
/// Reads <c>Authorization: Device DEVICE_ID:SECRET</c>. Only the device API asks for this scheme; every other
/// endpoint accepts the login cookie alone, so a device credential opens nothing else. A refused credential gets 401
/// with the reason as plain text (wrong secret, or revoked — with when and why), so a technician reading the device's
/// log knows what to fix.
/// </summary>
public sealed class DeviceAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, DeviceCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string DeviceIdClaim = "thermohand:device_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith(DeviceAuthentication.Scheme + " ", StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var credential = header[(DeviceAuthentication.Scheme.Length + 1)..].Trim();
        var colon = credential.IndexOf(':');
        if (colon <= 0 || colon == credential.Length - 1)
        {
            return AuthenticateResult.Fail("the Device credential must be DEVICE_ID:SECRET");
        }

        var verification = await credentials.VerifyAsync(credential[..colon], credential[(colon + 1)..], Context.RequestAborted);
        if (verification.Device is not { } device)
        {
            return AuthenticateResult.Fail(verification.Problem ?? DeviceCredentials.WrongCredential);
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "device:" + device.DeviceId), new Claim(DeviceIdClaim, device.DeviceId)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = DeviceAuthentication.Scheme;
        // The result is cached per request, so this does not check the credential a second time.
        var result = await HandleAuthenticateOnceSafeAsync();
        var reason = result.Failure?.Message ?? "this route needs a device credential: Authorization: Device DEVICE_ID:SECRET";
        Response.ContentType = "text/plain; charset=utf-8";
        await Response.WriteAsync("Device credential refused: " + reason + ".", Context.RequestAborted);
    }
}
