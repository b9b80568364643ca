using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Policies.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Conduit.Policies;

/// <summary>What one attempt decided.</summary>
internal enum AttemptDecision
{
    Succeeded,
    Retry,
    Fail,
    Escalate,
    NeedsAttention,
    TimedOut,
    Stopped,
}

internal sealed class AttemptOutcome
{
    public required AttemptDecision Decision { get; init; }

    public required string? FailureSummary { get; init; }

    public PreviousFailure? Feedback { get; init; }

    public RunStatus? RunStatus { get; init; }
}

/// <summary>Executes one claimed run: init hooks, attempts with agent and checks, retries, escalation, final hooks.</summary>
internal sealed partial class RunExecutor(
    IRunStore store,
    RunEventLog eventLog,
    CommandExecutor commands,
    GitWorkspace git,
    IAgentRunnerFactory runnerFactory,
    IProjectResolver projects,
    ProviderBackpressure backpressure,
    ConduitRunsOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    private static readonly JsonSerializerOptions Indented = new(ConduitJson.Options) { WriteIndented = true };
    private readonly IRunStore store = store;
    private readonly RunEventLog eventLog = eventLog;
    private readonly CommandExecutor commands = commands;
    private readonly GitWorkspace git = git;
    private readonly IAgentRunnerFactory runnerFactory = runnerFactory;
    private readonly IProjectResolver projects = projects;
    private readonly ProviderBackpressure backpressure = backpressure;
    private readonly ConduitRunsOptions options = options;
    private readonly TimeProvider timeProvider = timeProvider;
    private readonly ILogger logger = logger;

    /// <summary>
    /// Executes <paramref name="claimed"/>. <paramref name="firstAttemptIndex"/> is above 1 when the run resumes after
    /// earlier attempts were interrupted (a recovered run in a cluster): they count against <c>max_attempts</c>.
    /// </summary>
    public async Task<RunRecord> ExecuteAsync(RunRecord claimed, CancellationToken cancel, CancellationToken shutdown, int firstAttemptIndex = 1)
    {
        using var telemetry = RunTelemetry.StartRun(claimed);
        LogRunStarted(logger, claimed.RunId, claimed.PolicyId, claimed.ProjectId);
        var state = new RunState(this, claimed, firstAttemptIndex, cancel, shutdown);
        try
        {
            return telemetry.End(await state.RunAsync().ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !shutdown.IsCancellationRequested)
        {
            LogRunCrashed(logger, exception, claimed.RunId);
            return telemetry.End(await state.FinishAsync(RunStatus.Failed, $"Internal error: {exception.Message}", runHooks: false).ConfigureAwait(false));
        }
        finally
        {
            state.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} failed with an internal error")]
    private static partial void LogRunCrashed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of policy {PolicyId} started (project {ProjectId})")]
    private static partial void LogRunStarted(ILogger logger, string runId, string policyId, string projectId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} ended {Status}")]
    private static partial void LogRunEnded(ILogger logger, string runId, RunStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} answered with a rate limit; pausing it")]
    private static partial void LogRateLimited(ILogger logger, string provider);

    private sealed class RunState : IDisposable
    {
        private readonly RunExecutor _x;
        private readonly CancellationToken _cancel;
        private readonly CancellationToken _shutdown;
        private readonly CancellationTokenSource _timeout;
        private readonly CancellationTokenSource _linked;
        private readonly string _runDirectory;
        private RunRecord _run;
        private PolicyDefinition? _policy;
        private string _projectPath = "";
        private string _workspace = "";
        private string? _worktree;
        private string _baselineRef = "";
        private PreviousFailure? _feedback;
        private bool _escalateNow;
        private int _attemptIndex;
        private readonly int _firstAttemptIndex;

        public RunState(RunExecutor executor, RunRecord run, int firstAttemptIndex, CancellationToken cancel, CancellationToken shutdown)
        {
            _firstAttemptIndex = Math.Max(1, firstAttemptIndex);
            _x = executor;
            _run = run;
            _cancel = cancel;
            _shutdown = shutdown;
            _timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, executor.timeProvider);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, shutdown, _timeout.Token);
            _runDirectory = executor.eventLog.RunDirectory(run.RunId);
        }

        private CancellationToken Token => _linked.Token;

        public void Dispose()
        {
            _linked.Dispose();
            _timeout.Dispose();
        }

        public async Task<RunRecord> RunAsync()
        {
            Directory.CreateDirectory(_runDirectory);
            await SaveAsync(RunRecords.Copy(_run, runRecordPath: Path.Combine(_runDirectory, "run.json")), statusEvent: true).ConfigureAwait(false);
            try
            {
                _projectPath = await _x.projects.ResolveAsync(_run.ProjectId, Token).ConfigureAwait(false) ?? throw new Conduit.Configuration.ProjectNotFoundException(_run.ProjectId, []);
                _policy = PolicyLoader.Load(_projectPath, _run.PolicyId, _run.ProjectId);
            }
            catch (ConduitException exception)
            {
                return await FinishAsync(RunStatus.Failed, exception.Message, runHooks: false).ConfigureAwait(false);
            }

            var timeout = _run.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : _policy.Timeout ?? _x.options.DefaultRunTimeout;
            if (timeout is { } total)
            {
                _timeout.CancelAfter(total);
            }

            await File.WriteAllTextAsync(InputFile, (_run.Input ?? []).ToJsonString(ConduitJson.Options), CancellationToken.None).ConfigureAwait(false);
            _baselineRef = GitWorkspace.BaselineRef(_projectPath);
            _workspace = _projectPath;
            if (_policy.Workspace.Mode == WorkspaceMode.Worktree)
            {
                _worktree = Path.Combine(_x.options.StateDirectory, "worktrees", _run.RunId);
                try
                {
                    await _x.git.CreateWorktreeAsync(_projectPath, _worktree, Token).ConfigureAwait(false);
                }
                catch (ConduitException exception)
                {
                    _worktree = null;
                    return await FinishAsync(RunStatus.Failed, exception.Message, runHooks: false).ConfigureAwait(false);
                }

                _workspace = _worktree;
            }

            await SaveAsync(RunRecords.Copy(_run, projectPath: _projectPath, workspacePath: _workspace, taskId: _policy.TaskId,
                resolvedProject: new ResolvedProjectRef { ProjectId = _run.ProjectId, Path = _projectPath, BaselineRef = _baselineRef.Length == 0 ? null : _baselineRef })).ConfigureAwait(false);

            // init hooks: a failure ends the run without attempts and without on_failure (as the original).
            var init = await RunHooksAsync(PolicyHookStage.Init, 0, _runDirectory).ConfigureAwait(false);
            if (init.Stopped is { } stopped)
            {
                return await FinishAsync(stopped.Status, stopped.Summary, runHooks: stopped.Status is RunStatus.Cancelled or RunStatus.TimedOut).ConfigureAwait(false);
            }

            if (init.WorkspacePath is { } initWorkspace)
            {
                _workspace = initWorkspace;
                await SaveAsync(RunRecords.Copy(_run, workspacePath: _workspace)).ConfigureAwait(false);
            }

            AttemptOutcome outcome;
            try
            {
                outcome = await RunAttemptsAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
                outcome = Stopped("Run canceled");
            }

            return outcome.Decision switch
            {
                AttemptDecision.Succeeded => await FinishAsync(RunStatus.Succeeded, null, runHooks: true).ConfigureAwait(false),
                AttemptDecision.NeedsAttention => await FinishAsync(RunStatus.NeedsAttention, outcome.FailureSummary, runHooks: true).ConfigureAwait(false),
                AttemptDecision.TimedOut => await FinishAsync(RunStatus.TimedOut, outcome.FailureSummary, runHooks: true).ConfigureAwait(false),
                AttemptDecision.Stopped => await FinishAsync(outcome.RunStatus ?? RunStatus.Cancelled, outcome.FailureSummary, runHooks: true).ConfigureAwait(false),
                _ => await FinishAsync(RunStatus.Failed, outcome.FailureSummary, runHooks: true).ConfigureAwait(false),
            };
        }

        private string InputFile => Path.Combine(_runDirectory, "input.json");

        private async Task<AttemptOutcome> RunAttemptsAsync()
        {
            var policy = _policy!;
            var maxAttempts = _run.MaxAttempts;
            var first = _firstAttemptIndex;
            if (maxAttempts - first < 1)
            {
                return await RunAttemptAsync(first).ConfigureAwait(false);
            }

            var backoff = policy.Backoff;
            var retry = new RetryStrategyOptions<AttemptOutcome>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Decision is AttemptDecision.Retry or AttemptDecision.Escalate),
                MaxRetryAttempts = maxAttempts - first,
                BackoffType = DelayBackoffType.Exponential,
                Delay = backoff.Initial,
                MaxDelay = backoff.Max,
                UseJitter = backoff.Jitter,
            };
            if (Math.Abs(backoff.Factor - 2) > 1e-9)
            {
                retry.DelayGenerator = args =>
                {
                    var delay = backoff.Initial.TotalMilliseconds * Math.Pow(backoff.Factor, args.AttemptNumber);
                    delay = Math.Min(delay, backoff.Max.TotalMilliseconds);
                    if (backoff.Jitter)
                    {
                        delay *= 0.75 + (Random.Shared.NextDouble() * 0.5);
                    }

                    return ValueTask.FromResult<TimeSpan?>(TimeSpan.FromMilliseconds(Math.Min(delay, backoff.Max.TotalMilliseconds)));
                };
            }

            var pipeline = new ResiliencePipelineBuilder<AttemptOutcome> { TimeProvider = _x.timeProvider }.AddRetry(retry).Build();
            var attempt = first - 1;
            return await pipeline.ExecuteAsync(
                async _ =>
                {
                    attempt++;
                    return await RunAttemptAsync(attempt).ConfigureAwait(false);
                },
                Token).ConfigureAwait(false);
        }

        private RunnerSpec? AttemptRunner(int attempt, out string? needsAttention)
        {
            needsAttention = null;
            var policy = _policy!;
            var baseRunner = _run.RequestedRunner is { } requested
                ? new PolicyRunner { Provider = requested.Provider, Model = requested.Model, Args = policy.Runner?.Args }
                : policy.Runner ?? new PolicyRunner { Provider = RunnerSpec.Parse(_x.options.DefaultRunner).Provider, Model = RunnerSpec.Parse(_x.options.DefaultRunner).Model };
            var chain = new List<PolicyRunner> { baseRunner };
            chain.AddRange(policy.EscalationRunners);
            var chosen = chain[Math.Min(attempt - 1, chain.Count - 1)];
            var escalation = policy.Escalation;
            var escalate = _escalateNow || (escalation is not null && attempt - 1 >= escalation.AfterFailedAttempts);
            if (escalate)
            {
                if (escalation is null)
                {
                    if (_escalateNow && policy.EscalationRunners.Count == 0)
                    {
                        needsAttention = "A check asked to escalate and the policy has no escalation";
                        return null;
                    }
                }
                else if (escalation.StopNeedsAttention)
                {
                    needsAttention = $"Escalation after {attempt - 1} failed attempt(s): stop and ask a human";
                    return null;
                }
                else if (escalation.Runner is { } runner)
                {
                    chosen = runner;
                }
                else if (escalation.Model is { } model)
                {
                    chosen = new PolicyRunner { Provider = chosen.Provider, Model = model, Args = chosen.Args };
                }
            }

            _currentArgs = chosen.Args;
            return new RunnerSpec(chosen.Provider, chosen.Model);
        }

        private IReadOnlyList<string>? _currentArgs;

        private System.Diagnostics.Activity? _attemptActivity;

        private async Task<AttemptOutcome> RunAttemptAsync(int index)
        {
            var policy = _policy!;
            _attemptIndex = index;
            RunnerSpec? runner;
            string? needsAttention;
            try
            {
                runner = AttemptRunner(index, out needsAttention);
            }
            catch (UnknownProviderException exception)
            {
                return new AttemptOutcome { Decision = AttemptDecision.Fail, FailureSummary = exception.Message };
            }

            _escalateNow = false;
            if (runner is null)
            {
                return new AttemptOutcome { Decision = AttemptDecision.NeedsAttention, FailureSummary = needsAttention };
            }

            using var attemptActivity = RunTelemetry.StartAttempt(_run, index, runner);
            _attemptActivity = attemptActivity;
            var attemptDirectory = Path.Combine(_runDirectory, "attempts", index.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(attemptDirectory);
            var attempt = new AttemptDraft
            {
                AttemptId = $"{_run.RunId}:attempt:{index}",
                RunId = _run.RunId,
                AttemptIndex = index,
                Status = RunStatus.Running,
                Runner = RunnerRef.From(runner),
                StartedAt = _x.timeProvider.GetUtcNow(),
                WorkspacePath = _workspace,
                OutputDir = attemptDirectory,
            };
            await SaveAsync(RunRecords.Copy(_run, currentAttemptIndex: index)).ConfigureAwait(false);
            await SaveAttemptAsync(attempt).ConfigureAwait(false);
            _x.eventLog.Append(_run.RunId, "attempt.started", index, new { attempt_id = attempt.AttemptId, runner = attempt.Runner });

            var before = await RunHooksAsync(PolicyHookStage.BeforeAttempt, index, attemptDirectory, attempt.AttemptId).ConfigureAwait(false);
            if (before.Stopped is { } beforeStopped)
            {
                return await EndAttemptAsync(attempt, beforeStopped.Status, beforeStopped.Summary, Terminal(beforeStopped)).ConfigureAwait(false);
            }

            var workspace = before.WorkspacePath ?? _workspace;
            attempt.WorkspacePath = workspace;

            var prompt = PromptTemplate.Render(policy.PromptTemplate, new PromptContext
            {
                TaskId = policy.TaskId,
                PolicyId = policy.PolicyId,
                ProjectId = _run.ProjectId,
                RunId = _run.RunId,
                Attempt = index,
                MaxAttempts = _run.MaxAttempts,
                Input = _run.Input ?? [],
                PreviousFailure = _feedback,
            });
            await File.WriteAllTextAsync(Path.Combine(attemptDirectory, "agent.prompt.txt"), prompt, CancellationToken.None).ConfigureAwait(false);
            if (_feedback is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(attemptDirectory, "retry-feedback.txt"), PromptTemplate.RetryFeedback(_feedback), CancellationToken.None).ConfigureAwait(false);
            }

            var result = await RunAgentAsync(runner, prompt, workspace, attempt, attemptDirectory).ConfigureAwait(false);
            attempt.SessionId = result.SessionId;
            attempt.AgentOutcome = result.Outcome;
            attempt.Usage = result.Usage;
            _run = RunRecords.Copy(_run, usage: (_run.Usage ?? AgentUsage.Empty) + result.Usage);

            if (result.Outcome != AgentOutcome.Succeeded)
            {
                if (Token.IsCancellationRequested || result.Outcome == AgentOutcome.Cancelled)
                {
                    var stop = StopReason();
                    return await EndAttemptAsync(attempt, stop.Status, stop.Summary, Terminal(stop)).ConfigureAwait(false);
                }

                var summary = result.Outcome == AgentOutcome.TimedOut
                    ? "Agent timed out (attempt_timeout)"
                    : $"Agent execution failed with state {Name(result.Outcome)}" + (result.Reason is null ? "" : $": {result.Reason}");
                if (result.Outcome == AgentOutcome.LaunchFailed)
                {
                    // Nothing a retry could change (no such CLI or runner): end now, as the original did for an unsupported provider.
                    return await EndAttemptAsync(attempt, RunStatus.Failed, summary, new AttemptOutcome { Decision = AttemptDecision.Fail, FailureSummary = summary }).ConfigureAwait(false);
                }

                _feedback = new PreviousFailure { Summary = "Previous attempt failed before checks completed. " + summary };
                await RunHooksAsync(PolicyHookStage.AfterAttempt, index, attemptDirectory, attempt.AttemptId, workspace).ConfigureAwait(false);
                return await EndAttemptAsync(attempt, result.Outcome == AgentOutcome.TimedOut ? RunStatus.TimedOut : RunStatus.Failed, summary,
                    new AttemptOutcome { Decision = AttemptDecision.Retry, FailureSummary = summary, RunStatus = result.Outcome == AgentOutcome.TimedOut ? RunStatus.TimedOut : RunStatus.Failed }).ConfigureAwait(false);
            }

            // Checks, in order; the first effective failure stops the list.
            AttemptOutcome? checkOutcome = null;
            var order = 0;
            foreach (var check in policy.Checks)
            {
                order++;
                var safeName = SafeName(check.Name);
                var stdoutPath = Path.Combine(attemptDirectory, "checks", $"{order:00}-{safeName}.stdout.log");
                var stderrPath = Path.Combine(attemptDirectory, "checks", $"{order:00}-{safeName}.stderr.log");
                using var checkActivity = RunTelemetry.StartCheck(check.Name);
                var ran = await _x.commands.RunAsync(new CommandInvocation
                {
                    Command = check.Command,
                    PolicyDirectory = policy.Directory,
                    WorkingDirectory = workspace,
                    Variables = Variables(index, attempt.AttemptId, attemptDirectory, workspace, hookOutputPath: ""),
                    Timeout = check.Timeout,
                    StdoutPath = stdoutPath,
                    StderrPath = stderrPath,
                    RunId = _run.RunId,
                    AttemptIndex = index,
                    Source = "check:" + check.Name,
                }, Token).ConfigureAwait(false);
                var passed = ran.Succeeded;
                RunTelemetry.CommandEnded(checkActivity, ran, passed);
                var effective = !passed && check.OnFail != CheckFailureAction.Ignore && !Token.IsCancellationRequested;
                var record = new CheckResultRecord
                {
                    Id = $"{attempt.AttemptId}:check:{order.ToString(CultureInfo.InvariantCulture)}",
                    RunId = _run.RunId,
                    AttemptId = attempt.AttemptId,
                    AttemptIndex = index,
                    Name = check.Name,
                    Command = check.Command.Text,
                    CheckOrder = order,
                    OnFail = check.OnFail.ToString().ToLowerInvariant(),
                    ExitCode = ran.TimedOut ? null : ran.ExitCode,
                    Passed = passed,
                    FailureEffective = effective,
                    TimedOut = ran.TimedOut,
                    StartedAt = ran.StartedAt,
                    FinishedAt = ran.FinishedAt,
                    DurationMs = ran.DurationMs,
                    StdoutPath = stdoutPath,
                    StderrPath = stderrPath,
                    OutputTail = PromptTemplate.Truncate(string.Join("\n", new[] { ran.Stdout, ran.Stderr }.Where(s => s.Length > 0))),
                };
                attempt.CheckResults.Add(record);
                await SaveAttemptAsync(attempt).ConfigureAwait(false);
                _x.eventLog.Append(_run.RunId, "check.finished", index, record);

                if (Token.IsCancellationRequested)
                {
                    var stop = StopReason();
                    return await EndAttemptAsync(attempt, stop.Status, stop.Summary, Terminal(stop)).ConfigureAwait(false);
                }

                if (passed || check.OnFail == CheckFailureAction.Ignore)
                {
                    continue;
                }

                _feedback = new PreviousFailure
                {
                    Summary = $"Check \"{check.Name}\" failed" + (ran.TimedOut ? " (timed out)" : $" with exit code {ran.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "null"}"),
                    Check = check.Name,
                    Command = check.Command.Text,
                    ExitCode = ran.TimedOut ? null : ran.ExitCode,
                    StdoutPath = stdoutPath,
                    StderrPath = stderrPath,
                    Stdout = ran.Stdout,
                    Stderr = ran.Stderr,
                };
                if (ran.TimedOut)
                {
                    checkOutcome = new AttemptOutcome { Decision = AttemptDecision.TimedOut, FailureSummary = "Command timed out", RunStatus = RunStatus.TimedOut };
                }
                else
                {
                    checkOutcome = check.OnFail switch
                    {
                        CheckFailureAction.Fail => new AttemptOutcome { Decision = AttemptDecision.Fail, FailureSummary = "Policy check requested terminal failure" },
                        CheckFailureAction.Escalate => new AttemptOutcome { Decision = AttemptDecision.Escalate, FailureSummary = $"Check \"{check.Name}\" requested escalation" },
                        _ => new AttemptOutcome { Decision = AttemptDecision.Retry, FailureSummary = "Retryable check failure" },
                    };
                }

                break;
            }

            var after = await RunHooksAsync(PolicyHookStage.AfterAttempt, index, attemptDirectory, attempt.AttemptId, workspace).ConfigureAwait(false);
            if (after.Stopped is { } afterStopped)
            {
                return await EndAttemptAsync(attempt, afterStopped.Status, afterStopped.Summary, Terminal(afterStopped)).ConfigureAwait(false);
            }

            if (checkOutcome is null)
            {
                _x.backpressure.ReportSuccess(runner.Provider);
                return await EndAttemptAsync(attempt, RunStatus.Succeeded, null, new AttemptOutcome { Decision = AttemptDecision.Succeeded, FailureSummary = null }).ConfigureAwait(false);
            }

            if (checkOutcome.Decision == AttemptDecision.Escalate)
            {
                _escalateNow = true;
            }

            var attemptStatus = checkOutcome.Decision == AttemptDecision.TimedOut ? RunStatus.TimedOut : RunStatus.Failed;
            var final = checkOutcome;
            if (index >= _run.MaxAttempts && checkOutcome.Decision is AttemptDecision.Retry or AttemptDecision.Escalate)
            {
                final = new AttemptOutcome { Decision = AttemptDecision.Fail, FailureSummary = checkOutcome.FailureSummary };
            }

            return await EndAttemptAsync(attempt, attemptStatus, checkOutcome.FailureSummary, final).ConfigureAwait(false);
        }

        private async Task<AgentResult> RunAgentAsync(RunnerSpec runner, string prompt, string workspace, AttemptDraft attempt, string attemptDirectory)
        {
            var rateLimited = 0;
            while (true)
            {
                await _x.backpressure.WaitAsync(runner.Provider, Token).ConfigureAwait(false);
                var fold = new AgentEventFold(runner);
                IAgentRunner agent;
                try
                {
                    agent = _x.runnerFactory.GetRunner(runner);
                }
                catch (ConduitException exception)
                {
                    return new AgentResult { Runner = runner, Outcome = AgentOutcome.LaunchFailed, Reason = exception.Message };
                }

                var stdoutLog = Path.Combine(attemptDirectory, "agent.stdout.log");
                try
                {
                    await using var events = new StreamWriter(Path.Combine(attemptDirectory, "agent.events.jsonl"), append: true);
                    await using var text = new StreamWriter(stdoutLog, append: true);
                    // The CLI's stderr lines arrive on the runner's reading loop; they are written as they come.
                    await using var errors = new StreamWriter(Path.Combine(attemptDirectory, "agent.stderr.log"), append: true);
                    var errorsLock = new Lock();
                    var request = new AgentRequest
                    {
                        Prompt = prompt,
                        Runner = runner,
                        WorkingDirectory = workspace,
                        Args = _currentArgs,
                        Timeout = _policy!.AttemptTimeout,
                        Environment = Variables(attempt.AttemptIndex, attempt.AttemptId, attemptDirectory, workspace, "").ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal),
                        OnStandardErrorLine = line =>
                        {
                            lock (errorsLock)
                            {
                                errors.WriteLine(line);
                            }
                        },
                    };
                    var lastLine = 0;
                    string? lastRaw = null;
                    await foreach (var agentEvent in agent.StreamAsync(request, Token).ConfigureAwait(false))
                    {
                        fold.Add(agentEvent);
                        var json = JsonSerializer.Serialize<AgentEvent>(agentEvent, ConduitJson.Options);
                        await events.WriteLineAsync(json).ConfigureAwait(false);
                        // One stdout line can become several events (text, usage, ...): each line is written once.
                        if (agentEvent.RawRepresentation is { } raw && (agentEvent.LineNumber is { } line ? line > lastLine : !ReferenceEquals(raw, lastRaw)))
                        {
                            await text.WriteLineAsync(raw).ConfigureAwait(false);
                            lastLine = agentEvent.LineNumber ?? lastLine;
                            lastRaw = raw;
                        }

                        _x.eventLog.Append(_run.RunId, "agent.event", attempt.AttemptIndex, agentEvent);
                    }
                }
                catch (ConduitException exception)
                {
                    return new AgentResult { Runner = runner, Outcome = AgentOutcome.LaunchFailed, Reason = exception.Message };
                }
                catch (OperationCanceledException) when (Token.IsCancellationRequested)
                {
                    return new AgentResult { Runner = runner, Outcome = AgentOutcome.Cancelled, Reason = "cancelled" };
                }

                var result = fold.ToResult();
                if (result.Text is { } final)
                {
                    await File.WriteAllTextAsync(Path.Combine(attemptDirectory, "agent.final.txt"), final, CancellationToken.None).ConfigureAwait(false);
                }

                await File.WriteAllTextAsync(Path.Combine(attemptDirectory, "agent.result.json"), JsonSerializer.Serialize(new
                {
                    outcome = result.Outcome,
                    session_id = result.SessionId,
                    exit_code = result.ExitCode,
                    reason = result.Reason,
                    usage = result.Usage,
                    duration_ms = (long)result.Duration.TotalMilliseconds,
                }, Indented), CancellationToken.None).ConfigureAwait(false);

                if (ProviderBackpressure.IsRateLimit(result) && rateLimited < _x.options.MaxRateLimitRetries && !Token.IsCancellationRequested)
                {
                    rateLimited++;
                    LogRateLimited(_x.logger, runner.Provider);
                    _x.backpressure.ReportRateLimit(runner.Provider);
                    _x.eventLog.Append(_run.RunId, "log", attempt.AttemptIndex, new { source = "conduit", stream = "stderr", text = $"{runner.Provider} answered with a rate limit; waiting {_x.backpressure.RemainingPause(runner.Provider)} before asking again" });
                    continue;
                }

                return result;
            }
        }

        private static string Name(AgentOutcome outcome) => JsonSerializer.Serialize(outcome).Trim('"');

        private static AttemptOutcome Terminal((RunStatus Status, string Summary) stop) => new()
        {
            Decision = stop.Status switch
            {
                RunStatus.TimedOut => AttemptDecision.TimedOut,
                RunStatus.Failed => AttemptDecision.Fail,
                _ => AttemptDecision.Stopped,
            },
            FailureSummary = stop.Summary,
            RunStatus = stop.Status,
        };

        private AttemptOutcome Stopped(string summary)
        {
            var stop = StopReason();
            return Terminal(stop.Status == RunStatus.Cancelled ? (stop.Status, summary) : stop);
        }

        private (RunStatus Status, string Summary) StopReason()
        {
            if (_cancel.IsCancellationRequested)
            {
                return (RunStatus.Cancelled, "Run canceled");
            }

            if (_shutdown.IsCancellationRequested)
            {
                return (RunStatus.Interrupted, "The orchestrator shut down while the run was executing");
            }

            return (RunStatus.TimedOut, "Run timed out");
        }

        private async Task<AttemptOutcome> EndAttemptAsync(AttemptDraft attempt, RunStatus status, string? summary, AttemptOutcome outcome)
        {
            attempt.Status = status;
            attempt.FailureSummary = summary;
            attempt.FinishedAt = _x.timeProvider.GetUtcNow();
            await SaveAttemptAsync(attempt).ConfigureAwait(false);
            RunTelemetry.AttemptEnded(_attemptActivity, _run.PolicyId, attempt.Runner.Provider, status);
            _x.eventLog.Append(_run.RunId, "attempt.finished", attempt.AttemptIndex, new { attempt_id = attempt.AttemptId, status = status.ToName(), failure_summary = summary });
            if (outcome.Decision is AttemptDecision.Retry or AttemptDecision.Escalate && attempt.AttemptIndex >= _run.MaxAttempts)
            {
                return new AttemptOutcome { Decision = AttemptDecision.Fail, FailureSummary = summary, RunStatus = outcome.RunStatus };
            }

            if (outcome.Decision is AttemptDecision.Fail && outcome.RunStatus == RunStatus.TimedOut)
            {
                return new AttemptOutcome { Decision = AttemptDecision.TimedOut, FailureSummary = summary };
            }

            return outcome;
        }

        private async Task<(string? WorkspacePath, (RunStatus Status, string Summary)? Stopped)> RunHooksAsync(
            PolicyHookStage stage, int attemptIndex, string outputDirectory, string attemptId = "", string? workspace = null, CancellationToken? token = null)
        {
            var policy = _policy!;
            var stageName = PolicyLoader.StageName(stage);
            string? chosenWorkspace = null;
            foreach (var hook in policy.HooksFor(stage))
            {
                var stamp = _x.timeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                var hooksDirectory = Path.Combine(outputDirectory, "hooks");
                Directory.CreateDirectory(hooksDirectory);
                var resultPath = Path.Combine(hooksDirectory, $"{stageName}-{stamp}.result.json");
                using var hookActivity = RunTelemetry.StartHook(stageName);
                var ran = await _x.commands.RunAsync(new CommandInvocation
                {
                    Command = hook,
                    PolicyDirectory = policy.Directory,
                    WorkingDirectory = workspace ?? chosenWorkspace ?? _workspace,
                    Variables = Variables(attemptIndex, attemptId, outputDirectory, workspace ?? chosenWorkspace ?? _workspace, resultPath),
                    Timeout = policy.HookTimeout,
                    StdoutPath = Path.Combine(hooksDirectory, $"{stageName}-{stamp}.stdout.log"),
                    StderrPath = Path.Combine(hooksDirectory, $"{stageName}-{stamp}.stderr.log"),
                    RunId = _run.RunId,
                    AttemptIndex = attemptIndex == 0 ? null : (int?)attemptIndex,
                    Source = "hook:" + stageName,
                }, token ?? Token).ConfigureAwait(false);
                RunTelemetry.CommandEnded(hookActivity, ran);
                _x.eventLog.Append(_run.RunId, "hook.finished", attemptIndex == 0 ? null : (int?)attemptIndex, new
                {
                    hook = stageName,
                    command = hook.Text,
                    exit_code = ran.ExitCode,
                    timed_out = ran.TimedOut,
                    duration_ms = ran.DurationMs,
                    error = ran.LaunchError,
                });
                if ((token ?? Token).IsCancellationRequested)
                {
                    return (null, StopReason());
                }

                if (ran.TimedOut)
                {
                    return (null, (RunStatus.TimedOut, $"Hook \"{stageName}\" timed out after {policy.HookTimeout}"));
                }

                if (!ran.Succeeded)
                {
                    return (null, (RunStatus.Failed, $"Hook \"{stageName}\" failed with exit code {ran.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "null"}"));
                }

                var written = ReadWorkspacePath(resultPath, stageName, stage, out var error);
                if (error is not null)
                {
                    return (null, (RunStatus.Failed, error));
                }

                chosenWorkspace = written ?? chosenWorkspace;
            }

            return (chosenWorkspace, null);
        }

        private static string? ReadWorkspacePath(string resultPath, string stageName, PolicyHookStage stage, out string? error)
        {
            error = null;
            if (!File.Exists(resultPath))
            {
                return null;
            }

            try
            {
                var node = JsonNode.Parse(File.ReadAllText(resultPath)) as JsonObject;
                if (node?["workspace_path"]?.GetValue<string>() is not { } path)
                {
                    return null;
                }

                if (stage is not (PolicyHookStage.Init or PolicyHookStage.BeforeAttempt))
                {
                    error = $"Hook \"{stageName}\" wrote workspace_path, which only init and before_attempt hooks may set";
                    return null;
                }

                if (!Path.IsPathRooted(path) || !Directory.Exists(path))
                {
                    error = $"Hook \"{stageName}\" wrote workspace_path \"{path}\", which is not an existing absolute directory";
                    return null;
                }

                return path;
            }
            catch (Exception exception) when (exception is JsonException or InvalidOperationException or IOException)
            {
                error = $"Hook \"{stageName}\" wrote an invalid result file {resultPath}: {exception.Message}";
                return null;
            }
        }

        private Dictionary<string, string> Variables(int attemptIndex, string attemptId, string attemptOutput, string workspace, string hookOutputPath) => new(StringComparer.Ordinal)
        {
            ["CONDUIT_RUN_ID"] = _run.RunId,
            ["CONDUIT_PROJECT_ID"] = _run.ProjectId,
            ["CONDUIT_POLICY_ID"] = _run.PolicyId,
            ["CONDUIT_TASK_ID"] = _policy?.TaskId ?? "",
            ["CONDUIT_ATTEMPT_INDEX"] = attemptIndex.ToString(CultureInfo.InvariantCulture),
            ["CONDUIT_ATTEMPT_ID"] = attemptId,
            ["CONDUIT_PROJECT_PATH"] = _projectPath,
            ["CONDUIT_WORKSPACE"] = workspace,
            ["CONDUIT_WORKSPACE_PATH"] = workspace,
            ["CONDUIT_ATTEMPT_OUTPUT"] = attemptOutput,
            ["CONDUIT_HOOK_OUTPUT_PATH"] = hookOutputPath,
            ["CONDUIT_RESULT_FILE"] = hookOutputPath,
            ["CONDUIT_BASELINE_REF"] = _baselineRef,
            ["CONDUIT_RUN_INPUT_JSON"] = (_run.Input ?? []).ToJsonString(ConduitJson.Options),
            ["CONDUIT_INPUT_FILE"] = InputFile,
            ["CONDUIT_POLICY_DIR"] = _policy?.Directory ?? "",
        };

        public async Task<RunRecord> FinishAsync(RunStatus status, string? summary, bool runHooks)
        {
            if (runHooks && _policy is not null && status != RunStatus.Interrupted)
            {
                using var hookTimeout = new CancellationTokenSource(_policy.HookTimeout + _policy.HookTimeout, _x.timeProvider);
                var stage = status == RunStatus.Succeeded ? PolicyHookStage.OnSuccess : PolicyHookStage.OnFailure;
                try
                {
                    var hooks = await RunHooksAsync(stage, _attemptIndex, _runDirectory, token: hookTimeout.Token).ConfigureAwait(false);
                    if (hooks.Stopped is { } failed)
                    {
                        // A failing final hook never changes the outcome (the original turned success into failure).
                        _x.eventLog.Append(_run.RunId, "log", null, new { source = "conduit", stream = "stderr", text = failed.Summary + " (ignored: the run's outcome stands)" });
                    }
                }
                catch (Exception exception) when (exception is ConduitException or IOException)
                {
                    _x.eventLog.Append(_run.RunId, "log", null, new { source = "conduit", stream = "stderr", text = exception.Message });
                }
            }

            if (_worktree is not null && _policy is not null && (status == RunStatus.Succeeded || !_policy.Workspace.KeepOnFailure) && status != RunStatus.Interrupted)
            {
                await _x.git.RemoveWorktreeAsync(_projectPath, _worktree, CancellationToken.None).ConfigureAwait(false);
            }

            var finished = RunRecords.Copy(_run, status: status, finishedAt: _x.timeProvider.GetUtcNow(), failureSummary: summary,
                cancelRequestedAt: status == RunStatus.Cancelled ? _run.CancelRequestedAt ?? _x.timeProvider.GetUtcNow() : null);
            await SaveAsync(finished, statusEvent: true).ConfigureAwait(false);
            LogRunEnded(_x.logger, _run.RunId, status);
            return finished;
        }

        private async Task SaveAsync(RunRecord run, bool statusEvent = false)
        {
            _run = run;
            await _x.store.UpdateRunAsync(run, CancellationToken.None).ConfigureAwait(false);
            Directory.CreateDirectory(_runDirectory);
            await File.WriteAllTextAsync(Path.Combine(_runDirectory, "run.json"), JsonSerializer.Serialize(run, Indented), CancellationToken.None).ConfigureAwait(false);
            if (statusEvent)
            {
                _x.eventLog.Append(run.RunId, "run.status", null, new { status = run.Status.ToName(), failure_summary = run.FailureSummary });
            }
        }

        private Task SaveAttemptAsync(AttemptDraft attempt) => _x.store.UpsertAttemptAsync(attempt.ToRecord(), CancellationToken.None);

        private static string SafeName(string name) => System.Text.RegularExpressions.Regex.Replace(name, "[^A-Za-z0-9._-]+", "_");
    }
}

/// <summary>A mutable attempt while it runs.</summary>
internal sealed class AttemptDraft
{
    public required string AttemptId { get; init; }

    public required string RunId { get; init; }

    public required int AttemptIndex { get; init; }

    public RunStatus Status { get; set; }

    public required RunnerRef Runner { get; init; }

    public string? SessionId { get; set; }

    public AgentOutcome? AgentOutcome { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? WorkspacePath { get; set; }

    public string? OutputDir { get; set; }

    public string? FailureSummary { get; set; }

    public List<CheckResultRecord> CheckResults { get; } = [];

    public AgentUsage? Usage { get; set; }

    public AttemptRecord ToRecord() => new()
    {
        AttemptId = AttemptId,
        RunId = RunId,
        AttemptIndex = AttemptIndex,
        Status = Status,
        Runner = Runner,
        SessionId = SessionId,
        AgentOutcome = AgentOutcome,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        DurationMs = FinishedAt is { } end && StartedAt is { } start ? (long)(end - start).TotalMilliseconds : null,
        WorkspacePath = WorkspacePath,
        OutputDir = OutputDir,
        FailureSummary = FailureSummary,
        CheckResults = CheckResults.ToArray(),
        Usage = Usage,
    };
}
