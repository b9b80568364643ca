using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Conduit.Policies;

/// <summary>
/// <see cref="IRunStore"/> on SQLite in WAL mode (<c>&lt;stateDir&gt;/db.sqlite</c>). Records are kept as JSON beside the
/// columns that are queried; a <c>schema_migrations</c> table versions the schema. Safe across processes: state
/// changes that must be atomic run in <c>BEGIN IMMEDIATE</c> transactions.
/// </summary>
internal sealed class SqliteRunStore : IRunStore
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS conduit_runs (
            run_id TEXT PRIMARY KEY,
            project_id TEXT NOT NULL,
            policy_id TEXT NOT NULL,
            status TEXT NOT NULL,
            runner_provider TEXT,
            idempotency_key TEXT,
            external_ref TEXT,
            created_at TEXT NOT NULL,
            seq INTEGER NOT NULL,
            owner_pid INTEGER,
            owner_start INTEGER,
            record_json TEXT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS conduit_runs_idempotency ON conduit_runs(idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS conduit_runs_external_ref ON conduit_runs(project_id, policy_id, external_ref) WHERE external_ref IS NOT NULL;
        CREATE INDEX IF NOT EXISTS conduit_runs_status ON conduit_runs(status, seq);
        CREATE TABLE IF NOT EXISTS conduit_attempts (
            run_id TEXT NOT NULL,
            attempt_index INTEGER NOT NULL,
            status TEXT NOT NULL,
            record_json TEXT NOT NULL,
            PRIMARY KEY (run_id, attempt_index));
        CREATE TABLE IF NOT EXISTS conduit_check_results (
            run_id TEXT NOT NULL,
            attempt_index INTEGER NOT NULL,
            check_order INTEGER NOT NULL,
            name TEXT NOT NULL,
            passed INTEGER NOT NULL,
            exit_code INTEGER,
            record_json TEXT NOT NULL,
            PRIMARY KEY (run_id, attempt_index, check_order));
        CREATE TABLE IF NOT EXISTS conduit_run_processes (
            run_id TEXT NOT NULL,
            pid INTEGER NOT NULL,
            pgid INTEGER NOT NULL,
            start_time INTEGER NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (run_id, pid));
        """,
    ];

    private readonly string _connectionString;

    public SqliteRunStore(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS conduit_schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);", cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
        var version = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM conduit_schema_migrations;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        for (var index = version; index < Migrations.Length; index++)
        {
            await ExecuteAsync(connection, transaction, Migrations[index], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "INSERT INTO conduit_schema_migrations(version, applied_at) VALUES ($v, $t);", cancellationToken,
                ("$v", index + 1), ("$t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture))).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<(RunRecord Run, bool Created)> InsertQueuedRunAsync(RunRecord run, string? runnerProvider, int? maxQueuedRuns, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginImmediateAsync(connection, cancellationToken).ConfigureAwait(false);
        var existing = await FindExistingAsync(connection, transaction, run, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return (existing, false);
        }

        if (maxQueuedRuns is { } max)
        {
            var queued = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM conduit_runs WHERE status = 'queued';", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (queued >= max)
            {
                throw new QueueFullException(max);
            }
        }

        await ExecuteAsync(connection, transaction, """
            INSERT INTO conduit_runs(run_id, project_id, policy_id, status, runner_provider, idempotency_key, external_ref, created_at, seq, record_json)
            VALUES ($id, $project, $policy, $status, $provider, $key, $ref, $created, (SELECT COALESCE(MAX(seq), 0) + 1 FROM conduit_runs), $json);
            """, cancellationToken,
            ("$id", run.RunId), ("$project", run.ProjectId), ("$policy", run.PolicyId), ("$status", run.Status.ToName()),
            ("$provider", runnerProvider), ("$key", run.IdempotencyKey), ("$ref", run.ExternalRef),
            ("$created", run.CreatedAt.ToString("O", CultureInfo.InvariantCulture)), ("$json", Serialize(run))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (run, true);
    }

    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var json = await ScalarAsync(connection, null, "SELECT record_json FROM conduit_runs WHERE run_id = $id;", cancellationToken, ("$id", runId)).ConfigureAwait(false);
        return json is string text ? Deserialize<RunRecord>(text) : null;
    }

    public async Task UpdateRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "UPDATE conduit_runs SET status = $status, record_json = $json WHERE run_id = $id;", cancellationToken,
            ("$id", run.RunId), ("$status", run.Status.ToName()), ("$json", Serialize(run))).ConfigureAwait(false);
    }

    public async Task<RunRecord?> TryClaimNextAsync(int? maxActiveRuns, RunOwner owner, IReadOnlyCollection<string> pausedProviders, IReadOnlyCollection<string>? onlyRunIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginImmediateAsync(connection, cancellationToken).ConfigureAwait(false);
        if (maxActiveRuns is { } max)
        {
            var running = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM conduit_runs WHERE status = 'running';", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (running >= max)
            {
                return null;
            }
        }

        RunRecord? next = null;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT record_json, runner_provider, run_id FROM conduit_runs WHERE status = 'queued' ORDER BY seq;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var provider = reader.IsDBNull(1) ? null : reader.GetString(1);
                if ((provider is not null && pausedProviders.Contains(provider)) || (onlyRunIds is not null && !onlyRunIds.Contains(reader.GetString(2))))
                {
                    continue;
                }

                next = Deserialize<RunRecord>(reader.GetString(0));
                break;
            }
        }

        if (next is null)
        {
            return null;
        }

        var claimed = RunRecords.Copy(next, status: RunStatus.Running, startedAt: now);
        await ExecuteAsync(connection, transaction, "UPDATE conduit_runs SET status = 'running', owner_pid = $pid, owner_start = $start, record_json = $json WHERE run_id = $id;", cancellationToken,
            ("$id", claimed.RunId), ("$pid", owner.ProcessId), ("$start", owner.StartTime), ("$json", Serialize(claimed))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return claimed;
    }

    public async Task<RunRecord?> CancelIfQueuedAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginImmediateAsync(connection, cancellationToken).ConfigureAwait(false);
        var json = await ScalarAsync(connection, transaction, "SELECT record_json FROM conduit_runs WHERE run_id = $id AND status = 'queued';", cancellationToken, ("$id", runId)).ConfigureAwait(false);
        if (json is not string text)
        {
            return null;
        }

        var canceled = RunRecords.Copy(Deserialize<RunRecord>(text), status: RunStatus.Cancelled, finishedAt: now, cancelRequestedAt: now, failureSummary: "Run canceled");
        await ExecuteAsync(connection, transaction, "UPDATE conduit_runs SET status = $status, record_json = $json WHERE run_id = $id;", cancellationToken,
            ("$id", runId), ("$status", canceled.Status.ToName()), ("$json", Serialize(canceled))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return canceled;
    }

    public async Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginImmediateAsync(connection, cancellationToken).ConfigureAwait(false);
        var json = await ScalarAsync(connection, transaction, "SELECT record_json FROM conduit_runs WHERE run_id = $id AND status = 'running';", cancellationToken, ("$id", runId)).ConfigureAwait(false);
        if (json is not string text)
        {
            return false;
        }

        var run = Deserialize<RunRecord>(text);
        if (run.CancelRequestedAt is null)
        {
            await ExecuteAsync(connection, transaction, "UPDATE conduit_runs SET record_json = $json WHERE run_id = $id;", cancellationToken,
                ("$id", runId), ("$json", Serialize(RunRecords.Copy(run, cancelRequestedAt: now)))).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<(RunRecord Run, RunOwner? Owner)>> GetRunningAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record_json, owner_pid, owner_start FROM conduit_runs WHERE status = 'running' ORDER BY seq;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<(RunRecord, RunOwner?)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var owner = reader.IsDBNull(1) ? null : new RunOwner { ProcessId = reader.GetInt32(1), StartTime = reader.GetInt64(2) };
            result.Add((Deserialize<RunRecord>(reader.GetString(0)), owner));
        }

        return result;
    }

    public async Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, 500);
        var offset = int.TryParse(query.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.ProjectId is not null)
        {
            where.Add("project_id = $project");
            command.Parameters.AddWithValue("$project", query.ProjectId);
        }

        if (query.PolicyId is not null)
        {
            where.Add("policy_id = $policy");
            command.Parameters.AddWithValue("$policy", query.PolicyId);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select((s, i) => (Name: $"$s{i}", Value: s.ToName())).ToArray();
            where.Add($"status IN ({string.Join(", ", names.Select(n => n.Name))})");
            foreach (var (name, value) in names)
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        command.CommandText = "SELECT record_json FROM conduit_runs"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY seq DESC LIMIT $limit OFFSET $offset;";
        command.Parameters.AddWithValue("$limit", limit + 1);
        command.Parameters.AddWithValue("$offset", offset);
        var runs = new List<RunRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(Deserialize<RunRecord>(reader.GetString(0)));
        }

        var more = runs.Count > limit;
        return new RunPage
        {
            Runs = more ? runs[..limit] : runs,
            NextCursor = more ? (offset + limit).ToString(CultureInfo.InvariantCulture) : null,
        };
    }

    public async Task UpsertAttemptAsync(AttemptRecord attempt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO conduit_attempts(run_id, attempt_index, status, record_json) VALUES ($run, $index, $status, $json)
            ON CONFLICT(run_id, attempt_index) DO UPDATE SET status = excluded.status, record_json = excluded.record_json;
            """, cancellationToken,
            ("$run", attempt.RunId), ("$index", attempt.AttemptIndex), ("$status", attempt.Status.ToName()), ("$json", Serialize(attempt))).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "DELETE FROM conduit_check_results WHERE run_id = $run AND attempt_index = $index;", cancellationToken,
            ("$run", attempt.RunId), ("$index", attempt.AttemptIndex)).ConfigureAwait(false);
        foreach (var check in attempt.CheckResults)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO conduit_check_results(run_id, attempt_index, check_order, name, passed, exit_code, record_json)
                VALUES ($run, $index, $order, $name, $passed, $exit, $json);
                """, cancellationToken,
                ("$run", attempt.RunId), ("$index", attempt.AttemptIndex), ("$order", check.CheckOrder), ("$name", check.Name),
                ("$passed", check.Passed ? 1 : 0), ("$exit", check.ExitCode), ("$json", Serialize(check))).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record_json FROM conduit_attempts WHERE run_id = $run ORDER BY attempt_index;";
        command.Parameters.AddWithValue("$run", runId);
        var result = new List<AttemptRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Deserialize<AttemptRecord>(reader.GetString(0)));
        }

        return result;
    }

    public async Task RecordProcessAsync(RunProcessRecord process, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "INSERT OR REPLACE INTO conduit_run_processes(run_id, pid, pgid, start_time, kind) VALUES ($run, $pid, $pgid, $start, $kind);", cancellationToken,
            ("$run", process.RunId), ("$pid", process.ProcessId), ("$pgid", process.ProcessGroupId), ("$start", process.StartTime), ("$kind", process.Kind)).ConfigureAwait(false);
    }

    public async Task RemoveProcessAsync(string runId, int processId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "DELETE FROM conduit_run_processes WHERE run_id = $run AND pid = $pid;", cancellationToken,
            ("$run", runId), ("$pid", processId)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunProcessRecord>> GetProcessesAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pid, pgid, start_time, kind FROM conduit_run_processes WHERE run_id = $run;";
        command.Parameters.AddWithValue("$run", runId);
        var result = new List<RunProcessRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new RunProcessRecord { RunId = runId, ProcessId = reader.GetInt32(0), ProcessGroupId = reader.GetInt32(1), StartTime = reader.GetInt64(2), Kind = reader.GetString(3) });
        }

        return result;
    }

    private static async Task<RunRecord?> FindExistingAsync(SqliteConnection connection, SqliteTransaction transaction, RunRecord run, CancellationToken cancellationToken)
    {
        object? json = null;
        if (run.IdempotencyKey is not null)
        {
            json = await ScalarAsync(connection, transaction, "SELECT record_json FROM conduit_runs WHERE idempotency_key = $key;", cancellationToken, ("$key", run.IdempotencyKey)).ConfigureAwait(false);
        }

        if (json is null && run.ExternalRef is not null)
        {
            json = await ScalarAsync(connection, transaction, "SELECT record_json FROM conduit_runs WHERE project_id = $p AND policy_id = $pol AND external_ref = $ref;", cancellationToken,
                ("$p", run.ProjectId), ("$pol", run.PolicyId), ("$ref", run.ExternalRef)).ConfigureAwait(false);
        }

        return json is string text ? Deserialize<RunRecord>(text) : null;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static Task<SqliteTransaction> BeginImmediateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(connection.BeginTransaction(deferred: false));
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is DBNull ? null : result;
    }

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, ConduitJson.Options);

    private static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, ConduitJson.Options)
        ?? throw new InvalidOperationException("A stored record is empty.");
}
