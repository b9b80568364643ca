using System.Text.Json;
using Conduit.Policies;
using Npgsql;

namespace Conduit.Clustering;

/// <summary>
/// <see cref="IRunStore"/> on PostgreSQL, shared by every daemon of a cluster: runs, attempts, check results, the
/// processes each node started and the run events (with a per-run gap-free sequence). Records are stored as JSON
/// beside the queried columns, as in <c>SqliteRunStore</c>. Changes that must be atomic run in one transaction.
/// </summary>
internal sealed class PostgresRunStore(NpgsqlDataSource dataSource, string nodeId, TimeProvider timeProvider) : IRunStore
{
    /// <summary>The channel a cancel request is announced on (payload: the run id).</summary>
    public const string CancelChannel = "conduit_run_cancel";

    /// <summary>The channel an appended run event is announced on (payload: the run id).</summary>
    public const string EventsChannel = "conduit_run_events";

    /// <summary>Serializes the queue-limit check with the insert across daemons.</summary>
    private const long QueueLock = 0x436F6E647551; // "ConduQ"

    public string NodeId => nodeId;

    public async Task InitializeAsync(CancellationToken cancellationToken) =>
        await PostgresSchema.MigrateAsync(dataSource, timeProvider, cancellationToken).ConfigureAwait(false);

    public async Task<(RunRecord Run, bool Created)> InsertQueuedRunAsync(RunRecord run, string? runnerProvider, int? maxQueuedRuns, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("key", QueueLock)).ConfigureAwait(false);
        var existing = await FindExistingAsync(connection, transaction, run, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return (existing, false);
        }

        if (maxQueuedRuns is { } max)
        {
            var queued = (long)(await ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM conduit_runs WHERE status = 'queued';", cancellationToken).ConfigureAwait(false))!;
            if (queued >= max)
            {
                throw new QueueFullException(max);
            }
        }

        await ExecuteAsync(connection, transaction, """
            INSERT INTO conduit_runs(run_id, project_id, policy_id, status, runner_provider, idempotency_key, external_ref, created_at, record_json)
            VALUES (@id, @project, @policy, @status, @provider, @key, @ref, @created, @json);
            """, cancellationToken,
            ("id", run.RunId), ("project", run.ProjectId), ("policy", run.PolicyId), ("status", run.Status.ToName()),
            ("provider", runnerProvider), ("key", run.IdempotencyKey), ("ref", run.ExternalRef),
            ("created", run.CreatedAt), ("json", Serialize(run))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (run, true);
    }

    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var json = await ScalarAsync(connection, null, "SELECT record_json FROM conduit_runs WHERE run_id = @id;", cancellationToken, ("id", runId)).ConfigureAwait(false);
        return json is string text ? Deserialize<RunRecord>(text) : null;
    }

