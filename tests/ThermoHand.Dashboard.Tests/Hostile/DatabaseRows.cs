using Microsoft.Data.Sqlite;

namespace ThermoHand.Dashboard.Tests.Hostile;

/// <summary>Row counts of every table, read straight from a dashboard's SQLite file: "nothing stored half-way" is checked on the database itself.</summary>
internal static class DatabaseRows
{
    public static async Task<IReadOnlyDictionary<string, long>> CountAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
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

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table}\"";
            counts[table] = Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return counts;
    }

    public static string Describe(IReadOnlyDictionary<string, long> counts) => string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"));

    /// <summary>The tables whose counts differ, as "table a→b".</summary>
    public static string Difference(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        string.Join(", ", after.Where(a => !before.TryGetValue(a.Key, out var b) || b != a.Value)
            .Select(a => $"{a.Key} {(before.TryGetValue(a.Key, out var b) ? b : 0)}→{a.Value}"));
}
