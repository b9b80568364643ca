using System.Text.Json.Nodes;
using Conduit.Policies;
using Xunit;

namespace Conduit.Policies.Tests;

public sealed class RunOrchestratorTests : IAsyncDisposable
{
    private readonly TestProject _project = new();

    public ValueTask DisposeAsync() => _project.DisposeAsync();

    private static RunSubmission Submission(string policyId, string? key = null, string? externalRef = null) => new()
    {
        ProjectId = "demo",
        PolicyId = policyId,
        Input = new JsonObject { ["issue"] = "invoice rounding error" },
        IdempotencyKey = key,
        ExternalRef = externalRef,
    };

    [Fact]
    public async Task A_check_that_fails_twice_then_passes_takes_three_attempts_and_feeds_each_failure_back()
    {
        _project.WritePolicy("fix", """
            policy_id: fix
            task_id: fix_bug
            runner: {provider: claude}
            prompt: "Fix: {{input.issue}} (attempt {{attempt}})"
            max_attempts: 5
            checks:
              - name: unit_tests
                command: ./count.sh
                on_fail: retry
            """);
        _project.WriteScript("fix", "count.sh", """
            n=$(cat "$CONDUIT_PROJECT_PATH/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$CONDUIT_PROJECT_PATH/count"
            if [ $n -lt 3 ]; then echo "failure number $n"; exit 1; fi
            echo ok
            """);
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("fix"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        Assert.Equal(3, done.CurrentAttemptIndex);
        var attempts = await orchestrator.GetAttemptsAsync(run.RunId);
        Assert.Equal([RunStatus.Failed, RunStatus.Failed, RunStatus.Succeeded], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.NotNull(a.SessionId));
        Assert.All(attempts, a => Assert.Equal(10, a.Usage!.InputTokens));
        Assert.Equal(0.03m, done.Usage!.CostUsd);
        var prompts = _project.Runners["claude"].Requests.Select(r => r.Prompt).ToArray();
        Assert.Equal(3, prompts.Length);
        Assert.StartsWith("Fix: invoice rounding error (attempt 1)", prompts[0]);
        Assert.DoesNotContain("Retry feedback:", prompts[0]);
        Assert.Contains("Check: unit_tests", prompts[1]);
        Assert.Contains("failure number 1", prompts[1]);
        Assert.Contains("failure number 2", prompts[2]);
        var failedCheck = Assert.Single(attempts[0].CheckResults);
        Assert.False(failedCheck.Passed);
        Assert.Equal(1, failedCheck.ExitCode);
        Assert.True(failedCheck.FailureEffective);
        Assert.True(File.Exists(Path.Combine(_project.StateDirectory, "runs", run.RunId, "attempts", "2", "agent.prompt.txt")));
        Assert.True(File.Exists(Path.Combine(_project.StateDirectory, "runs", run.RunId, "attempts", "1", "checks", "01-unit_tests.stdout.log")));
        Assert.True(File.Exists(Path.Combine(_project.StateDirectory, "runs", run.RunId, "run.json")));
    }

    [Fact]
    public async Task A_check_that_always_fails_stops_at_max_attempts_and_runs_on_failure()
    {
        _project.WritePolicy("never", """
            policy_id: never
            task_id: t
            max_attempts: 2
            checks: [{name: tests, command: "echo nope; exit 1"}]
            """);
        _project.WriteScript("never", "on_failure.sh", "echo \"$CONDUIT_RUN_ID\" > \"$CONDUIT_PROJECT_PATH/on_failure.ran\"");
        _project.WriteScript("never", "on_success.sh", "touch \"$CONDUIT_PROJECT_PATH/on_success.ran\"");
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("never"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, done.Status);
        Assert.Equal("Retryable check failure", done.FailureSummary);
        Assert.Equal(2, (await orchestrator.GetAttemptsAsync(run.RunId)).Count);
        Assert.Equal(run.RunId, File.ReadAllText(Path.Combine(_project.ProjectPath, "on_failure.ran")).Trim());
        Assert.False(File.Exists(Path.Combine(_project.ProjectPath, "on_success.ran")));
    }

    [Fact]
    public async Task Escalation_switches_to_another_runner_after_failed_attempts()
    {
        _project.WritePolicy("esc", """
            policy_id: esc
            task_id: t
            runner: {provider: claude, model: sonnet}
            max_attempts: 3
            escalation: {after_failed_attempts: 1, runner: {provider: codex, model: gpt-5}}
            checks: [{name: tests, command: "test -f $CONDUIT_PROJECT_PATH/fixed"}]
            """);
        _project.Runners["codex"].Handler = (request, _) =>
        {
            File.WriteAllText(Path.Combine(request.WorkingDirectory!, "fixed"), "");
            return Task.FromResult(AgentOutcome.Succeeded);
        };
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("esc"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        var attempts = await orchestrator.GetAttemptsAsync(run.RunId);
        Assert.Equal(["claude/sonnet", "codex/gpt-5"], attempts.Select(a => $"{a.Runner.Provider}/{a.Runner.Model}"));
        Assert.Equal("claude", done.Runner!.Provider);
    }

    [Fact]
    public async Task The_originals_escalation_list_picks_the_runner_by_attempt_index()
    {
        _project.WritePolicy("orig", """
            policy_id: orig
            task_id: t
            runner: {provider: claude}
            checks: [{name: tests, command: "false", on_fail: retry}]
            retry: {max_attempts: 3, escalation: [{runner: {provider: codex}}]}
            """);
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("orig"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, done.Status);
        var attempts = await orchestrator.GetAttemptsAsync(run.RunId);
        Assert.Equal(["claude", "codex", "codex"], attempts.Select(a => a.Runner.Provider));
    }

    [Fact]
    public async Task Escalation_can_stop_the_run_as_needs_attention()
    {
        _project.WritePolicy("stop", """
            policy_id: stop
            task_id: t
            max_attempts: 5
            escalation: {after_failed_attempts: 2, stop: needs_attention}
            checks: [{name: tests, command: "false"}]
            """);
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("stop"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.NeedsAttention, done.Status);
        Assert.Equal(2, (await orchestrator.GetAttemptsAsync(run.RunId)).Count);
    }

    [Fact]
    public async Task A_failing_hook_fails_the_run_without_retry()
    {
        _project.WritePolicy("hook", """
            policy_id: hook
            task_id: t
            max_attempts: 3
            """);
        _project.WriteScript("hook", "before_attempt.sh", "echo broken >&2; exit 3");
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("hook"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Failed, done.Status);
        Assert.Equal("Hook \"before_attempt\" failed with exit code 3", done.FailureSummary);
        Assert.Single(await orchestrator.GetAttemptsAsync(run.RunId));
        Assert.Empty(_project.Runners["claude"].Requests);
    }

    [Fact]
    public async Task Hooks_and_checks_get_the_conduit_environment_and_relative_commands_keep_their_arguments()
    {
        _project.WritePolicy("env", """
            policy_id: env
            task_id: the_task
            hooks:
              init: ["./scripts/dump.sh init-arg"]
            checks: [{name: env, command: "./scripts/dump.sh check-arg"}]
            """);
        _project.WriteScript("env", "scripts/dump.sh", "env | grep '^CONDUIT_' | sort > \"$CONDUIT_PROJECT_PATH/env.$1\"");
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("env"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        var init = File.ReadAllText(Path.Combine(_project.ProjectPath, "env.init-arg"));
        var check = File.ReadAllText(Path.Combine(_project.ProjectPath, "env.check-arg"));
        foreach (var name in new[] { "RUN_ID", "PROJECT_ID", "POLICY_ID", "TASK_ID", "ATTEMPT_INDEX", "ATTEMPT_ID", "PROJECT_PATH", "WORKSPACE", "WORKSPACE_PATH", "ATTEMPT_OUTPUT", "HOOK_OUTPUT_PATH", "BASELINE_REF", "RUN_INPUT_JSON", "INPUT_FILE", "RESULT_FILE" })
        {
            Assert.Contains($"CONDUIT_{name}=", init);
            Assert.Contains($"CONDUIT_{name}=", check);
        }

        Assert.Contains("CONDUIT_ATTEMPT_INDEX=0\n", init);
        Assert.Contains("CONDUIT_ATTEMPT_ID=\n", init);
        Assert.Contains($"CONDUIT_ATTEMPT_ID={run.RunId}:attempt:1\n", check);
        Assert.Contains("CONDUIT_TASK_ID=the_task\n", check);
        Assert.Contains("CONDUIT_HOOK_OUTPUT_PATH=\n", check);
        Assert.Contains("\"issue\":\"invoice rounding error\"", check);
    }

    [Fact]
    public async Task An_init_hook_may_choose_the_workspace()
    {
        var elsewhere = Path.Combine(_project.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        _project.WritePolicy("ws", """
            policy_id: ws
            task_id: t
            checks: [{name: where, command: "pwd > $CONDUIT_PROJECT_PATH/check.cwd"}]
            """);
        _project.WriteScript("ws", "init.sh", $"echo '{{\"workspace_path\":\"{elsewhere}\"}}' > \"$CONDUIT_HOOK_OUTPUT_PATH\"");
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("ws"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        Assert.Equal(elsewhere, _project.Runners["claude"].Requests.Single().WorkingDirectory);
        Assert.Equal(elsewhere, File.ReadAllText(Path.Combine(_project.ProjectPath, "check.cwd")).Trim());
        Assert.Equal(elsewhere, (await orchestrator.GetAttemptsAsync(run.RunId)).Single().WorkspacePath);
    }

    [Fact]
    public async Task An_ignored_check_failure_still_succeeds_and_a_failing_fail_check_ends_at_once()
    {
        _project.WritePolicy("ign", """
            policy_id: ign
            task_id: t
            checks: [{name: style, command: "false", on_fail: ignore}]
            """);
        _project.WritePolicy("term", """
            policy_id: term
            task_id: t
            max_attempts: 3
            checks: [{name: fatal, command: "false", on_fail: fail}]
            """);
        var orchestrator = _project.CreateOrchestrator();

        var ignored = await orchestrator.FinishAsync((await orchestrator.SubmitAsync(Submission("ign"))).RunId);
        var terminal = await orchestrator.FinishAsync((await orchestrator.SubmitAsync(Submission("term"))).RunId);

        Assert.Equal(RunStatus.Succeeded, ignored.Status);
        Assert.False((await orchestrator.GetAttemptsAsync(ignored.RunId)).Single().CheckResults.Single().Passed);
        Assert.Equal(RunStatus.Failed, terminal.Status);
        Assert.Equal("Policy check requested terminal failure", terminal.FailureSummary);
        Assert.Single(await orchestrator.GetAttemptsAsync(terminal.RunId));
    }

    [Fact]
    public async Task A_check_timeout_is_enforced()
    {
        _project.WritePolicy("slow", """
            policy_id: slow
            task_id: t
            max_attempts: 3
            checks: [{name: slow, command: "sleep 30", timeout: 1s}]
            """);
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("slow"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.TimedOut, done.Status);
        Assert.Equal("Command timed out", done.FailureSummary);
        var check = (await orchestrator.GetAttemptsAsync(run.RunId)).Single().CheckResults.Single();
        Assert.Null(check.ExitCode);
        Assert.True(check.TimedOut);
    }

    [Fact]
    public async Task Cancel_during_an_attempt_leaves_no_process_behind()
    {
        _project.WritePolicy("long", """
            policy_id: long
            task_id: t
            checks: [{name: long, command: "sleep 300 & echo $! > $CONDUIT_PROJECT_PATH/sleep.pid; wait"}]
            """);
        var orchestrator = _project.CreateOrchestrator();
        var pidFile = Path.Combine(_project.ProjectPath, "sleep.pid");

        var run = await orchestrator.SubmitAsync(Submission("long"));
        Assert.True(await TestWait.EventuallyAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0));
        var pid = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.True(TestWait.ProcessExists(pid));
        Assert.True(await orchestrator.CancelAsync(run.RunId));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Cancelled, done.Status);
        Assert.NotNull(done.CancelRequestedAt);
        Assert.True(await TestWait.EventuallyAsync(() => !TestWait.ProcessExists(pid), 5), $"process {pid} survived the cancel");
        Assert.False(await orchestrator.CancelAsync(run.RunId));
    }

    [Fact]
    public async Task Cancel_of_a_queued_run_is_immediate()
    {
        _project.WritePolicy("q", "policy_id: q\ntask_id: t\n");
        var orchestrator = _project.CreateOrchestrator(o => o.ExecuteRuns = false);

        var run = await orchestrator.SubmitAsync(Submission("q"));

        Assert.True(await orchestrator.CancelAsync(run.RunId));
        var canceled = await orchestrator.GetAsync(run.RunId);
        Assert.Equal(RunStatus.Cancelled, canceled!.Status);
        Assert.Equal("Run canceled", canceled.FailureSummary);
        Assert.False(await orchestrator.CancelAsync(run.RunId));
        await Assert.ThrowsAsync<RunNotFoundException>(() => orchestrator.CancelAsync("run_nope"));
    }

    [Fact]
    public async Task Max_active_runs_is_never_exceeded_under_a_burst_of_submissions()
    {
        _project.WritePolicy("burst", "policy_id: burst\ntask_id: t\n");
        var current = 0;
        var peak = 0;
        _project.Runners["claude"].Handler = async (_, cancellationToken) =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            await Task.Delay(20, cancellationToken);
            Interlocked.Decrement(ref current);
            return AgentOutcome.Succeeded;
        };
        var orchestrator = _project.CreateOrchestrator(o => o.MaxActiveRuns = 2);

        var runs = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => orchestrator.SubmitAsync(Submission("burst")))));
        var done = await Task.WhenAll(runs.Select(r => orchestrator.FinishAsync(r.RunId, 120)));

