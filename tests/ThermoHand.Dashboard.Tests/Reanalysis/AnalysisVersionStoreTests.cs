using Microsoft.Extensions.Time.Testing;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;

namespace ThermoHand.Dashboard.Tests.Reanalysis;

/// <summary>The analysis-version table on SQLite and on a real PostgreSQL server: numbered, per hand, never overwritten.</summary>
public abstract class AnalysisVersionStoreContract
{
    protected static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    protected abstract Task<SqlClinicStore> NewStoreAsync();

    private static NewAnalysisVersion Hand(string hand, string hash) =>
        new(hand, "{\"settings\":{},\"source\":\"stored-frames\"}", hash, "{\"schema\":\"thermohand/analysis/v1\",\"hand\":\"" + hand + "\"}");

    [StoreFact]
    public async Task Versions_start_at_2_hold_every_hand_and_keep_what_was_stored()
    {
        var store = await NewStoreAsync();
        Assert.Empty(await store.ListAnalysisVersionsAsync("s-1"));
        Assert.Equal(2, await store.AddAnalysisVersionAsync("s-1", [Hand("left", "aaaa"), Hand("right", "aaaa")], "res"));
        Assert.Equal(3, await store.AddAnalysisVersionAsync("s-1", [Hand("left", "bbbb")], "clin"));
        Assert.Equal(2, await store.AddAnalysisVersionAsync("s-2", [Hand("right", "cccc")], "res"));

        var versions = await store.ListAnalysisVersionsAsync("s-1");
        Assert.Equal([("v2", "left"), ("v2", "right"), ("v3", "left")], versions.Select(v => (v.Label, v.Hand)));
        Assert.Equal("aaaa", versions[0].SettingsHash);
        Assert.Equal("left", versions[0].Result.GetProperty("hand").GetString());
        Assert.Equal("stored-frames", versions[0].Provenance.GetProperty("source").GetString());
        Assert.Equal("clin", versions[2].CreatedBy);
        Assert.Equal(Clock.GetUtcNow(), versions[2].CreatedUtc);
    }

    [StoreFact]
    public async Task Concurrent_reanalyses_get_distinct_versions()
    {
        var store = await NewStoreAsync();
        var numbers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => store.AddAnalysisVersionAsync("s-c", [Hand("left", "h" + i)], "res"))));
        Assert.Equal([2, 3, 4, 5], numbers.Order());
        Assert.Equal(4, (await store.ListAnalysisVersionsAsync("s-c")).Count);
    }
}

public sealed class SqliteAnalysisVersionStoreTests : AnalysisVersionStoreContract, IDisposable
{
    private readonly SqliteStoreFolder sqlite = new("thermohand-versions-");

    protected override Task<SqlClinicStore> NewStoreAsync() => sqlite.NewStoreAsync(Clock);

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAnalysisVersionStoreTests(PostgresServer server) : AnalysisVersionStoreContract, INeedsPostgres
{
    protected override Task<SqlClinicStore> NewStoreAsync() => server.NewStoreAsync(Clock);
}
