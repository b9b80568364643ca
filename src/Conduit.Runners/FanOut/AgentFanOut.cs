using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.FanOut;

/// <summary>
/// Runs one task (or a matrix of tasks) on several runners in parallel and compares them: every trial's wall time,
/// time to first event, tokens, cost, attempts, checks, outcome, final text and diff, a summary per runner and each
/// task's consensus. Chat trials that may change files each get their own git worktree. See docs/fanout.md.
/// </summary>
public sealed partial class AgentFanOut
{
    private readonly IAgentRunnerFactory _runners;
    private readonly IRunOrchestrator? _orchestrator;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a fan-out over <paramref name="runners"/>; policy tasks need <paramref name="orchestrator"/>.</summary>
    public AgentFanOut(IAgentRunnerFactory runners, IRunOrchestrator? orchestrator = null, TimeProvider? timeProvider = null, ILogger<AgentFanOut>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(runners);
        _runners = runners;
        _orchestrator = orchestrator;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The runner factory (judges use it too).</summary>
    public IAgentRunnerFactory Runners => _runners;

    /// <summary>
    /// Runs every trial of <paramref name="request"/> under its concurrency limit, then each task's consensus.
    /// </summary>
    /// <param name="request">The tasks, runners and settings.</param>
    /// <param name="progress">
    /// Receives each trial's started, first-event and finished updates as they happen, one call at a time (calls are
    /// serialized, on the trials' threads: <see cref="Progress{T}"/> would post them to a synchronization context).
    /// </param>
    /// <param name="cancellationToken">
    /// Stops every trial (their agents' process trees are killed) and skips the consensus; the result then holds the
    /// trials as cancelled rather than the call throwing.
    /// </param>
    /// <exception cref="ArgumentException">The request is invalid.</exception>
    /// <exception cref="FanOutException">Worktrees were required but the directory is not a git repository, or a policy task has no orchestrator.</exception>
    public async Task<FanOutResult> RunAsync(FanOutRequest request, IProgress<TrialUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (request.Tasks.Any(t => t.IsPolicyRun) && _orchestrator is null)
        {
            throw new FanOutException("A policy task needs an IRunOrchestrator (register AddConduitRuns, or pass one to AgentFanOut).");
        }

        var workingDirectory = Path.GetFullPath(request.WorkingDirectory ?? Directory.GetCurrentDirectory());
        if (!Directory.Exists(workingDirectory))
        {
            throw new FanOutException($"The working directory {workingDirectory} does not exist.");
        }

        string? repository = null;
        if (request.Workspaces != FanOutWorkspaceMode.Shared && request.Tasks.Any(t => !t.IsPolicyRun))
        {
            repository = await GitWorktree.FindRepositoryAsync(workingDirectory, cancellationToken).ConfigureAwait(false);
            if (repository is null && request.Workspaces == FanOutWorkspaceMode.Worktree)
            {
                throw new FanOutException($"Worktrees were asked for, but {workingDirectory} is not inside a git repository with a commit.");
            }
        }

        var fanOutId = Guid.NewGuid().ToString("N")[..12];
        var trials = PlanTrials(request);
        var concurrency = Math.Min(request.MaxConcurrency ?? trials.Count, trials.Count);
        var worktreeParent = repository is null ? null : Path.Combine(Path.GetTempPath(), "conduit-fanout-" + fanOutId);
        var reporter = new ProgressReporter(progress);
        var startedAt = _timeProvider.GetUtcNow();
        Log.FanOutStarted(_logger, fanOutId, trials.Count, concurrency, repository is not null);

        var taskStops = request.Tasks.Select(_ => CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)).ToArray();
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        TrialResult[] results;
        try
        {
            var context = new FanOutContext(request, workingDirectory, repository, worktreeParent, fanOutId, reporter, slots);
            results = await Task.WhenAll(trials.Select(t => RunTrialAsync(context, t, taskStops[t.Trial.TaskIndex]))).ConfigureAwait(false);
        }
        finally
        {
            foreach (var stop in taskStops)
            {
                stop.Dispose();
            }

            if (worktreeParent is not null && !request.KeepWorkspaces)
            {
                TryDeleteDirectory(worktreeParent);
            }
        }

        var taskResults = new List<FanOutTaskResult>(request.Tasks.Count);
        for (var i = 0; i < request.Tasks.Count; i++)
        {
            var taskTrials = results.Where(r => r.Trial.TaskIndex == i).ToArray();
            ConsensusDecision? decision = null;
            if (request.Consensus is { } strategy && !cancellationToken.IsCancellationRequested)
            {
                decision = await DecideAsync(strategy, request.Tasks[i], taskTrials, workingDirectory, cancellationToken).ConfigureAwait(false);
            }

            taskResults.Add(new FanOutTaskResult { Task = request.Tasks[i], Trials = taskTrials, Consensus = decision });
        }

        var result = new FanOutResult
        {
            Tasks = taskResults,
            Runners = request.Runners.Select(r => Summarize(r, results.Where(t => t.Trial.RunnerName == r.DisplayName).ToArray())).ToArray(),
            Trials = results,
            StartedAt = startedAt,
            FinishedAt = _timeProvider.GetUtcNow(),
            MaxConcurrency = concurrency,
        };
        Log.FanOutFinished(_logger, fanOutId, results.Count(r => r.Passed), results.Length);
        return result;
    }

