using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Dashboard.Ingest;
using ThermoHand.Dashboard.Live;
using ThermoHand.Dashboard.Pages.Research;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Extensions;

/// <summary>Service registrations, one method per concern; Program.cs lists them.</summary>
public static class DashboardServiceExtensions
{
    /// <summary>Name of the rate-limiter policy on the login form (POST only).</summary>
    public const string LoginRateLimit = "login";

    /// <summary>"Dashboard" settings, validated at start (every problem reported, each naming its setting).</summary>
    public static IServiceCollection AddDashboardSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection(DashboardOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardOptions>, ValidateDashboardOptions>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>The store chosen by Dashboard:Database:Provider, and the start-up step that creates its schema.</summary>
    public static IServiceCollection AddClinicStorage(this IServiceCollection services)
    {
        services.AddSingleton<IClinicStore>(provider =>
        {
            var database = provider.GetRequiredService<IOptions<DashboardOptions>>().Value.Database;
            var clock = provider.GetRequiredService<TimeProvider>();
            return database.Provider.Trim().ToLowerInvariant() == "postgres"
                ? new PostgresClinicStore(NpgsqlDataSource.Create(database.ConnectionString), clock)
                : new SqliteClinicStore(database.ConnectionString, clock);
        });
        // Site calibrations live in the same database (SqlClinicStore.Calibrations.cs).
        services.AddSingleton(provider => provider.GetRequiredService<IClinicStore>() as ICalibrationStore
            ?? throw new InvalidOperationException("The clinic store does not keep site calibrations."));
        // The numbers of the devices' reference checks, too (SqlClinicStore.ReferenceChecks.cs).
        services.AddSingleton(provider => provider.GetRequiredService<IClinicStore>() as IReferenceCheckStore
            ?? throw new InvalidOperationException("The clinic store does not keep reference checks."));
        services.AddSingleton<ThermoHand.Dashboard.Pages.Calibration.CalibrationUploads>();
        // Clinician commands to devices live in the same database (SqlClinicStore.Commands.cs).
        services.AddSingleton(provider => provider.GetRequiredService<IClinicStore>() as IDeviceCommandStore
            ?? throw new InvalidOperationException("The clinic store does not keep device commands."));
        services.AddSingleton<ThermoHand.Dashboard.Apis.DeviceCommandDesk>();
        services.AddResearchExport(); // study tags, study key, research export (Pages/Research)
        services.AddHostedService<DashboardStartup>();
        return services;
    }

    /// <summary>Login cookie, device credential, role policies, antiforgery, login rate limit, Data Protection.</summary>
    public static IServiceCollection AddClinicSecurity(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("ThermoHand.Dashboard");
        // The key folder comes from the validated settings, read when the key ring is first used.
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(keys =>
        {
            var folder = new DirectoryInfo(provider.GetRequiredService<IOptions<DashboardOptions>>().Value.DataProtection.KeysPath);
            folder.Create();
            keys.XmlRepository = new FileSystemXmlRepository(folder, provider.GetRequiredService<ILoggerFactory>());
        }));

        services.AddSingleton<UserAccounts>();
        services.AddSingleton<DeviceCredentials>();
        services.AddSingleton<ClinicIdentifierProtector>();
        services.AddSingleton<AuditTrail>();
        services.AddAccountManagement(); // disable/enable, roles, password resets, device revoke/rotate; cookie stamp check (Security/SignedInSessionCheck.cs)
        // Which analysis exports use: the newest re-analysis if the session has one, else the device's final result.
        services.AddSingleton(provider => provider.GetRequiredService<IClinicStore>() as IAnalysisVersionStore
            ?? throw new InvalidOperationException("The clinic store does not keep analysis versions."));
        services.TryAddSingleton<ThermoHand.Dashboard.Analysis.IAnalysisSelection, ThermoHand.Dashboard.Analysis.VersionedAnalysisSelection>();
        // Re-analyses run in the background (minutes for a long session), one at a time per server.
        services.AddSingleton<ThermoHand.Dashboard.Apis.ReanalysisJobs>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
            {
                cookie.LoginPath = "/Account/Login";
                cookie.LogoutPath = "/Account/Logout";
                cookie.AccessDeniedPath = "/Account/Login";
                cookie.Cookie.Name = "thermohand.auth";
                cookie.Cookie.HttpOnly = true;
                // Strict: a page on another site can never make the browser send our login cookie (CSRF defence in depth).
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.SlidingExpiration = true;
                cookie.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, DeviceAuthenticationHandler>(DeviceAuthentication.Scheme, null);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<DashboardOptions>>((cookie, settings) => cookie.ExpireTimeSpan = TimeSpan.FromMinutes(settings.Value.Login.SessionMinutes));

        services.AddAuthorization(authorization =>
        {
            // Everything needs a logged-in user unless it says otherwise (/health, login, static files):
            // a new page or API is private by default. Only the cookie counts, so a device credential opens nothing.
            authorization.FallbackPolicy = new AuthorizationPolicyBuilder(CookieAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().Build();
            foreach (var (policy, roles) in ClinicPolicies.RolesByPolicy)
            {
                authorization.AddPolicy(policy, builder => builder
                    .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme)
                    .RequireAuthenticatedUser()
                    .RequireRole(roles));
            }

            authorization.AddPolicy(ClinicPolicies.Device, builder => builder
                .AddAuthenticationSchemes(DeviceAuthentication.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(DeviceAuthenticationHandler.DeviceIdClaim));
        });

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = AntiforgeryHeader;
            antiforgery.Cookie.Name = "thermohand.csrf";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A bare 429 leaves a clinician guessing; say what happened and when to try again (the window is one minute).
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "60";
                rejected.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await rejected.HttpContext.Response.WriteAsync(
                    "Too many login attempts from this address. Wait a minute and try again.", cancellationToken);
            };
            limiter.AddPolicy(LoginRateLimit, context =>
            {
                // Only password submissions count; showing the form is free.
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("get");
                }

                var perMinute = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.Login.RequestsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });

        return services;
    }

    /// <summary>The header JSON POSTs carry the antiforgery token in (the layout puts it in &lt;meta name="csrf-token"&gt;).</summary>
    public const string AntiforgeryHeader = "RequestVerificationToken";

    /// <summary>Device ingest and the live hub it publishes to.</summary>
    public static IServiceCollection AddDeviceIngest(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => new LiveHub(provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DeviceIngest>();
        services.AddSingleton<DeviceBatchReader>(); // the device endpoint's body, within Dashboard:Ingest's size limits
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never);
        return services;
    }

    // APIs answer 401/403 (a script cannot follow a redirect to a login page); pages redirect to the login page.
    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        // The live page itself (/live/{deviceId}) redirects like any page; only its event stream (…/events) is an API.
        if (context.Request.Path.StartsWithSegments("/api")
            || (context.Request.Path.StartsWithSegments("/live") && context.Request.Path.Value!.EndsWith("/events", StringComparison.Ordinal)))
        {
            context.Response.StatusCode = apiStatus;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    /// <summary>The user's name for the audit trail.</summary>
    public static string UserName(this ClaimsPrincipal user) => user.Identity?.Name ?? "(anonymous)";
}
