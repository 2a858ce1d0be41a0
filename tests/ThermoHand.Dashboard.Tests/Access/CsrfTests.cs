using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ThermoHand.Dashboard.Tests.Access;

/// <summary>
/// Every state-changing endpoint (POST/PUT/PATCH/DELETE, found from the running server) refuses a request from a
/// caller it admits when the antiforgery token is missing, and the refusal changes nothing in the database. Only the
/// device API is exempt: it takes no cookie, so a browser on another site cannot ride on a device credential.
/// </summary>
public sealed class CsrfTests(ClinicAccessFixture fixture, ITestOutputHelper output) : IClassFixture<ClinicAccessFixture>
{
    [Fact]
    public async Task State_changing_routes_need_the_antiforgery_token_and_change_nothing_without_it()
    {
        _ = fixture.Factory.Server;
        var writes = ClinicEndpoint.Read(fixture.Factory.Services, ClinicAccessFixture.RouteValue)
            .Where(e => e.ChangesState && !e.IsDeviceOnly).ToList();
        var failures = new List<string>();
        foreach (var endpoint in writes)
        {
            var caller = Caller.All.FirstOrDefault(c => !c.IsDevice && endpoint.Admits(c) && (c.Role is not null || endpoint.IsAnonymous));
            if (caller is null)
            {
                continue;
            }

            var before = await RowCountsAsync();
            var (status, location, _) = await RouteRoleMatrixTests.SendAsync(fixture.Clients[caller.Name], endpoint.Method, endpoint.Path, RouteRoleMatrixTests.EmptyBody(endpoint));
            var after = await RowCountsAsync();
            output.WriteLine($"{endpoint} as {caller}: {status}");
            if (status != 400)
            {
                failures.Add($"{endpoint} as {caller} without an antiforgery token answered {status}{(location is null ? "" : " → " + location)}, expected 400");
            }

            if (before != after)
            {
                failures.Add($"{endpoint} as {caller} without an antiforgery token changed the database: {before} → {after}");
            }
        }

        output.WriteLine($"{writes.Count} state-changing routes checked");
        Assert.NotEmpty(writes);
        Assert.Empty(failures);
    }

    /// <summary>Rows of every table, read straight from the SQLite file.</summary>
    private async Task<string> RowCountsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={fixture.Factory.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new List<string>();
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table}\"";
            counts.Add($"{table}={await count.ExecuteScalarAsync()}");
        }

        return string.Join(", ", counts);
    }
}
