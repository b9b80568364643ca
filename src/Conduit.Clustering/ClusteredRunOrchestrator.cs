using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Conduit.Policies;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Conduit.Clustering;

/// <summary>
/// The orchestrator of a daemon in a scale-out cluster. A submitted run is stored in PostgreSQL and scheduled as a
/// durable Quartz job that requests recovery; Quartz's clustered job store (same database) gives it to one daemon, which
/// executes it with the ordinary <see cref="RunExecutor"/> within <c>maxActiveRuns</c> (the Quartz thread pool). A
/// daemon that stops checking in is declared dead by the others; its jobs are re-fired on a survivor, which records
/// the interrupted attempt and then retries or fails the run as its policy says. Cancels and run events cross daemons
/// through PostgreSQL (tables plus LISTEN/NOTIFY).
/// </summary>
internal sealed partial class ClusteredRunOrchestrator : IRunOrchestrator, IRunClusterView, IAsyncDisposable
{
    /// <summary>The Quartz job group of runs; a run's job and trigger are named by its run id.</summary>
    public const string JobGroup = "conduit-runs";

    private readonly ConduitRunsOptions _options;
    private readonly ConduitClusterOptions _cluster;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresRunStore _store;
    private readonly RunEventLog _eventLog;
    private readonly RunExecutor _executor;
    private readonly IProjectResolver _projects;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _eventWaiters = new(StringComparer.Ordinal);
    private readonly Channel<RunEvent> _mirror = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _started;
    private readonly Task _mirrorWriter;
    private Task? _listener;
    private Task? _cancelPoller;
    private IScheduler? _scheduler;
    private volatile bool _member;

    public ClusteredRunOrchestrator(
        ConduitRunsOptions options,
        ConduitClusterOptions cluster,
        IAgentRunnerFactory runnerFactory,
        IProjectResolver projects,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        options.Validate();
        cluster.Validate();
        _options = options;
        _cluster = cluster;
        _projects = projects;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Conduit.Clustering.ClusteredRunOrchestrator");
        NodeId = cluster.NodeId ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        _dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        _store = new PostgresRunStore(_dataSource, NodeId, timeProvider);
        _eventLog = new RunEventLog(options.StateDirectory, timeProvider) { Appended = e => _mirror.Writer.TryWrite(e) };
        ProcessLauncher launcher = (launch, cancellationToken) => Conduit.Runners.Processes.ChildProcess.RunAsync(launch, cancellationToken);
        var backpressure = new ProviderBackpressure(timeProvider, options.RateLimitPause, options.MaxRateLimitPause);
        _executor = new RunExecutor(_store, _eventLog, new CommandExecutor(launcher, _store, _eventLog, timeProvider, options.LoginShell), new GitWorkspace(launcher),
            runnerFactory, projects, backpressure, options, timeProvider, _logger);
        _mirrorWriter = Task.Run(MirrorEventsAsync);
        _started = Task.Run(StartAsync);
    }

    /// <summary>This daemon's id in the cluster (its Quartz scheduler instance id).</summary>
    public string NodeId { get; }

    /// <summary>Completes when the schema is migrated and this node has joined the cluster.</summary>
    public Task Started => _started;

    public async Task<RunRecord> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        await _started.ConfigureAwait(false);
        var run = await RunSubmissions.CreateQueuedAsync(submission, _projects, _options.DefaultRunner, _timeProvider, cancellationToken).ConfigureAwait(false);
        var (stored, created) = await _store.InsertQueuedRunAsync(run, run.Runner!.Provider, _options.MaxQueuedRuns, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            await _store.AppendEventAsync(NewEvent(stored.RunId, "run.status", null, new { status = "queued" }), cancellationToken).ConfigureAwait(false);
            await ScheduleAsync(stored.RunId, CancellationToken.None).ConfigureAwait(false);
        }

