using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Conduit.Policies.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Conduit.Policies;

/// <summary>
/// The execution-mode orchestrator: persists submitted runs (SQLite + JSONL event logs in the state dir), executes
/// them FIFO within <c>maxActiveRuns</c> (slots are claimed in one SQLite transaction by a single dispatcher loop),
/// and on start marks runs left <c>running</c> by a dead orchestrator as <c>interrupted</c> and kills their processes.
/// </summary>
internal sealed partial class RunOrchestrator : IRunOrchestrator, IAsyncDisposable
{
    private readonly ConduitRunsOptions _options;
    private readonly IRunStore _store;
    private readonly RunEventLog _eventLog;
    private readonly RunExecutor _executor;
    private readonly ProviderBackpressure _backpressure;
    private readonly IProjectResolver _projects;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lazy<Task> _started;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);
    private readonly RunOwner _owner = new() { ProcessId = Environment.ProcessId, StartTime = ProcessReaper.StartTime(Environment.ProcessId) };
    private Task? _dispatcher;

    public RunOrchestrator(
        IOptions<ConduitRunsOptions> options,
        IAgentRunnerFactory runnerFactory,
        IProjectResolver projects,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(options.Value, runnerFactory, projects, timeProvider ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance, launcher: null)
    {
    }

    internal RunOrchestrator(
        ConduitRunsOptions options,
        IAgentRunnerFactory runnerFactory,
        IProjectResolver projects,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        ProcessLauncher? launcher,
        IRunStore? store = null)
    {
        options.Validate();
        _options = options;
        _projects = projects;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("Conduit.Policies.RunOrchestrator");
        launcher ??= (options, cancellationToken) => Conduit.Runners.Processes.ChildProcess.RunAsync(options, cancellationToken);
        _store = store ?? new SqliteRunStore(options.DatabasePath ?? Path.Combine(options.StateDirectory, "db.sqlite"));
        _eventLog = new RunEventLog(options.StateDirectory, timeProvider);
        _backpressure = new ProviderBackpressure(timeProvider, options.RateLimitPause, options.MaxRateLimitPause);
        _executor = new RunExecutor(_store, _eventLog, new CommandExecutor(launcher, _store, _eventLog, timeProvider, options.LoginShell), new GitWorkspace(launcher),
            runnerFactory, projects, _backpressure, options, timeProvider, _logger);
        _started = new Lazy<Task>(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The event log, for hosts that tail it.</summary>
    internal RunEventLog EventLog => _eventLog;

    public async Task<RunRecord> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        await _started.Value.ConfigureAwait(false);
        var run = await RunSubmissions.CreateQueuedAsync(submission, _projects, _options.DefaultRunner, _timeProvider, cancellationToken).ConfigureAwait(false);
        run = RunRecords.Copy(run, runRecordPath: Path.Combine(_eventLog.RunDirectory(run.RunId), "run.json"));
        // Counted before the insert: once the row exists the dispatcher may claim it (and count -1) at any moment.
        RunTelemetry.RunQueued(run.PolicyId);
        RunRecord stored;
        bool created;
        try
        {
            (stored, created) = await _store.InsertQueuedRunAsync(run, run.Runner!.Provider, _options.MaxQueuedRuns, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            RunTelemetry.QueuedRunWithdrawn(run.PolicyId);
            throw;
        }

        if (!created)
        {
            RunTelemetry.QueuedRunWithdrawn(run.PolicyId);
        }
        else
        {
            Directory.CreateDirectory(_eventLog.RunDirectory(stored.RunId));
            await File.WriteAllTextAsync(Path.Combine(_eventLog.RunDirectory(stored.RunId), "run.json"),
                System.Text.Json.JsonSerializer.Serialize(stored, ConduitJson.Options), CancellationToken.None).ConfigureAwait(false);
            _eventLog.Append(stored.RunId, "run.status", null, new { status = "queued" });
            _wake.Release();
        }

        return stored;
    }

    public async Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        await _started.Value.ConfigureAwait(false);
        return await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default)
    {
        await _started.Value.ConfigureAwait(false);
        return await _store.GetAttemptsAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _started.Value.ConfigureAwait(false);
        return await _store.ListRunsAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<RunEvent> EventsAsync(string runId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _started.Value.ConfigureAwait(false);
        _ = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        long offset = 0;
        var last = afterSequence;
        while (true)
        {
            var next = _eventLog.NextAppend(runId);
            (var events, offset) = _eventLog.ReadFrom(runId, offset);
            foreach (var runEvent in events)
            {
                if (runEvent.Sequence <= last)
                {
                    continue;
                }

                last = runEvent.Sequence;
                yield return runEvent;
            }

            if (events.Count > 0 && events.Exists(IsTerminalStatus))
            {
                yield break;
            }

            var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (run is null || (run.Status.IsTerminal() && !_active.ContainsKey(runId) && _eventLog.ReadFrom(runId, offset).Events.Count == 0))
            {
                yield break;
            }

            // Woken by an append in this process, or poll the file for another process's writes.
            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static bool IsTerminalStatus(RunEvent runEvent) =>
        runEvent.Type == "run.status" &&
        runEvent.Data.TryGetProperty("status", out var status) &&
        RunStatusNames.TryParse(status.GetString(), out var parsed) &&
        parsed.IsTerminal();

    public async Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default)
    {
        await _started.Value.ConfigureAwait(false);
        var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        if (run.Status.IsTerminal())
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        var canceled = await _store.CancelIfQueuedAsync(runId, now, cancellationToken).ConfigureAwait(false);
        if (canceled is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(_eventLog.RunDirectory(runId), "run.json"),
                System.Text.Json.JsonSerializer.Serialize(canceled, ConduitJson.Options), CancellationToken.None).ConfigureAwait(false);
            _eventLog.Append(runId, "run.status", null, new { status = "canceled", failure_summary = "Run canceled" });
            RunTelemetry.QueuedRunCanceled(canceled.PolicyId);
            _wake.Release();
            return true;
        }

        if (!await _store.RequestCancelAsync(runId, now, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (_active.TryGetValue(runId, out var active))
        {
            await active.Cancel.CancelAsync().ConfigureAwait(false);
        }

        return true;
    }

    public async Task<RunRecord> WaitAsync(string runId, CancellationToken cancellationToken = default)
    {
        await _started.Value.ConfigureAwait(false);
        while (true)
        {
            var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
            if (run.Status.IsTerminal() && !_active.ContainsKey(runId))
            {
                return run;
            }

            if (_active.TryGetValue(runId, out var active))
            {
                await active.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await Task.WhenAny(_eventLog.NextAppend(runId), Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Stops taking runs, interrupts in-flight ones (they are marked <c>interrupted</c>), and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_shutdown.IsCancellationRequested)
        {
            await _shutdown.CancelAsync().ConfigureAwait(false);
        }

        if (_dispatcher is not null)
        {
            try
            {
                await _dispatcher.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await Task.WhenAll(_active.Values.Select(a => a.Completion.Task)).ConfigureAwait(false);
        _shutdown.Dispose();
        _wake.Dispose();
    }

    private async Task StartAsync()
    {
        await _store.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
        await RecoverAsync().ConfigureAwait(false);
        if (_options.ExecuteRuns)
        {
            _dispatcher = Task.Run(DispatchLoopAsync);
        }
    }

    /// <summary>Runs left <c>running</c> by a dead orchestrator become <c>interrupted</c>; their processes are killed.</summary>
    private async Task RecoverAsync()
    {
        foreach (var (run, owner) in await _store.GetRunningAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (owner is not null && ProcessReaper.IsAlive(owner.ProcessId, owner.StartTime))
            {
                continue; // another live orchestrator owns it
            }

            var processes = await _store.GetProcessesAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
            var killed = ProcessReaper.KillRunProcesses(run.RunId, processes);
            foreach (var process in processes)
            {
                await _store.RemoveProcessAsync(run.RunId, process.ProcessId, CancellationToken.None).ConfigureAwait(false);
            }

            var now = _timeProvider.GetUtcNow();
            foreach (var attempt in await _store.GetAttemptsAsync(run.RunId, CancellationToken.None).ConfigureAwait(false))
            {
                if (attempt.Status == RunStatus.Running)
                {
                    await _store.UpsertAttemptAsync(new AttemptRecord
                    {
                        AttemptId = attempt.AttemptId,
                        RunId = attempt.RunId,
                        AttemptIndex = attempt.AttemptIndex,
                        Status = RunStatus.Interrupted,
                        Runner = attempt.Runner,
                        SessionId = attempt.SessionId,
                        AgentOutcome = attempt.AgentOutcome,
                        StartedAt = attempt.StartedAt,
                        FinishedAt = now,
                        WorkspacePath = attempt.WorkspacePath,
                        OutputDir = attempt.OutputDir,
                        FailureSummary = "The orchestrator stopped while the attempt was running",
                        CheckResults = attempt.CheckResults,
                        Usage = attempt.Usage,
                    }, CancellationToken.None).ConfigureAwait(false);
                }
            }

            var interrupted = RunRecords.Copy(run, status: RunStatus.Interrupted, finishedAt: now,
                failureSummary: "The orchestrator stopped while the run was executing; the run was interrupted");
            await _store.UpdateRunAsync(interrupted, CancellationToken.None).ConfigureAwait(false);
            Directory.CreateDirectory(_eventLog.RunDirectory(run.RunId));
            await File.WriteAllTextAsync(Path.Combine(_eventLog.RunDirectory(run.RunId), "run.json"),
                System.Text.Json.JsonSerializer.Serialize(interrupted, ConduitJson.Options), CancellationToken.None).ConfigureAwait(false);
            _eventLog.Append(run.RunId, "run.status", null, new { status = "interrupted", failure_summary = interrupted.FailureSummary, killed_processes = killed });
            LogInterrupted(_logger, run.RunId, killed);
        }
    }

    private async Task DispatchLoopAsync()
    {
        var token = _shutdown.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                while (!token.IsCancellationRequested)
                {
                    var claimed = await _store.TryClaimNextAsync(_options.MaxActiveRuns, _owner, _backpressure.PausedProviders(), _options.ExecuteOnlyRunIds, _timeProvider.GetUtcNow(), token).ConfigureAwait(false);
                    if (claimed is null)
                    {
                        break;
                    }

                    Start(claimed);
                }

                await ApplyRemoteCancelsAsync(token).ConfigureAwait(false);

                // Woken by a submission or a finished run; poll for other processes' submissions and cancels too.
                await _wake.WaitAsync(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogDispatchFailed(_logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A cancel requested through another process (e.g. <c>conduit runs cancel</c>) is only a flag in the store.</summary>
    private async Task ApplyRemoteCancelsAsync(CancellationToken cancellationToken)
    {
        foreach (var (runId, active) in _active)
        {
            if (active.Cancel.IsCancellationRequested)
            {
                continue;
            }

            var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (run?.CancelRequestedAt is not null)
            {
                try
                {
                    await active.Cancel.CancelAsync().ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }
    }

    private void Start(RunRecord claimed)
    {
        var active = new ActiveRun();
        _active[claimed.RunId] = active;
        RunTelemetry.RunClaimed(claimed.PolicyId);
        _ = Task.Run(async () =>
        {
            try
            {
                await _executor.ExecuteAsync(claimed, active.Cancel.Token, _shutdown.Token).ConfigureAwait(false);
            }
            finally
            {
                _active.TryRemove(claimed.RunId, out _);
                RunTelemetry.RunReleased(claimed.PolicyId);
                active.Completion.TrySetResult();
                active.Cancel.Dispose();
                try
                {
                    _wake.Release();
                }
                catch (ObjectDisposedException)
                {
                }
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} was interrupted by an orchestrator crash; {Killed} orphaned process(es) killed")]
    private static partial void LogInterrupted(ILogger logger, string runId, int killed);

    [LoggerMessage(Level = LogLevel.Error, Message = "The run dispatcher failed; retrying")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    private sealed class ActiveRun
    {
        public CancellationTokenSource Cancel { get; } = new();

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
