using Microsoft.Extensions.Options;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Exports.Research;

namespace ThermoHand.Dashboard.Pages.Research;

/// <summary>
/// The server's study key: Dashboard:Research:StudyKey if set, else the owner-only file at
/// Dashboard:Research:StudyKeyPath (default: research-study.key in the Data Protection key folder), created on first use. Kept in memory only as the pseudonymiser; never logged.
/// </summary>
public sealed class StudyKeyProvider(IOptions<DashboardOptions> options)
{
    private readonly Lazy<StudyPseudonymiser> pseudonymiser = new(() =>
    {
        var research = options.Value.Research;
        var key = string.IsNullOrWhiteSpace(research.StudyKey)
            ? StudyKeyFile.LoadOrCreate(string.IsNullOrWhiteSpace(research.StudyKeyPath)
                ? Path.Combine(options.Value.DataProtection.KeysPath, "research-study.key")
                : research.StudyKeyPath)
            : StudyKeyFile.Parse(research.StudyKey, "Dashboard:Research:StudyKey");
        return new StudyPseudonymiser(key);
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    public StudyPseudonymiser Pseudonymiser => pseudonymiser.Value;
}