        Assert.All(done, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.Equal(50, _project.Runners["claude"].Requests.Count);
        Assert.True(peak <= 2, $"peak concurrency {peak} exceeded maxActiveRuns 2");
        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task A_full_queue_rejects_with_a_clear_error()
    {
        _project.WritePolicy("q", "policy_id: q\ntask_id: t\n");
        var orchestrator = _project.CreateOrchestrator(o => { o.ExecuteRuns = false; o.MaxQueuedRuns = 2; });

        await orchestrator.SubmitAsync(Submission("q"));
        await orchestrator.SubmitAsync(Submission("q"));
        var error = await Assert.ThrowsAsync<QueueFullException>(() => orchestrator.SubmitAsync(Submission("q")));

        Assert.Contains("Queue capacity exceeded", error.Message);
    }

    [Fact]
    public async Task The_same_idempotency_key_or_external_ref_returns_the_same_run()
    {
        _project.WritePolicy("q", "policy_id: q\ntask_id: t\n");
        var orchestrator = _project.CreateOrchestrator(o => { o.ExecuteRuns = false; o.MaxQueuedRuns = 3; });

        var first = await orchestrator.SubmitAsync(Submission("q", key: "k1"));
        var again = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => orchestrator.SubmitAsync(Submission("q", key: "k1"))));
        var byRef = await orchestrator.SubmitAsync(Submission("q", externalRef: "issue-42"));
        var byRefAgain = await orchestrator.SubmitAsync(Submission("q", externalRef: "issue-42"));

