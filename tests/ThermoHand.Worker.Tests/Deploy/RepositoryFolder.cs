using System.Runtime.CompilerServices;
using ThermoHand.TestSupport;

namespace ThermoHand.Worker.Tests.Deploy;

/// <summary>
/// The checkout these tests were compiled from (deploy.sh and hardware/ are files of the repository, not build
/// outputs). Found from the binaries when they sit inside the checkout, else from this source file's compile-time
/// path, so the tests also work with --artifacts-path outside the repository.
/// </summary>
internal static class RepositoryFolder
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        try
        {
            return SharedData.RepositoryRoot;
        }
        catch (DirectoryNotFoundException)
        {
            for (var dir = new DirectoryInfo(Path.GetDirectoryName(ThisSourceFile())!); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ThermoHand.sln")))
                {
                    return dir.FullName;
                }
            }

            throw;
        }
    }

    private static string ThisSourceFile([CallerFilePath] string path = "") => path;
}
