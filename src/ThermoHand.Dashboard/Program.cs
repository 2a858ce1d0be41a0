using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Extensions;
using ThermoHand.Dashboard.Pages;

// The clinic dashboard: receives device streams, stores sessions, serves the clinician pages. docs/dashboard.md.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDashboardSettings(builder.Configuration);  // Dashboard:* settings, validated at start
builder.Services.AddClinicStorage();                           // SQLite or PostgreSQL, schema at start
builder.Services.AddClinicSecurity();                          // login cookie, device credential, roles, CSRF, lock-out
builder.Services.AddDeviceIngest();                            // device API → storage → live hub
builder.Services.AddRazorPages();
builder.Services.AddClinicPages();                             // clinician pages, live view, reports (Pages/)

var app = builder.Build();
if (await app.RunSetupCommandAsync(args))                      // --create-admin NAME, --create-device ID
{
    return;
}

app.UseClinicPipeline();
app.MapHealth();                                               // /health, anonymous
app.MapDeviceApi();                                            // /api/device/v1/*, device credential only
app.MapSessionsApi();                                          // /api/sessions, /api/patients, /api/devices/*/live-state
app.MapAdminApi();                                             // /api/admin/users, devices, audit
app.MapRazorPages();                                           // /Account/Login, /Account/Logout and the clinic pages
app.MapClinicPages();                                          // live event streams, exports
app.PrintAddressesAtStart();
await app.RunAsync();

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can boot the server in tests.</summary>
public partial class Program;
