using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ThermoHand.Dashboard.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, pg_ctl start on a free port
/// (127.0.0.1 and a private socket folder), fsync off (speed; the data is thrown away), pg_ctl stop and delete at the
/// end. Uses Debian's binaries in /usr/lib/postgresql/N/bin; as root they run as the "postgres" user, because
/// PostgreSQL refuses to run as root. <see cref="PostgresFactAttribute"/> skips the tests with a clear message only
/// when those binaries are absent (scripts/ensure-deps.sh test installs them, so CI runs them).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string binFolder = "";
    private readonly string dataFolder = "";
    private readonly bool started;
    private int databaseCounter;

    public PostgresServer()
    {
        // Without binaries the fixture stays idle: the [PostgresFact] tests are skipped, not failed.
        if (FindBinFolder() is not { } bin)
        {
            return;
        }

        binFolder = bin;
        dataFolder = Path.Combine(Path.GetTempPath(), "thermohand-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataFolder);
        if (RunAsPostgresUser)
        {
            Run("chown", $"postgres:postgres {dataFolder}");
        }

        Port = FreePort();
        RunPostgres("initdb", $"-D {dataFolder}/data -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8");
        RunPostgres("pg_ctl", $"-D {dataFolder}/data -l {dataFolder}/server.log -w -t 60 " +
                              $"-o \"-p {Port} -k {dataFolder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start");
        started = true;
    }

    public int Port { get; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>A fresh, empty database for one test; returns its connection string.</summary>
    public string CreateDatabase()
    {
        if (!started)
        {
            throw new InvalidOperationException(PostgresFactAttribute.SkipMessage);
        }

        var name = $"thermohand_{Interlocked.Increment(ref databaseCounter)}_{Guid.NewGuid():N}"[..40];
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    public void Dispose()
    {
        if (dataFolder.Length == 0)
        {
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            if (started)
            {
                RunPostgres("pg_ctl", $"-D {dataFolder}/data -m immediate -w stop");
            }
        }
        finally
        {
            Directory.Delete(dataFolder, recursive: true);
        }
    }

    public static string? FindBinFolder()
    {
        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.GetDirectories(Root)
            .Select(folder => Path.Combine(folder, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var version) ? version : 0)
            .FirstOrDefault();
    }

    private static bool RunAsPostgresUser => Environment.UserName == "root";

    private void RunPostgres(string tool, string arguments)
    {
        var executable = Path.Combine(binFolder, tool);
        if (RunAsPostgresUser)
        {
            Run("runuser", $"-u postgres -- {executable} {arguments}");
        }
        else
        {
            Run(executable, arguments);
        }
    }

    private static void Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp",
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in 90 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {error.Result}{output.Result}");
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>A fact that needs PostgreSQL's server binaries; skipped (with the reason) only when they are not installed.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string SkipMessage =
        "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; install Debian's postgresql package (scripts/ensure-deps.sh test does)";

    public PostgresFactAttribute()
    {
        if (PostgresServer.FindBinFolder() is null)
        {
            Skip = SkipMessage;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
