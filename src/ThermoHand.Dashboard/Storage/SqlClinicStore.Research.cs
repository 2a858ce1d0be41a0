using System.Text.Json;
using ThermoHand.Exports.Research;

namespace ThermoHand.Dashboard.Storage;

// Research export storage: study tags (migration 2) and the cohort and curve queries. Same SQL for both databases.
public abstract partial class SqlClinicStore : IResearchStore
{
    /// <summary>Migration 2 (ClinicSchema): study group tags of sessions, who added them and when.</summary>
    internal static readonly string[] StudyTagsMigration =
    [
        """
        CREATE TABLE session_tags (
          session_id TEXT NOT NULL,
          tag TEXT NOT NULL,
          added_by TEXT NOT NULL,
          added_ms {INT} NOT NULL,
          PRIMARY KEY (session_id, tag))
        """,
        "CREATE INDEX ix_session_tags_tag ON session_tags (tag, session_id)",
    ];

    public Task<IReadOnlyList<string>> GetStudyTagsAsync(string sessionId, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT tag FROM session_tags WHERE session_id = @s ORDER BY tag", r => r.GetString(0), cancellationToken, ("s", sessionId));

    public async Task<bool> AddStudyTagAsync(string sessionId, string tag, string addedBy, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null,
            "INSERT INTO session_tags (session_id, tag, added_by, added_ms) VALUES (@s, @t, @u, @now) ON CONFLICT (session_id, tag) DO NOTHING",
            cancellationToken, ("s", sessionId), ("t", tag), ("u", addedBy), ("now", NowMs())) > 0;
    }

    public async Task<bool> RemoveStudyTagAsync(string sessionId, string tag, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "DELETE FROM session_tags WHERE session_id = @s AND tag = @t",
            cancellationToken, ("s", sessionId), ("t", tag)) > 0;
    }

    public Task<IReadOnlyList<string>> ListStudyTagsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT DISTINCT tag FROM session_tags ORDER BY tag", r => r.GetString(0), cancellationToken);

    public Task<IReadOnlyList<string>> ListPresetNamesAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT DISTINCT preset_name FROM sessions WHERE preset_name IS NOT NULL ORDER BY preset_name", r => r.GetString(0), cancellationToken);

    public async Task<ResearchCohort> FindCohortAsync(ResearchCohortFilter filter, CancellationToken cancellationToken = default)
    {
        // Conditions only for filters that are set (PostgreSQL cannot type an untyped NULL in "@p IS NULL").
        var where = new List<string> { "s.started_ms IS NOT NULL" };
        var parameters = new List<(string, object?)>();
        if (filter.StartedFromUtc is { } from)
        {
            where.Add("s.started_ms >= @from");
            parameters.Add(("from", from.ToUnixTimeMilliseconds()));
        }

        if (filter.StartedBeforeUtc is { } before)
        {
            where.Add("s.started_ms < @before");
            parameters.Add(("before", before.ToUnixTimeMilliseconds()));
        }

        if (!string.IsNullOrWhiteSpace(filter.PresetName))
        {
            where.Add("s.preset_name = @preset");
            parameters.Add(("preset", filter.PresetName));
        }

        if (!string.IsNullOrWhiteSpace(filter.Tag))
        {
            where.Add("EXISTS (SELECT 1 FROM session_tags t WHERE t.session_id = s.session_id AND t.tag = @tag)");
            parameters.Add(("tag", filter.Tag));
        }

        if (!string.IsNullOrWhiteSpace(filter.SessionId))
        {
            where.Add("s.session_id = @sid");
            parameters.Add(("sid", filter.SessionId));
        }

        var rows = await QueryAsync(
            "SELECT s.session_id, s.hands, s.outcome FROM sessions s WHERE " + string.Join(" AND ", where) + " ORDER BY s.session_id",
            r => (Id: r.GetString(0), Hands: JsonSerializer.Deserialize<string[]>(r.GetString(1)) ?? [], Outcome: Text(r, 2)),
            cancellationToken, [.. parameters]);
        return new ResearchCohort(
            rows.Where(r => r.Outcome is not null).Select(r => new CohortSession(r.Id, r.Hands)).ToList(),
            rows.Count(r => r.Outcome is null));
    }

    public async Task<long> CountRegionReadingsAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken = default)
    {
        // Counts the '"name":' keys of each frame's region JSON (written by this store, so the key occurs once per
        // region; inside a JSON string a quote would be escaped) without parsing every frame. LENGTH and REPLACE
        // behave the same in SQLite and PostgreSQL.
        long total = 0;
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var id in sessionIds)
        {
            var value = await ScalarAsync(connection, null,
                "SELECT COALESCE(SUM((LENGTH(regions) - LENGTH(REPLACE(regions, '\"name\":', ''))) / 7), 0) FROM frames WHERE session_id = @s",
                cancellationToken, ("s", id));
            total += value is null ? 0 : Convert.ToInt64(value);
        }

        return total;
    }

    public async Task<IReadOnlyList<ResearchRegionReading>> GetRegionReadingsAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var frames = await QueryAsync("SELECT hand, t_s, regions FROM frames WHERE session_id = @s ORDER BY hand, t_s, frame_id",
            r => (Hand: r.GetString(0), Time: r.GetDouble(1), Regions: r.GetString(2)), cancellationToken, ("s", sessionId));
        var readings = new List<ResearchRegionReading>();
        foreach (var frame in frames)
        {
            foreach (var region in JsonSerializer.Deserialize<RegionReading[]>(frame.Regions, Json) ?? [])
            {
                readings.Add(new ResearchRegionReading(frame.Hand, frame.Time, region.Name, region.Digit, region.TemperatureC, region.Trusted, region.Flag));
            }
        }

        return readings;
    }
}