        return stored;
    }

    public async Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        await _started.ConfigureAwait(false);
        return await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default)
    {
        await _started.ConfigureAwait(false);
        return await _store.GetAttemptsAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _started.ConfigureAwait(false);
        return await _store.ListRunsAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run's events from the shared log, live: whichever daemon executes the run, any daemon streams it.</summary>
    public async IAsyncEnumerable<RunEvent> EventsAsync(string runId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _started.ConfigureAwait(false);
        _ = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        var last = afterSequence;
        long? terminalSince = null;
        while (true)
        {
            var next = NextEvent(runId);
            var events = await _store.ReadEventsAsync(runId, last, cancellationToken).ConfigureAwait(false);
            var ended = false;
            foreach (var runEvent in events)
            {
                last = runEvent.Sequence;
                yield return runEvent;
                ended |= IsTerminalStatus(runEvent);
            }

            if (ended)
            {
                yield break;
            }

            if (events.Count == 0)
            {
                // The run ended without its final event in the log yet (the executing daemon writes events behind
                // the run record): give the event a moment, then end the stream anyway.
                var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
                if (run is null)
                {
                    yield break;
                }

                if (run.Status.IsTerminal() && !_active.ContainsKey(runId))
                {
                    terminalSince ??= _timeProvider.GetTimestamp();
                    if (_timeProvider.GetElapsedTime(terminalSince.Value) > TimeSpan.FromSeconds(3))
                    {
                        yield break;
                    }
                }
            }

            // Woken by a NOTIFY for this run (from any daemon); poll as well in case the listener is reconnecting.
            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public async Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default)
    {
        await _started.ConfigureAwait(false);
        var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        if (run.Status.IsTerminal())
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        if (await _store.CancelIfQueuedAsync(runId, now, cancellationToken).ConfigureAwait(false) is not null)
        {
            await _store.AppendEventAsync(NewEvent(runId, "run.status", null, new { status = "canceled", failure_summary = "Run canceled" }), cancellationToken).ConfigureAwait(false);
            await _scheduler!.DeleteJob(new JobKey(runId, JobGroup), CancellationToken.None).ConfigureAwait(false);
            return true;
        }

        // Running somewhere: the flag and the NOTIFY reach the executing daemon, which cancels its run at once.
        if (!await _store.RequestCancelAsync(runId, now, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        CancelLocal(runId);
        return true;
    }

    public async Task<RunRecord> WaitAsync(string runId, CancellationToken cancellationToken = default)
    {
        await _started.ConfigureAwait(false);
        while (true)
        {
            var next = NextEvent(runId);
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

            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Every daemon of the cluster (Quartz's view of the check-ins) with the runs each executes.</summary>
    public async Task<IReadOnlyList<RunClusterNode>> GetNodesAsync(CancellationToken cancellationToken = default)
    {
        await _started.ConfigureAwait(false);
        var nodes = await _scheduler!.QueryClusterNodes(cancellationToken).ConfigureAwait(false);
        if (!_member)
        {
            nodes = nodes.Where(n => !n.IsCurrentNode).ToList(); // a client is no member
        }

        var running = await _store.GetRunningByNodeAsync(cancellationToken).ConfigureAwait(false);
        return nodes.Select(node => new RunClusterNode
        {
            NodeId = node.InstanceId,
            State = node.State switch
            {
                ClusterNodeState.Alive => "alive",
                ClusterNodeState.Overdue => "overdue",
                _ => "failed",
            },
            IsCurrent = node.IsCurrentNode,
            LastCheckInAt = node.LastCheckInUtc,
            ActiveRunIds = running.Where(r => r.Node == node.InstanceId).Select(r => r.RunId).ToArray(),
        }).ToArray();
    }

    /// <summary>
    /// Leaves the cluster: stops taking runs, interrupts in-flight ones (marked <c>interrupted</c>, as the embedded
    /// orchestrator does), waits for them, flushes the event mirror and shuts Quartz down.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            await _started.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A node that never joined has nothing to leave.
        }

        if (_scheduler is not null)
        {
            await _scheduler.Standby(CancellationToken.None).ConfigureAwait(false);
        }

        await Task.WhenAll(_active.Values.Select(a => a.Completion.Task)).ConfigureAwait(false);
        if (_scheduler is not null)
        {
            await _scheduler.Shutdown(true, CancellationToken.None).ConfigureAwait(false);
        }

        _mirror.Writer.TryComplete();
        await _mirrorWriter.ConfigureAwait(false);
        foreach (var task in new[] { _listener, _cancelPoller })
        {
            if (task is not null)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }

    /// <summary>Executes one fired run job on this node (called by <see cref="RunJob"/>).</summary>
    internal async Task ExecuteJobAsync(string runId, bool recovering, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var claim = await _store.ClaimAsync(runId, recovering, now, cancellationToken).ConfigureAwait(false);
        if (claim is not { } claimed)
        {
            await DeleteJobAsync(runId).ConfigureAwait(false);
            return; // canceled while queued, or gone
        }

        var (previous, previousNode, isOurs) = claimed;
        if (!isOurs || _active.ContainsKey(runId))
        {
            // Quartz fires a run's job once; a second fire that is not a recovery would be a double execution.
            LogUnexpectedFire(_logger, runId, previousNode);
            return;
        }

        var firstAttempt = 1;
        if (previous.Status == RunStatus.Running)
        {
            firstAttempt = await RecordInterruptionAsync(previous, previousNode, cancellationToken).ConfigureAwait(false);
            if (firstAttempt > previous.MaxAttempts)
            {
                await FailRecoveredAsync(previous, previousNode).ConfigureAwait(false);
                await DeleteJobAsync(runId).ConfigureAwait(false);
                return;
            }
        }

        var active = new ActiveRun();
        _active[runId] = active;
        try
        {
            var run = RunRecords.Copy(previous, status: RunStatus.Running, startedAt: previous.StartedAt ?? now);
            var cancelRequested = await _store.CancelRequestedAsync([runId], CancellationToken.None).ConfigureAwait(false);
            if (cancelRequested.Count > 0)
            {
                await active.Cancel.CancelAsync().ConfigureAwait(false);
            }

            await _executor.ExecuteAsync(run, active.Cancel.Token, _shutdown.Token, firstAttempt).ConfigureAwait(false);
        }
        finally
        {
            _active.TryRemove(runId, out _);
            active.Completion.TrySetResult();
            active.Cancel.Dispose();
        }

        await DeleteJobAsync(runId).ConfigureAwait(false);
    }

    /// <summary>
    /// The run's daemon died (Quartz recovered its job here): its running attempts become <c>interrupted</c>. Nothing is
    /// killed: the processes were another machine's. Returns the index of the next attempt.
    /// </summary>
    private async Task<int> RecordInterruptionAsync(RunRecord run, string? previousNode, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var attempts = await _store.GetAttemptsAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        var summary = $"The daemon {previousNode ?? "(unknown)"} executing this attempt stopped checking in to the cluster; the run was recovered on {NodeId}";
        foreach (var attempt in attempts.Where(a => a.Status == RunStatus.Running))
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
                DurationMs = attempt.StartedAt is { } started ? (long)(now - started).TotalMilliseconds : null,
                WorkspacePath = attempt.WorkspacePath,
                OutputDir = attempt.OutputDir,
                FailureSummary = summary,
                CheckResults = attempt.CheckResults,
                Usage = attempt.Usage,
            }, cancellationToken).ConfigureAwait(false);
            _eventLog.Append(run.RunId, "attempt.finished", attempt.AttemptIndex, new { attempt_id = attempt.AttemptId, status = "interrupted", failure_summary = summary });
        }

        var next = attempts.Count == 0 ? 1 : attempts.Max(a => a.AttemptIndex) + 1;
        _eventLog.Append(run.RunId, "log", null, new
        {
            source = "conduit",
            stream = "stderr",
            text = next > run.MaxAttempts
                ? $"Recovered on {NodeId} after daemon {previousNode} stopped; no attempt is left ({run.MaxAttempts} allowed)"
                : $"Recovered on {NodeId} after daemon {previousNode} stopped; continuing with attempt {next} of {run.MaxAttempts}",
        });
        LogRecovered(_logger, run.RunId, previousNode, NodeId);
        return next;
    }

    private async Task FailRecoveredAsync(RunRecord run, string? previousNode)
    {
        var failed = RunRecords.Copy(run, status: RunStatus.Failed, finishedAt: _timeProvider.GetUtcNow(),
            failureSummary: $"The run's daemon {previousNode} stopped during its last allowed attempt ({run.MaxAttempts}); the attempt was interrupted");
        await _store.UpdateRunAsync(failed, CancellationToken.None).ConfigureAwait(false);
        _eventLog.Append(run.RunId, "run.status", null, new { status = "failed", failure_summary = failed.FailureSummary });
    }

    private async Task StartAsync()
    {
        try
        {
            await JoinAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogStartFailed(_logger, exception);
            throw;
        }
    }

    private async Task JoinAsync()
    {
        await _store.InitializeAsync(_shutdown.Token).ConfigureAwait(false);
        _listener = Task.Run(ListenAsync);
        _cancelPoller = Task.Run(PollCancelsAsync);
        var maxConcurrency = _options.MaxActiveRuns ?? 10;
        var scheduler = await QuartzSchedulerBuilder.Create(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "conduit";
                scheduler.InstanceId = NodeId;
                scheduler.GenerateInstanceId = false;
                scheduler.IdleWaitTime = _cluster.IdleWaitTime;
            });
            quartz.UseDefaultThreadPool(maxConcurrency);
            quartz.UseJobFactory(new RunJobFactory(this));
            quartz.UseTimeProvider(_timeProvider);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(dataSource => dataSource.ConnectionString = _cluster.ConnectionString);
                // Quartz's check-in misfire threshold stays at its default (7.5 s): a node is declared dead only when it
                // has been silent for its interval plus that, so a GC or VM pause does not get a live node's runs taken.
                store.UseClustering(clustering => clustering.CheckinInterval = _cluster.CheckinInterval);
                store.ConfigureStore(adoStore =>
                {
                    adoStore.TablePrefix = "qrtz_";
                    adoStore.SchemaProvisioning = SchemaProvisioning.Validate;
                });
            });
        }).BuildScheduler(_shutdown.Token).ConfigureAwait(false);
        _scheduler = scheduler;
        if (!_options.ExecuteRuns || _options.ExecuteOnlyRunIds is not null)
        {
            // A client (the CLI submitting or inspecting runs): it schedules jobs but never joins the cluster to run them.
            return;
        }

        await scheduler.Start(_shutdown.Token).ConfigureAwait(false);
        _member = true;
        LogJoined(_logger, NodeId, maxConcurrency, _cluster.CheckinInterval);

        // A daemon that died between storing a run and scheduling its job left the run without one.
        foreach (var runId in await _store.QueuedWithoutJobAsync(JobGroup, _shutdown.Token).ConfigureAwait(false))
        {
            await ScheduleAsync(runId, _shutdown.Token).ConfigureAwait(false);
        }
    }

    private async Task ScheduleAsync(string runId, CancellationToken cancellationToken)
    {
        var job = JobBuilder.Create<RunJob>()
            .WithIdentity(runId, JobGroup)
            .StoreDurably()
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create(_timeProvider)
            .WithIdentity(runId, JobGroup)
            .ForJob(job)
            .StartNow()
            .Build();
        try
        {
            await _scheduler!.ScheduleJob(job, trigger, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException)
        {
            // The job is stored already: by another daemon (then its trigger exists too), or without a trigger.
            try
            {
                await _scheduler!.ScheduleJob(trigger, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectAlreadyExistsException)
            {
            }
        }
    }

    private async Task DeleteJobAsync(string runId)
    {
        try
        {
            await _scheduler!.DeleteJob(new JobKey(runId, JobGroup), CancellationToken.None).ConfigureAwait(false);
        }
        catch (SchedulerException exception)
        {
            LogJobDeleteFailed(_logger, exception, runId);
        }
    }

    /// <summary>LISTEN on the cancel and event channels; reconnects after a lost connection.</summary>
    private async Task ListenAsync()
    {
        var token = _shutdown.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                connection.Notification += (_, notification) =>
                {
                    if (notification.Channel == PostgresRunStore.CancelChannel)
                    {
                        CancelLocal(notification.Payload);
                    }
                    else if (notification.Channel == PostgresRunStore.EventsChannel && _eventWaiters.TryRemove(notification.Payload, out var waiter))
                    {
                        waiter.TrySetResult();
                    }
                };
                await using (var command = new NpgsqlCommand($"LISTEN {PostgresRunStore.CancelChannel}; LISTEN {PostgresRunStore.EventsChannel};", connection))
                {
                    await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                while (!token.IsCancellationRequested)
                {
                    await connection.WaitAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
                LogListenerFailed(_logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The fallback for a cancel NOTIFY missed while the listener reconnected: the flag in the table.</summary>
    private async Task PollCancelsAsync()
    {
        var token = _shutdown.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
                foreach (var runId in await _store.CancelRequestedAsync(_active.Keys.ToArray(), token).ConfigureAwait(false))
                {
                    CancelLocal(runId);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
                LogListenerFailed(_logger, exception);
            }
        }
    }

    /// <summary>Writes the events this node's runs append to the shared log, in order.</summary>
    private async Task MirrorEventsAsync()
    {
        await foreach (var runEvent in _mirror.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _store.AppendEventAsync(runEvent, CancellationToken.None).ConfigureAwait(false);
                    break;
                }
                catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException && attempt < 5)
                {
                    LogMirrorFailed(_logger, exception, runEvent.RunId);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
                }
            }
        }
    }

    private void CancelLocal(string runId)
    {
        if (_active.TryGetValue(runId, out var active))
        {
            try
            {
                active.Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private Task NextEvent(string runId) =>
        _eventWaiters.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private RunEvent NewEvent(string runId, string type, int? attemptIndex, object data) => new()
    {
        Sequence = 0,
        RunId = runId,
        Type = type,
        Timestamp = _timeProvider.GetUtcNow(),
        AttemptIndex = attemptIndex,
        Data = System.Text.Json.JsonSerializer.SerializeToElement(data, data.GetType(), ConduitJson.Options),
    };

    private static bool IsTerminalStatus(RunEvent runEvent) =>
        runEvent.Type == "run.status" &&
        runEvent.Data.TryGetProperty("status", out var status) &&
        RunStatusNames.TryParse(status.GetString(), out var parsed) &&
        parsed.IsTerminal();

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined the run cluster as {NodeId} (up to {MaxActiveRuns} runs at once, check-in every {CheckinInterval})")]
    private static partial void LogJoined(ILogger logger, string nodeId, int maxActiveRuns, TimeSpan checkinInterval);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not join the run cluster (PostgreSQL migrations or the Quartz scheduler); runs are unavailable on this daemon")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} was recovered: daemon {PreviousNode} stopped while executing it; continuing on {NodeId}")]
    private static partial void LogRecovered(ILogger logger, string runId, string? previousNode, string nodeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} was fired while daemon {PreviousNode} executes it; not executing it twice")]
    private static partial void LogUnexpectedFire(ILogger logger, string runId, string? previousNode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the finished job of run {RunId}")]
    private static partial void LogJobDeleteFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster notification listener lost its connection; reconnecting")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write an event of run {RunId} to the shared log; retrying")]
    private static partial void LogMirrorFailed(ILogger logger, Exception exception, string runId);

    private sealed class ActiveRun
    {
        public CancellationTokenSource Cancel { get; } = new();

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
