using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Research;

/// <summary>Registers the research export: the study tag store (the clinic database), the study key and the export.</summary>
public static class ResearchServiceExtensions
{
    public static IServiceCollection AddResearchExport(this IServiceCollection services)
    {
        services.AddSingleton(provider => provider.GetRequiredService<IClinicStore>() as IResearchStore
            ?? throw new InvalidOperationException("The clinic store does not keep study tags (IResearchStore)."));
        services.AddSingleton<StudyKeyProvider>();
        services.AddSingleton<ResearchExportService>();
        return services;
    }
}
