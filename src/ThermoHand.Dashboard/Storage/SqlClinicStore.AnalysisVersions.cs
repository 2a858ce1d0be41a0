using System.Globalization;

namespace ThermoHand.Dashboard.Storage;

/// <summary>Versioned analysis results (re-analysis), schema version 3.</summary>
public abstract partial class SqlClinicStore : IAnalysisVersionStore
{
    /// <summary>The device's own result is version 1 ("device"); re-analyses start at 2.</summary>
    private const int FirstReanalysisVersion = 2;

    public async Task<int> AddAnalysisVersionAsync(string sessionId, IReadOnlyList<NewAnalysisVersion> hands, string createdBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(hands);
        if (hands.Count == 0)
        {
            throw new ArgumentException("a re-analysis stores at least one hand", nameof(hands));
        }

        // Two re-analyses finishing at once could pick the same number: the primary key refuses the second, which
        // then takes the next number. Nothing is ever overwritten.
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var highest = await ScalarAsync(connection, transaction, "SELECT MAX(version) FROM analysis_versions WHERE session_id = @s", cancellationToken, ("s", sessionId));
            var version = highest is null ? FirstReanalysisVersion : (int)Convert.ToInt64(highest, CultureInfo.InvariantCulture) + 1;
            try
            {
                foreach (var hand in hands)
                {
                    await ExecuteAsync(connection, transaction,
                        "INSERT INTO analysis_versions (session_id, version, hand, label, provenance, settings_hash, result, created_by, created_ms) " +
                        "VALUES (@s, @v, @h, @l, @p, @x, @r, @u, @c)",
                        cancellationToken, ("s", sessionId), ("v", (long)version), ("h", hand.Hand), ("l", "v" + version.ToString(CultureInfo.InvariantCulture)),
                        ("p", hand.ProvenanceJson), ("x", hand.SettingsHash), ("r", hand.ResultJson), ("u", createdBy), ("c", NowMs()));
                }

                await transaction.CommitAsync(cancellationToken);
                return version;
            }
            catch (System.Data.Common.DbException) when (attempt < 3)
            {
                await transaction.RollbackAsync(cancellationToken);
            }
        }
    }

    public Task<IReadOnlyList<StoredAnalysisVersion>> ListAnalysisVersionsAsync(string sessionId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT session_id, version, hand, label, provenance, settings_hash, result, created_by, created_ms FROM analysis_versions " +
            "WHERE session_id = @s ORDER BY version, hand",
            r => new StoredAnalysisVersion(r.GetString(0), (int)Long(r, 1), r.GetString(2), r.GetString(3), ParseJson(r.GetString(4)), r.GetString(5),
                ParseJson(r.GetString(6)), r.GetString(7), Time(r, 8)!.Value),
            cancellationToken, ("s", sessionId));
}
