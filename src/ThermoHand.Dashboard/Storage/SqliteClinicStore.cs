using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ThermoHand.Dashboard.Storage;

/// <summary>The default store: one SQLite file in WAL mode (readers never block the device ingest, and vice versa).</summary>
public sealed class SqliteClinicStore : SqlClinicStore
{
    private readonly string connectionString;

    public SqliteClinicStore(string connectionString, TimeProvider clock) : base(clock)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        this.connectionString = builder.ToString();
    }

    protected override string AutoIncrementKey => "INTEGER PRIMARY KEY";

    protected override string BlobType => "BLOB";

    protected override string RealType => "REAL";

    protected override string IntegerType => "INTEGER";

    protected override DbConnection CreateConnection() => new SqliteConnection(connectionString);

    protected override async Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        // WAL is a property of the file, so setting it once here holds for every later connection.
        command.CommandText = "PRAGMA journal_mode = WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
