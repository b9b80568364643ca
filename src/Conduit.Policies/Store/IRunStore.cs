namespace Conduit.Policies;

/// <summary>Who executes a run: a process (pid and its start time, so a reused pid is not mistaken for it).</summary>
internal sealed class RunOwner
{
    public required int ProcessId { get; init; }

    public required long StartTime { get; init; }
}

/// <summary>A child process started for a run (agent, hook or check), recorded so a restarted orchestrator can kill orphans.</summary>
internal sealed class RunProcessRecord
{
    public required string RunId { get; init; }

    public required int ProcessId { get; init; }

    public required int ProcessGroupId { get; init; }

    public required long StartTime { get; init; }

    public required string Kind { get; init; }
}

/// <summary>Durable storage of runs, attempts and check results. SQLite today; PostgreSQL can implement it later.</summary>
internal interface IRunStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a queued run unless one with the same idempotency key or (project, policy, external_ref) exists, in which
    /// case that one is returned. Rejects with <see cref="QueueFullException"/> when the queue is full. Atomic.
    /// </summary>
    Task<(RunRecord Run, bool Created)> InsertQueuedRunAsync(RunRecord run, string? runnerProvider, int? maxQueuedRuns, CancellationToken cancellationToken);

    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    Task UpdateRunAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>Atomically moves the oldest queued run (skipping the given providers) to running when fewer than <paramref name="maxActiveRuns"/> run.</summary>
    Task<RunRecord?> TryClaimNextAsync(int? maxActiveRuns, RunOwner owner, IReadOnlyCollection<string> pausedProviders, IReadOnlyCollection<string>? onlyRunIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Cancels a run if it is still queued. Returns the updated run, or null when it was not queued.</summary>
    Task<RunRecord?> CancelIfQueuedAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks cancellation requested on a running run. Returns false when it is not running.</summary>
    Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<(RunRecord Run, RunOwner? Owner)>> GetRunningAsync(CancellationToken cancellationToken);

    Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    Task UpsertAttemptAsync(AttemptRecord attempt, CancellationToken cancellationToken);

    Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken);

    Task RecordProcessAsync(RunProcessRecord process, CancellationToken cancellationToken);

    Task RemoveProcessAsync(string runId, int processId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunProcessRecord>> GetProcessesAsync(string runId, CancellationToken cancellationToken);
}
