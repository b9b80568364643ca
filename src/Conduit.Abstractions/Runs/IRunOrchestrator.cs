namespace Conduit;

/// <summary>
/// Execution mode ("runs"): policy-driven agent runs with checks, retries and escalation, persisted and queued.
/// The CLI and the daemon only call this interface.
/// </summary>
public interface IRunOrchestrator
{
    /// <summary>
    /// Persists and queues a run, and returns its record. With an idempotency key (or the original's
    /// project/policy/external_ref triple) already seen, returns the existing run instead of a new one.
    /// </summary>
    /// <exception cref="ConduitException">The project or policy is unknown or invalid, or the queue is full.</exception>
    Task<RunRecord> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken = default);

    /// <summary>Returns the run, or <see langword="null"/> when there is none with that id.</summary>
    Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Returns the attempts of a run, oldest first.</summary>
    Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Lists runs, newest first.</summary>
    Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The run's events: every recorded event after <paramref name="afterSequence"/>, then live ones as they happen.
    /// The stream ends after the run reaches a terminal status.
    /// </summary>
    IAsyncEnumerable<RunEvent> EventsAsync(string runId, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>Requests cancellation. Returns <see langword="false"/> when the run had already ended.</summary>
    /// <exception cref="RunNotFoundException">There is no such run.</exception>
    Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Waits until the run reaches a terminal status and returns its final record.</summary>
    /// <exception cref="RunNotFoundException">There is no such run.</exception>
    Task<RunRecord> WaitAsync(string runId, CancellationToken cancellationToken = default);
}
