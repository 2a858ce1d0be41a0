namespace ThermoHand.TestSupport;

/// <summary>
/// Locates the read-only <c>shared/</c> folder that sits beside the checkout (vectors, real recordings,
/// references). CI clones the repository into another folder with a copy of <c>shared/</c> beside it,
/// so we walk up from the test binaries instead of assuming a fixed path.
/// Set THERMOHAND_SHARED to point elsewhere.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string VectorsDirectory => Path.Combine(Root, "vectors", "mlx90640");

    public static string RecordingsDirectory => Path.Combine(Root, "data", "mlx90640-bench-recordings");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The repository root (the folder holding ThermoHand.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ThermoHand.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("ThermoHand.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static string FindRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("THERMOHAND_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "vectors")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "The shared/ folder (vectors, recordings) was not found beside the checkout. Set THERMOHAND_SHARED.");
    }
}
