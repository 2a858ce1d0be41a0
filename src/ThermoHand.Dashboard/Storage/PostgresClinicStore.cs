using System.Data.Common;
using Npgsql;

namespace ThermoHand.Dashboard.Storage;

/// <summary>The store for a clinic with several devices and users: PostgreSQL through one pooled Npgsql data source.</summary>
public sealed class PostgresClinicStore(NpgsqlDataSource dataSource, TimeProvider clock) : SqlClinicStore(clock), IDisposable
{
    protected override string AutoIncrementKey => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    protected override string BlobType => "BYTEA";

    protected override string RealType => "DOUBLE PRECISION";

    protected override DbConnection CreateConnection() => dataSource.CreateConnection();

    public void Dispose() => dataSource.Dispose();
}