        Assert.All(again, r => Assert.Equal(first.RunId, r.RunId));
        Assert.Equal(byRef.RunId, byRefAgain.RunId);
        Assert.Equal(2, (await orchestrator.ListAsync(new RunQuery())).Runs.Count);
    }

    [Fact]
    public async Task A_rate_limited_provider_is_paused_instead_of_failing_the_run()
    {
        _project.WritePolicy("rl", "policy_id: rl\ntask_id: t\n");
        var calls = 0;
        var runner = _project.Runners["claude"];
        runner.Handler = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? AgentOutcome.ApiError : AgentOutcome.Succeeded);
        runner.ReasonText = "API Error: 429 rate limit exceeded";
        var orchestrator = _project.CreateOrchestrator(o => o.RateLimitPause = TimeSpan.FromMilliseconds(200));

        var run = await orchestrator.SubmitAsync(Submission("rl"));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        Assert.Equal(2, calls);
        Assert.Single(await orchestrator.GetAttemptsAsync(run.RunId));
    }

    [Fact]
    public async Task Events_replay_from_the_start_and_end_at_the_terminal_status()
    {
        _project.WritePolicy("ev", "policy_id: ev\ntask_id: t\nchecks: [{name: c, command: \"echo hello-from-check\"}]\n");
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(Submission("ev"));
        await orchestrator.FinishAsync(run.RunId);
        var events = new List<RunEvent>();
        await foreach (var runEvent in orchestrator.EventsAsync(run.RunId))
        {
            events.Add(runEvent);
        }

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal("run.status", events[0].Type);
        Assert.Contains(events, e => e.Type == "agent.event");
        Assert.Contains(events, e => e.Type == "log" && e.Data.GetProperty("text").GetString() == "hello-from-check");
        Assert.Contains(events, e => e.Type == "check.finished");
        Assert.Equal("succeeded", events[^1].Data.GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(_project.StateDirectory, "runs", run.RunId, "events.jsonl")));
    }

    [Fact]
    public async Task An_unknown_project_or_policy_is_rejected_at_submit()
    {
        var orchestrator = _project.CreateOrchestrator();

        await Assert.ThrowsAsync<Conduit.Configuration.ProjectNotFoundException>(() => orchestrator.SubmitAsync(new RunSubmission { ProjectId = "nope", PolicyId = "x" }));
        await Assert.ThrowsAsync<PolicyNotFoundException>(() => orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = "x" }));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