    public async Task UpdateRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "UPDATE conduit_runs SET status = @status, record_json = @json WHERE run_id = @id;", cancellationToken,
            ("id", run.RunId), ("status", run.Status.ToName()), ("json", Serialize(run))).ConfigureAwait(false);
    }

    /// <summary>Not used in a cluster: Quartz decides which node executes a run, and the node claims it with <see cref="ClaimAsync"/>.</summary>
    public Task<RunRecord?> TryClaimNextAsync(int? maxActiveRuns, RunOwner owner, IReadOnlyCollection<string> pausedProviders, IReadOnlyCollection<string>? onlyRunIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotSupportedException("A cluster dispatches runs through Quartz; see ClusteredRunOrchestrator.");

    /// <summary>
    /// Makes this node the run's executor: a queued run becomes running; a running one keeps running under this node
    /// only when <paramref name="recovering"/> (its node died and Quartz recovered the job here), else it is left alone
    /// (<c>Claimed</c> false). Returns the run as it was and its previous node, or <see langword="null"/> when the run
    /// is missing or already ended (for example canceled while queued).
    /// </summary>
    public async Task<(RunRecord Previous, string? PreviousNode, bool Claimed)?> ClaimAsync(string runId, bool recovering, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        RunRecord previous;
        string? previousNode;
        await using (var command = new NpgsqlCommand("SELECT record_json, owner_node FROM conduit_runs WHERE run_id = @id FOR UPDATE;", connection, transaction))
        {
            command.Parameters.AddWithValue("id", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            previous = Deserialize<RunRecord>(reader.GetString(0));
            previousNode = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        if (previous.Status is not (RunStatus.Queued or RunStatus.Running))
        {
            return null;
        }

        if (previous.Status == RunStatus.Running && !recovering)
        {
            return (previous, previousNode, false);
        }

        var claimed = RunRecords.Copy(previous, status: RunStatus.Running, startedAt: previous.StartedAt ?? now);
        await ExecuteAsync(connection, transaction, "UPDATE conduit_runs SET status = 'running', owner_node = @node, record_json = @json WHERE run_id = @id;", cancellationToken,
            ("id", runId), ("node", nodeId), ("json", Serialize(claimed))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (previous, previousNode, true);
    }

    public async Task<RunRecord?> CancelIfQueuedAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var json = await ScalarAsync(connection, transaction, "SELECT record_json FROM conduit_runs WHERE run_id = @id AND status = 'queued' FOR UPDATE;", cancellationToken, ("id", runId)).ConfigureAwait(false);
        if (json is not string text)
        {
            return null;
        }

        var canceled = RunRecords.Copy(Deserialize<RunRecord>(text), status: RunStatus.Cancelled, finishedAt: now, cancelRequestedAt: now, failureSummary: "Run canceled");
        await ExecuteAsync(connection, transaction, "UPDATE conduit_runs SET status = @status, cancel_requested = true, record_json = @json WHERE run_id = @id;", cancellationToken,
            ("id", runId), ("status", canceled.Status.ToName()), ("json", Serialize(canceled))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return canceled;
    }

    /// <summary>Flags a running run as canceled and announces it on <see cref="CancelChannel"/> (delivered at commit).</summary>
    public async Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var json = await ScalarAsync(connection, transaction, "SELECT record_json FROM conduit_runs WHERE run_id = @id AND status = 'running' FOR UPDATE;", cancellationToken, ("id", runId)).ConfigureAwait(false);
        if (json is not string text)
        {
            return false;
        }

        var run = Deserialize<RunRecord>(text);
        await ExecuteAsync(connection, transaction, "UPDATE conduit_runs SET cancel_requested = true, record_json = @json WHERE run_id = @id; SELECT pg_notify(@channel, @id);", cancellationToken,
            ("id", runId), ("channel", CancelChannel), ("json", Serialize(run.CancelRequestedAt is null ? RunRecords.Copy(run, cancelRequestedAt: now) : run))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Which of <paramref name="runIds"/> have a cancel request (the fallback when a notification was missed).</summary>
    public async Task<IReadOnlyList<string>> CancelRequestedAsync(IReadOnlyCollection<string> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT run_id FROM conduit_runs WHERE run_id = ANY(@ids) AND cancel_requested;", connection);
        command.Parameters.AddWithValue("ids", runIds.ToArray());
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    public async Task<IReadOnlyList<(RunRecord Run, RunOwner? Owner)>> GetRunningAsync(CancellationToken cancellationToken)
    {
        var page = await ListRunsAsync(new RunQuery { Statuses = [RunStatus.Running], Limit = 500 }, cancellationToken).ConfigureAwait(false);
        return page.Runs.Select(r => (r, (RunOwner?)null)).ToArray();
    }

    /// <summary>Running runs and the node executing each.</summary>
    public async Task<IReadOnlyList<(string RunId, string? Node)>> GetRunningByNodeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT run_id, owner_node FROM conduit_runs WHERE status = 'running' ORDER BY seq;", connection);
        var result = new List<(string, string?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return result;
    }

    /// <summary>Queued runs that have no Quartz trigger (their daemon stopped between storing and scheduling them).</summary>
    public async Task<IReadOnlyList<string>> QueuedWithoutJobAsync(string jobGroup, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT r.run_id FROM conduit_runs r
            WHERE r.status = 'queued' AND NOT EXISTS (SELECT 1 FROM qrtz_triggers t WHERE t.trigger_group = @group AND t.trigger_name = r.run_id)
              AND NOT EXISTS (SELECT 1 FROM qrtz_fired_triggers f WHERE f.trigger_group = @group AND f.trigger_name = r.run_id)
            ORDER BY r.seq;
            """, connection);
        command.Parameters.AddWithValue("group", jobGroup);
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    public async Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, 500);
        var offset = int.TryParse(query.Cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection };
        var where = new List<string>();
        if (query.ProjectId is not null)
        {
            where.Add("project_id = @project");
            command.Parameters.AddWithValue("project", query.ProjectId);
        }

        if (query.PolicyId is not null)
        {
            where.Add("policy_id = @policy");
            command.Parameters.AddWithValue("policy", query.PolicyId);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            where.Add("status = ANY(@statuses)");
            command.Parameters.AddWithValue("statuses", statuses.Select(s => s.ToName()).ToArray());
        }

        command.CommandText = "SELECT record_json FROM conduit_runs"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY seq DESC LIMIT @limit OFFSET @offset;";
        command.Parameters.AddWithValue("limit", limit + 1);
        command.Parameters.AddWithValue("offset", offset);
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
            NextCursor = more ? (offset + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        };
    }

    public async Task UpsertAttemptAsync(AttemptRecord attempt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO conduit_attempts(run_id, attempt_index, status, owner_node, record_json) VALUES (@run, @index, @status, @node, @json)
            ON CONFLICT (run_id, attempt_index) DO UPDATE SET status = excluded.status, record_json = excluded.record_json;
            DELETE FROM conduit_check_results WHERE run_id = @run AND attempt_index = @index;
            """, cancellationToken,
            ("run", attempt.RunId), ("index", attempt.AttemptIndex), ("status", attempt.Status.ToName()), ("node", nodeId), ("json", Serialize(attempt))).ConfigureAwait(false);
        foreach (var check in attempt.CheckResults)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO conduit_check_results(run_id, attempt_index, check_order, name, passed, exit_code, record_json)
                VALUES (@run, @index, @order, @name, @passed, @exit, @json);
                """, cancellationToken,
                ("run", attempt.RunId), ("index", attempt.AttemptIndex), ("order", check.CheckOrder), ("name", check.Name),
                ("passed", check.Passed), ("exit", check.ExitCode), ("json", Serialize(check))).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT record_json FROM conduit_attempts WHERE run_id = @run ORDER BY attempt_index;", connection);
        command.Parameters.AddWithValue("run", runId);
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
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, """
            INSERT INTO conduit_run_processes(run_id, pid, pgid, start_time, kind, owner_node) VALUES (@run, @pid, @pgid, @start, @kind, @node)
            ON CONFLICT (run_id, owner_node, pid) DO UPDATE SET pgid = excluded.pgid, start_time = excluded.start_time, kind = excluded.kind;
            """, cancellationToken,
            ("run", process.RunId), ("pid", process.ProcessId), ("pgid", process.ProcessGroupId), ("start", process.StartTime), ("kind", process.Kind), ("node", nodeId)).ConfigureAwait(false);
    }

    public async Task RemoveProcessAsync(string runId, int processId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "DELETE FROM conduit_run_processes WHERE run_id = @run AND pid = @pid AND owner_node = @node;", cancellationToken,
            ("run", runId), ("pid", processId), ("node", nodeId)).ConfigureAwait(false);
    }

    /// <summary>The processes this node started for the run: another node's pids mean nothing on this machine.</summary>
    public async Task<IReadOnlyList<RunProcessRecord>> GetProcessesAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT pid, pgid, start_time, kind FROM conduit_run_processes WHERE run_id = @run AND owner_node = @node;", connection);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("node", nodeId);
        var result = new List<RunProcessRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new RunProcessRecord { RunId = runId, ProcessId = reader.GetInt32(0), ProcessGroupId = reader.GetInt32(1), StartTime = reader.GetInt64(2), Kind = reader.GetString(3) });
        }

        return result;
    }

    /// <summary>
    /// Appends an event to the run's shared log with the next sequence number (a per-run advisory lock keeps it gap-free
    /// across nodes) and announces it on <see cref="EventsChannel"/>. Returns the stored sequence.
    /// </summary>
    public async Task<long> AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@run, 0));", cancellationToken, ("run", runEvent.RunId)).ConfigureAwait(false);
        var sequence = (long)(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM conduit_run_events WHERE run_id = @run;", cancellationToken, ("run", runEvent.RunId)).ConfigureAwait(false))!;
        var stored = new RunEvent
        {
            Sequence = sequence,
            RunId = runEvent.RunId,
            Type = runEvent.Type,
            Timestamp = runEvent.Timestamp,
            AttemptIndex = runEvent.AttemptIndex,
            Data = runEvent.Data,
        };
        await ExecuteAsync(connection, transaction, "INSERT INTO conduit_run_events(run_id, seq, type, node, event_json) VALUES (@run, @seq, @type, @node, @json); SELECT pg_notify(@channel, @run);", cancellationToken,
            ("run", runEvent.RunId), ("seq", sequence), ("type", runEvent.Type), ("node", nodeId), ("json", Serialize(stored)), ("channel", EventsChannel)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return sequence;
    }

    /// <summary>The run's events after <paramref name="afterSequence"/>, in order.</summary>
    public async Task<IReadOnlyList<RunEvent>> ReadEventsAsync(string runId, long afterSequence, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT event_json FROM conduit_run_events WHERE run_id = @run AND seq > @after ORDER BY seq;", connection);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("after", afterSequence);
        var result = new List<RunEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Deserialize<RunEvent>(reader.GetString(0)));
        }

        return result;
    }

    private static async Task<RunRecord?> FindExistingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RunRecord run, CancellationToken cancellationToken)
    {
        object? json = null;
        if (run.IdempotencyKey is not null)
        {
            json = await ScalarAsync(connection, transaction, "SELECT record_json FROM conduit_runs WHERE idempotency_key = @key;", cancellationToken, ("key", run.IdempotencyKey)).ConfigureAwait(false);
        }

        if (json is null && run.ExternalRef is not null)
        {
            json = await ScalarAsync(connection, transaction, "SELECT record_json FROM conduit_runs WHERE project_id = @p AND policy_id = @pol AND external_ref = @ref;", cancellationToken,
                ("p", run.ProjectId), ("pol", run.PolicyId), ("ref", run.ExternalRef)).ConfigureAwait(false);
        }

        return json is string text ? Deserialize<RunRecord>(text) : null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        AddParameters(command, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        AddParameters(command, parameters);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is DBNull ? null : result;
    }

    private static void AddParameters(NpgsqlCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, ConduitJson.Options);

    private static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, ConduitJson.Options)
        ?? throw new InvalidOperationException("A stored record is empty.");
}
