using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Extensions;

/// <summary>The request pipeline and the start-up console lines.</summary>
public static class DashboardPipelineExtensions
{
    /// <summary>Static files (anonymous: scripts and styles only, no patient data), then authentication,
    /// authorization (private by default), antiforgery and the login rate limiter.</summary>
    public static WebApplication UseClinicPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            // No stack traces to the browser; the details go to the log.
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandler = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    return context.Response.WriteAsync("The dashboard hit an internal error; it is in the server log.");
                },
            });
        }

        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();
        app.MapCalibrationApi();   // /api/calibrations (ManageCalibrations): stored files and report pictures
        app.MapReanalysisApi();    // /sessions/{id}/reanalyse (Reanalyse): versioned re-analysis of stored frames
        app.MapFhirApi();          // /sessions/{id}/export/fhir.json (ExportFhir): HL7 FHIR R4 Bundle, clinicians only
        return app;
    }

    /// <summary>Prints the address(es) the server listens on once it has started.</summary>
    public static WebApplication PrintAddressesAtStart(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.WriteLine($"ThermoHand dashboard listening on {address}");
            }
        });
        return app;
    }

    /// <summary>
    /// Set-up switches that run instead of the server: <c>--create-admin NAME [--password P]</c> and
    /// <c>--create-device ID [--name "Room 2"]</c>. Returns true when one ran (the caller then exits).
    /// </summary>
    public static async Task<bool> RunSetupCommandAsync(this WebApplication app, string[] args)
    {
        string? admin, device;
        try
        {
            admin = Value(args, "--create-admin");
            device = Value(args, "--create-device");
        }
        catch (ArgumentException problem)
        {
            Console.Error.WriteLine("Set-up refused: " + problem.Message);
            Environment.ExitCode = 2;
            return true;
        }

        if (admin is null && device is null)
        {
            return false;
        }

        try
        {
            await RunSetupAsync(app, args, admin, device);
        }
        catch (ArgumentException problem)
        {
            // A bad name, a duplicate or a short password: say which, no stack trace, non-zero exit code.
            Console.Error.WriteLine("Set-up refused: " + problem.Message.Replace($" (Parameter '{problem.ParamName}')", "", StringComparison.Ordinal));
            Environment.ExitCode = 2;
        }

        return true;
    }

    private static async Task RunSetupAsync(WebApplication app, string[] args, string? admin, string? device)
    {
        var store = app.Services.GetRequiredService<IClinicStore>();
        await store.InitializeAsync();
        if (admin is not null)
        {
            var given = Value(args, "--password");
            var (user, password) = await app.Services.GetRequiredService<UserAccounts>().CreateAsync(admin, ClinicRoles.Administrator, given);
            await app.Services.GetRequiredService<AuditTrail>().RecordAsync("(set-up)", AuditTrail.CreateUser, "user", user.UserName, "role=administrator");
            Console.WriteLine(given is null
                ? $"Administrator '{user.UserName}' created. Password (shown once, change it): {password}"
                : $"Administrator '{user.UserName}' created.");
        }

        if (device is not null)
        {
            var (created, secret) = await app.Services.GetRequiredService<DeviceCredentials>().RegisterAsync(device, Value(args, "--name") ?? device);
            await app.Services.GetRequiredService<AuditTrail>().RecordAsync("(set-up)", AuditTrail.RegisterDevice, "device", created.DeviceId);
            Console.WriteLine($"Device '{created.DeviceId}' registered. Secret (shown once; put it in the device's settings): {secret}");
        }
    }

    private static string? Value(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return null;
        }

        return index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal)
            ? args[index + 1]
            : throw new ArgumentException($"{name} needs a value, e.g. {name} NAME");
    }
}
