namespace ThermoHand.Simulation;

/// <summary>The clinical groups the simulated patient can belong to (clinical.md §4).</summary>
public enum PatientGroup
{
    /// <summary>No Raynaud's phenomenon.</summary>
    Healthy,

    /// <summary>Primary Raynaud's phenomenon (PRP).</summary>
    PrimaryRaynauds,

    /// <summary>Raynaud's phenomenon secondary to systemic sclerosis (SSc).</summary>
    SystemicSclerosis,
}

/// <summary>The words used for the groups on the command line and in the ground-truth file.</summary>
public static class PatientGroupNames
{
    public static string ToWord(this PatientGroup group) => group switch
    {
        PatientGroup.Healthy => "healthy",
        PatientGroup.PrimaryRaynauds => "primary",
        PatientGroup.SystemicSclerosis => "ssc",
        _ => throw new ArgumentOutOfRangeException(nameof(group)),
    };

    public static bool TryParse(string? word, out PatientGroup group)
    {
        switch (word?.Trim().ToLowerInvariant())
        {
            case "healthy":
                group = PatientGroup.Healthy;
                return true;
            case "primary":
            case "prp":
                group = PatientGroup.PrimaryRaynauds;
                return true;
            case "ssc":
            case "secondary":
                group = PatientGroup.SystemicSclerosis;
                return true;
            default:
                group = default;
                return false;
        }
    }
}