    /// <summary>Summarizes one runner's trials: pass rate, medians of wall time, time to first event, cost, tokens and diff size.</summary>
    public static RunnerSummary Summarize(FanOutRunner runner, IReadOnlyList<TrialResult> trials)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(trials);
        var costs = trials.Where(t => t.Usage.CostUsd is not null).Select(t => t.Usage.CostUsd!.Value).ToArray();
        var firstEvents = trials.Where(t => t.TimeToFirstEvent is not null).Select(t => t.TimeToFirstEvent!.Value.Ticks).ToArray();
        var diffs = trials.Where(t => t.DiffSize is not null).Select(t => (long)t.DiffSize!.Lines).ToArray();
        var passed = trials.Count(t => t.Passed);
        return new RunnerSummary
        {
            RunnerName = runner.DisplayName,
            Provider = runner.Spec.Provider,
            Model = runner.Spec.Model,
            Trials = trials.Count,
            Passed = passed,
            PassRate = trials.Count == 0 ? 0 : (double)passed / trials.Count,
            MeanReward = trials.Count == 0 ? 0 : trials.Average(t => t.Reward),
            MedianWallTime = TimeSpan.FromTicks(Median(trials.Select(t => t.WallTime.Ticks).ToArray()) ?? 0),
            MedianTimeToFirstEvent = Median(firstEvents) is { } ticks ? TimeSpan.FromTicks(ticks) : null,
            MedianCostUsd = Median(costs),
            TotalCostUsd = costs.Length == 0 ? null : costs.Sum(),
            MedianTokens = Median(trials.Select(t => t.Usage.TotalTokens).ToArray()) ?? 0,
            MedianDiffLines = Median(diffs) is { } lines ? (int)lines : null,
        };
    }

    private static List<PlannedTrial> PlanTrials(FanOutRequest request)
    {
        var runners = request.Runners.ToDictionary(r => r.DisplayName, StringComparer.Ordinal);
        return request.PlanTrials().Select(t => new PlannedTrial(t, request.Tasks[t.TaskIndex], runners[t.RunnerName])).ToList();
    }

    private async Task<TrialResult> RunTrialAsync(FanOutContext context, PlannedTrial planned, CancellationTokenSource taskStop)
    {
        var token = taskStop.Token;
        try
        {
            await context.Slots.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var now = _timeProvider.GetUtcNow();
            var skipped = new TrialResult
            {
                Trial = planned.Trial,
                Outcome = AgentOutcome.Cancelled,
                Passed = false,
                Reason = WhyStopped(context),
                StartedAt = now,
                FinishedAt = now,
            };
            context.Reporter.Report(new TrialUpdate { Kind = TrialUpdateKind.Finished, Trial = planned.Trial, Timestamp = now, Result = skipped });
            return skipped;
        }

        try
        {
            var result = planned.Task.IsPolicyRun
                ? await RunPolicyTrialAsync(context, planned, token).ConfigureAwait(false)
                : await RunChatTrialAsync(context, planned, token).ConfigureAwait(false);
            if (result.Passed && context.Request.StopOnFirstPass)
            {
                await taskStop.CancelAsync().ConfigureAwait(false);
            }

            Log.TrialFinished(_logger, planned.Trial.TrialId, planned.Trial.RunnerName, result.Outcome, result.Passed);
            context.Reporter.Report(new TrialUpdate { Kind = TrialUpdateKind.Finished, Trial = planned.Trial, Timestamp = result.FinishedAt, Result = result });
            return result;
        }
        finally
        {
            context.Slots.Release();
        }
    }

    private async Task<TrialResult> RunChatTrialAsync(FanOutContext context, PlannedTrial planned, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var trial = planned.Trial;
        var startedAt = _timeProvider.GetUtcNow();
        context.Reporter.Report(new TrialUpdate { Kind = TrialUpdateKind.Started, Trial = trial, Timestamp = startedAt });

        GitWorktree? worktree = null;
        var workspace = context.WorkingDirectory;
        try
        {
            if (context.Repository is not null)
            {
                try
                {
                    worktree = await GitWorktree.AddAsync(context.Repository, context.WorktreeParent!, trial.TrialId, cancellationToken).ConfigureAwait(false);
                }
                catch (FanOutException exception)
                {
                    Log.WorktreeFailed(_logger, trial.TrialId, exception.Message);
                    return Failed(trial, startedAt, AgentOutcome.LaunchFailed, exception.Message);
                }
                catch (OperationCanceledException)
                {
                    return Failed(trial, startedAt, AgentOutcome.Cancelled, WhyStopped(context));
                }

                // The agent works in the same subdirectory of its worktree as the caller was in the repository.
                workspace = Path.Combine(worktree.Path, Path.GetRelativePath(context.Repository, context.WorkingDirectory));
            }

            var agentRequest = new AgentRequest
            {
                Prompt = planned.Task.Prompt!,
                Runner = planned.Runner.Spec,
                WorkingDirectory = workspace,
                Environment = planned.Runner.Environment,
                Args = planned.Runner.Args,
                PermissionMode = request.PermissionMode,
                Timeout = request.Timeout,
                IdleTimeout = request.IdleTimeout,
                MaxTurns = request.MaxTurns,
                AdditionalProperties = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["conduit.fanout.id"] = context.FanOutId,
                    ["conduit.fanout.trial"] = trial.TrialId,
                },
            };

            var fold = new AgentEventFold(planned.Runner.Spec);
            var agentStart = _timeProvider.GetTimestamp();
            TimeSpan? firstEvent = null;
            try
            {
                var runner = _runners.GetRunner(planned.Runner.Spec);
                await foreach (var agentEvent in runner.StreamAsync(agentRequest, cancellationToken).ConfigureAwait(false))
                {
                    if (firstEvent is null)
                    {
                        firstEvent = _timeProvider.GetElapsedTime(agentStart);
                        context.Reporter.Report(new TrialUpdate { Kind = TrialUpdateKind.FirstEvent, Trial = trial, Timestamp = _timeProvider.GetUtcNow() });
                    }

                    fold.Add(agentEvent);
                }
            }
            catch (ConduitException exception)
            {
                // Not installed, unknown provider: this trial fails, the others go on.
                return Failed(trial, startedAt, exception is UnknownProviderException ? AgentOutcome.Failed : AgentOutcome.LaunchFailed, exception.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                fold.Add(new CompletedEvent { Outcome = AgentOutcome.Cancelled, Reason = WhyStopped(context), Timestamp = _timeProvider.GetUtcNow() });
            }

            var wallTime = _timeProvider.GetElapsedTime(agentStart);
            var agent = fold.ToResult();
            var reason = agent.Outcome == AgentOutcome.Cancelled ? WhyStopped(context) : agent.Reason;

            string? diff = null;
            DiffSize? diffSize = null;
            if (worktree is not null)
            {
                try
                {
                    (diff, diffSize) = await worktree.DiffAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (FanOutException exception)
                {
                    Log.WorktreeFailed(_logger, trial.TrialId, exception.Message);
                }
            }

            VerificationResult? verification = null;
            if (request.VerifyCommand is { } verify && agent.Outcome is not (AgentOutcome.Cancelled or AgentOutcome.LaunchFailed) && !cancellationToken.IsCancellationRequested)
            {
                verification = await TrialVerifier.RunAsync(verify, workspace, trial, agent.Text, request.VerifyTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            var passed = verification?.Passed ?? agent.IsSuccess;
            if (verification is { Passed: false } && agent.IsSuccess)
            {
                reason = "the verifier failed" + (verification.ExitCode is { } code ? $" (exit code {code.ToString(CultureInfo.InvariantCulture)})" : "");
            }

            return new TrialResult
            {
                Trial = trial,
                Outcome = agent.Outcome,
                Passed = passed,
                Reward = verification?.Reward ?? (passed ? 1 : 0),
                Reason = reason,
                StartedAt = startedAt,
                FinishedAt = _timeProvider.GetUtcNow(),
                WallTime = wallTime,
                TimeToFirstEvent = firstEvent,
                Usage = agent.Usage,
                Attempts = 1,
                FinalText = agent.Text,
                Diff = diff,
                DiffSize = diffSize,
                Verification = verification,
                SessionId = agent.SessionId,
                Model = agent.Model ?? planned.Runner.Spec.Model,
                WorkspacePath = workspace,
            };
        }
        finally
        {
            if (worktree is not null && !request.KeepWorkspaces)
            {
                await worktree.RemoveAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<TrialResult> RunPolicyTrialAsync(FanOutContext context, PlannedTrial planned, CancellationToken cancellationToken)
    {
        var orchestrator = _orchestrator!;
        var trial = planned.Trial;
        var startedAt = _timeProvider.GetUtcNow();
        context.Reporter.Report(new TrialUpdate { Kind = TrialUpdateKind.Started, Trial = trial, Timestamp = startedAt });

        var submission = new RunSubmission
        {
            ProjectId = planned.Task.ProjectId!,
            PolicyId = planned.Task.PolicyId!,
            Input = planned.Task.Input?.DeepClone().AsObject() ?? [],
            RequestedRunner = planned.Runner.Spec,
            IdempotencyKey = $"fanout-{context.FanOutId}-{trial.TrialId}",
            Metadata = new JsonObject
            {
                ["fanout_id"] = context.FanOutId,
                ["fanout_trial"] = trial.TrialId,
                ["fanout_runner"] = trial.RunnerName,
            },
        };

        RunRecord submitted;
        try
        {
            submitted = await orchestrator.SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
        }
        catch (ConduitException exception)
        {
            return Failed(trial, startedAt, AgentOutcome.Failed, exception.Message);
        }
        catch (OperationCanceledException)
        {
            return Failed(trial, startedAt, AgentOutcome.Cancelled, WhyStopped(context));
        }

        var fold = new AgentEventFold(planned.Runner.Spec);
        var clock = _timeProvider.GetTimestamp();
        TimeSpan? firstEvent = null;
        try
        {
            await foreach (var runEvent in orchestrator.EventsAsync(submitted.RunId, 0, cancellationToken).ConfigureAwait(false))
            {
                if (runEvent.Type != "agent.event" || runEvent.Data.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (firstEvent is null)
                {
                    firstEvent = _timeProvider.GetElapsedTime(clock);
                    context.Reporter.Report(new TrialUpdate { Kind = TrialUpdateKind.FirstEvent, Trial = trial, Timestamp = _timeProvider.GetUtcNow() });
                }

                try
                {
                    if (runEvent.Data.Deserialize<AgentEvent>(ConduitJson.Options) is { } agentEvent)
                    {
                        fold.Add(agentEvent);
                    }
                }
                catch (JsonException)
                {
                    // An event of a shape this version does not know: the run record still has the numbers.
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await orchestrator.CancelAsync(submitted.RunId, CancellationToken.None).ConfigureAwait(false);
        }

        var record = await orchestrator.WaitAsync(submitted.RunId, CancellationToken.None).ConfigureAwait(false);
        var attempts = await orchestrator.GetAttemptsAsync(submitted.RunId, CancellationToken.None).ConfigureAwait(false);
        var last = attempts.Count > 0 ? attempts[^1] : null;
        var agent = fold.ToResult();
        var wallTime = record is { StartedAt: { } runStart, FinishedAt: { } runEnd } ? runEnd - runStart : _timeProvider.GetElapsedTime(clock);

        VerificationResult? verification = null;
        var workspace = last?.WorkspacePath is { } path && Directory.Exists(path) ? path : record.ProjectPath;
        if (context.Request.VerifyCommand is { } verify && workspace is not null && record.Status != RunStatus.Cancelled && !cancellationToken.IsCancellationRequested)
        {
            verification = await TrialVerifier.RunAsync(verify, workspace, trial, agent.Text, context.Request.VerifyTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        var passed = verification?.Passed ?? record.Status == RunStatus.Succeeded;
        return new TrialResult
        {
            Trial = trial,
            Outcome = last?.AgentOutcome ?? ToOutcome(record.Status),
            RunStatus = record.Status,
            Passed = passed,
            Reward = verification?.Reward ?? (passed ? 1 : 0),
            Reason = record.Status == RunStatus.Cancelled ? WhyStopped(context) : record.FailureSummary ?? agent.Reason,
            StartedAt = startedAt,
            FinishedAt = _timeProvider.GetUtcNow(),
            WallTime = wallTime,
            TimeToFirstEvent = firstEvent,
            Usage = record.Usage ?? agent.Usage,
            Attempts = attempts.Count,
            ChecksPassed = last?.CheckResults.Count(c => c.Passed) ?? 0,
            ChecksTotal = last?.CheckResults.Count ?? 0,
            FinalText = agent.Text,
            Verification = verification,
            SessionId = last?.SessionId ?? agent.SessionId,
            Model = agent.Model ?? last?.Runner.Model ?? planned.Runner.Spec.Model,
            RunId = record.RunId,
            WorkspacePath = workspace,
        };
    }

    private async Task<ConsensusDecision> DecideAsync(IConsensusStrategy strategy, FanOutTask task, TrialResult[] trials, string workingDirectory, CancellationToken cancellationToken)
    {
        try
        {
            return await strategy.DecideAsync(new ConsensusContext { Task = task, Trials = trials, WorkingDirectory = workingDirectory }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConduitException exception)
        {
            Log.ConsensusFailed(_logger, strategy.Name, exception.Message);
            return ConsensusDecision.None(strategy.Name, $"The {strategy.Name} consensus failed: {exception.Message}");
        }
    }

    private TrialResult Failed(FanOutTrial trial, DateTimeOffset startedAt, AgentOutcome outcome, string reason) => new()
    {
        Trial = trial,
        Outcome = outcome,
        Passed = false,
        Reason = reason,
        StartedAt = startedAt,
        FinishedAt = _timeProvider.GetUtcNow(),
        Attempts = outcome == AgentOutcome.Cancelled ? 0 : 1,
    };

    private static string WhyStopped(FanOutContext context) =>
        context.Request.StopOnFirstPass ? "cancelled: another trial passed first, or the fan-out was cancelled" : "the fan-out was cancelled";

    private static AgentOutcome ToOutcome(RunStatus status) => status switch
    {
        RunStatus.Succeeded => AgentOutcome.Succeeded,
        RunStatus.Cancelled => AgentOutcome.Cancelled,
        RunStatus.TimedOut => AgentOutcome.TimedOut,
        _ => AgentOutcome.Failed,
    };

    private static long? Median(long[] values)
    {
        if (values.Length == 0)
        {
            return null;
        }

        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static decimal? Median(decimal[] values)
    {
        if (values.Length == 0)
        {
            return null;
        }

        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record PlannedTrial(FanOutTrial Trial, FanOutTask Task, FanOutRunner Runner);

    private sealed record FanOutContext(
        FanOutRequest Request,
        string WorkingDirectory,
        string? Repository,
        string? WorktreeParent,
        string FanOutId,
        ProgressReporter Reporter,
        SemaphoreSlim Slots);

    /// <summary>Serializes progress calls so reporters need not be thread-safe.</summary>
    private sealed class ProgressReporter(IProgress<TrialUpdate>? progress)
    {
        private readonly Lock _lock = new();

        public void Report(TrialUpdate update)
        {
            if (progress is null)
            {
                return;
            }

            lock (_lock)
            {
                progress.Report(update);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Fan-out {FanOutId}: {Trials} trials, at most {Concurrency} at once, worktrees: {Worktrees}")]
        public static partial void FanOutStarted(ILogger logger, string fanOutId, int trials, int concurrency, bool worktrees);

        [LoggerMessage(2, LogLevel.Information, "Fan-out {FanOutId} finished: {Passed} of {Trials} trials passed")]
        public static partial void FanOutFinished(ILogger logger, string fanOutId, int passed, int trials);

        [LoggerMessage(3, LogLevel.Debug, "Trial {TrialId} ({Runner}) finished: {Outcome}, passed {Passed}")]
        public static partial void TrialFinished(ILogger logger, string trialId, string runner, AgentOutcome outcome, bool passed);

        [LoggerMessage(4, LogLevel.Warning, "Trial {TrialId}: worktree operation failed: {Message}")]
        public static partial void WorktreeFailed(ILogger logger, string trialId, string message);

        [LoggerMessage(5, LogLevel.Warning, "The {Strategy} consensus failed: {Message}")]
        public static partial void ConsensusFailed(ILogger logger, string strategy, string message);
    }
}
