using System.Globalization;
using Npgsql;

namespace Conduit.Clustering;

/// <summary>
/// The versioned migrations of the cluster database (<c>Migrations/NNNN_name.sql</c>, embedded): Conduit's tables and
/// Quartz's tables for its pinned schema version. Applied on start, each in its own transaction, in order, recorded
/// in <c>conduit_schema_migrations</c>; a transaction-scoped advisory lock lets several daemons start at once.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key that serializes migrations (and nothing else).</summary>
    private const long MigrationLock = 0x436F6E647569; // "Condui"

    /// <summary>The embedded migrations, by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Applies the migrations the database has not seen; returns how many were applied.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key); CREATE TABLE IF NOT EXISTS conduit_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);", connection, transaction))
        {
            command.Parameters.AddWithValue("key", MigrationLock);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM conduit_schema_migrations;", connection, transaction))
        {
            current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        var applied = 0;
        foreach (var (version, name, sql) in Migrations.Where(m => m.Version > current))
        {
            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand("INSERT INTO conduit_schema_migrations(version, name, applied_at) VALUES (@v, @n, @t);", connection, transaction))
            {
                command.Parameters.AddWithValue("v", version);
                command.Parameters.AddWithValue("n", name);
                command.Parameters.AddWithValue("t", timeProvider.GetUtcNow());
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            applied++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }

    private static List<(int, string, string)> LoadMigrations()
    {
        const string prefix = "Conduit.Clustering.Migrations.";
        var assembly = typeof(PostgresSchema).Assembly;
        var result = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            result.Add((version, name, reader.ReadToEnd()));
        }

        for (var index = 0; index < result.Count; index++)
        {
            if (result[index].Item1 != index + 1)
            {
                throw new InvalidOperationException($"Migration {result[index].Item2} is out of sequence: expected version {index + 1}.");
            }
        }

        return result;
    }
}
