using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Tests.Support;

/// <summary>
/// A scratch folder of SQLite stores for a store contract's SQLite run: each store a fresh, migrated database file;
/// the folder (with its connection pools, which hold the files open) goes when the test class is disposed.
/// </summary>
internal sealed class SqliteStoreFolder(string prefix) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory(prefix).FullName;

    public async Task<SqlClinicStore> NewStoreAsync(TimeProvider clock)
    {
        var store = new SqliteClinicStore($"Data Source={Path.Combine(folder, Guid.NewGuid().ToString("N") + ".db")}", clock);
        await store.InitializeAsync();
        return store;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

/// <summary>A store contract's PostgreSQL run: each store a fresh, migrated database on the shared test server.</summary>
internal static class PostgresContractStores
{
    public static async Task<SqlClinicStore> NewStoreAsync(this PostgresServer server, TimeProvider clock)
    {
        var store = new PostgresClinicStore(Npgsql.NpgsqlDataSource.Create(server.CreateDatabase()), clock);
        await store.InitializeAsync();
        return store;
    }
}
