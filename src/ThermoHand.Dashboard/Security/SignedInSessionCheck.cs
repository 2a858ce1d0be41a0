using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Security;

/// <summary>
/// Checks every login cookie against the account on each request: a cookie is refused (and deleted) when its user no
/// longer exists, is disabled, or its security stamp differs from the account's — the stamp changes with the password,
/// the role and the disabled state. So a departed user's open browser, or a session started before a password change,
/// stops working on its very next request instead of when the cookie would have expired. One indexed read per request.
/// </summary>
public static class SignedInSessionCheck
{
    /// <summary>Registers the account store, the administration service and the per-request cookie check.</summary>
    public static IServiceCollection AddAccountManagement(this IServiceCollection services)
    {
        services.AddSingleton(provider => provider.GetRequiredService<IClinicStore>() as IAccountStore
            ?? throw new InvalidOperationException("The clinic store does not keep account states."));
        services.AddSingleton<StaffAccountAdministration>();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .PostConfigure(cookie =>
            {
                var earlier = cookie.Events.OnValidatePrincipal;
                cookie.Events.OnValidatePrincipal = async context =>
                {
                    await earlier(context);
                    if (context.Principal is not null)
                    {
                        await ValidateAsync(context);
                    }
                };
            });
        return services;
    }

    /// <summary>Rejects the cookie unless its user exists, is enabled and carries the account's current stamp.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var userName = context.Principal?.Identity?.Name;
        var stamp = context.Principal?.FindFirst(UserAccounts.SecurityStampClaim)?.Value ?? "";
        var store = context.HttpContext.RequestServices.GetRequiredService<IAccountStore>();
        var account = userName is null ? null : await store.FindStaffAccountAsync(userName, context.HttpContext.RequestAborted);
        if (account is null || account.IsDisabled || !string.Equals(account.SecurityStamp, stamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
