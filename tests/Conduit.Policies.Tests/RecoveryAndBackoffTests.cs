using System.Diagnostics;
using System.Text.Json.Nodes;
using Conduit.Policies;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Conduit.Policies.Tests;

public sealed class RecoveryAndBackoffTests : IAsyncDisposable
{
    private readonly TestProject _project = new();

    public ValueTask DisposeAsync() => _project.DisposeAsync();

    [Fact]
    public async Task On_start_runs_left_running_by_a_dead_orchestrator_become_interrupted_and_their_orphans_are_killed()
    {
        _project.WritePolicy("p", "policy_id: p\ntask_id: t\n");
        var store = new SqliteRunStore(Path.Combine(_project.StateDirectory, "db.sqlite"));
        await store.InitializeAsync(default);
        var now = DateTimeOffset.UtcNow;
        var orphanRun = NewRun("run_orphan", now);
        await store.InsertQueuedRunAsync(orphanRun, "claude", null, default);
        var deadOwner = await DeadProcessAsync();
        Assert.NotNull(await store.TryClaimNextAsync(null, new RunOwner { ProcessId = deadOwner, StartTime = 1 }, [], null, now, default));
        using var orphan = StartOrphan("run_orphan");
        await store.RecordProcessAsync(new RunProcessRecord { RunId = "run_orphan", ProcessId = orphan.Id, ProcessGroupId = orphan.Id, StartTime = ProcessReaper.StartTime(orphan.Id), Kind = "hook:init" }, default);
        await store.InsertQueuedRunAsync(NewRun("run_waiting", now.AddSeconds(1)), "claude", null, default);
        Assert.True(TestWait.ProcessExists(orphan.Id));

        var orchestrator = _project.CreateOrchestrator();
        var interrupted = await orchestrator.GetAsync("run_orphan");
        var resumed = await orchestrator.FinishAsync("run_waiting");

        Assert.Equal(RunStatus.Interrupted, interrupted!.Status);
        Assert.NotNull(interrupted.FinishedAt);
        Assert.True(await TestWait.EventuallyAsync(() => !TestWait.ProcessExists(orphan.Id), 5), "the orphan survived recovery");
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
    }

    [Fact]
    public async Task A_run_owned_by_a_live_orchestrator_is_left_alone()
    {
        var store = new SqliteRunStore(Path.Combine(_project.StateDirectory, "db.sqlite"));
        await store.InitializeAsync(default);
        var now = DateTimeOffset.UtcNow;
        await store.InsertQueuedRunAsync(NewRun("run_live", now), "claude", null, default);
        var self = new RunOwner { ProcessId = Environment.ProcessId, StartTime = ProcessReaper.StartTime(Environment.ProcessId) };
        await store.TryClaimNextAsync(null, self, [], null, now, default);

        var orchestrator = _project.CreateOrchestrator(o => o.ExecuteRuns = false);

        Assert.Equal(RunStatus.Running, (await orchestrator.GetAsync("run_live"))!.Status);
    }

    [Fact]
    public async Task Backoff_between_attempts_follows_the_time_provider()
    {
        _project.WritePolicy("b", """
            policy_id: b
            task_id: t
            max_attempts: 3
            backoff: {initial: 10m, max: 1h, jitter: false}
            checks: [{name: c, command: "test -f $CONDUIT_PROJECT_PATH/ok || { touch $CONDUIT_PROJECT_PATH/ok; exit 1; }"}]
            """);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var orchestrator = _project.CreateOrchestrator(timeProvider: time);

        var run = await orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = "b" });
        Assert.True(await TestWait.EventuallyAsync(() => File.Exists(Path.Combine(_project.ProjectPath, "ok")) && _project.Runners["claude"].Requests.Count == 1, 20));
        await Task.Delay(300);
        Assert.Single(_project.Runners["claude"].Requests);
        time.Advance(TimeSpan.FromMinutes(9));
        await Task.Delay(200);
        Assert.Single(_project.Runners["claude"].Requests);
        time.Advance(TimeSpan.FromMinutes(1));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        Assert.Equal(2, _project.Runners["claude"].Requests.Count);
    }

    [Fact]
    public async Task A_worktree_run_executes_in_a_detached_worktree_that_is_removed_afterwards()
    {
        await GitAsync(_project.ProjectPath, "init", "-q");
        await GitAsync(_project.ProjectPath, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "init");
        _project.WritePolicy("wt", """
            policy_id: wt
            task_id: t
            workspace: worktree
            checks: [{name: where, command: "pwd > $CONDUIT_PROJECT_PATH/check.cwd"}]
            """);
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = "wt" });
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        var worktree = Path.Combine(_project.StateDirectory, "worktrees", run.RunId);
        Assert.Equal(worktree, _project.Runners["claude"].Requests.Single().WorkingDirectory);
        Assert.Equal(worktree, File.ReadAllText(Path.Combine(_project.ProjectPath, "check.cwd")).Trim());
        Assert.False(Directory.Exists(worktree));
        Assert.DoesNotContain(run.RunId, await GitAsync(_project.ProjectPath, "worktree", "list"));
    }

    private RunRecord NewRun(string id, DateTimeOffset createdAt) => new()
    {
        RunId = id,
        ProjectId = "demo",
        PolicyId = "p",
        Status = RunStatus.Queued,
        CreatedAt = createdAt,
        MaxAttempts = 1,
        Input = new JsonObject(),
        Runner = new RunnerRef { Provider = "claude" },
    };

    private static async Task<int> DeadProcessAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    private static Process StartOrphan(string runId)
    {
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        info.ArgumentList.Add("sleep");
        info.ArgumentList.Add("300");
        info.Environment["CONDUIT_RUN_ID"] = runId;
        return Process.Start(info)!;
    }

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo("git") { UseShellExecute = false, RedirectStandardOutput = true, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}

public sealed class CrossProcessCancelTests : IAsyncDisposable
{
    private readonly TestProject _project = new();

    public ValueTask DisposeAsync() => _project.DisposeAsync();

    [Fact]
    public async Task A_cancel_through_another_orchestrator_on_the_same_state_dir_stops_the_run()
    {
        _project.WritePolicy("long", "policy_id: long\ntask_id: t\nchecks: [{name: long, command: \"sleep 300\"}]\n");
        var executing = _project.CreateOrchestrator();
        var other = _project.CreateOrchestrator(o => o.ExecuteRuns = false);

        var run = await executing.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = "long" });
        Assert.True(await TestWait.EventuallyAsync(() => ProcessReaper.FindMarked(run.RunId).Count > 0, 20));
        Assert.True(await other.CancelAsync(run.RunId));
        var done = await executing.FinishAsync(run.RunId, 20);

        Assert.Equal(RunStatus.Cancelled, done.Status);
        Assert.True(await TestWait.EventuallyAsync(() => ProcessReaper.FindMarked(run.RunId).Count == 0, 10));
    }
}

public sealed class ShutdownTests : IAsyncDisposable
{
    private readonly TestProject _project = new();

    public ValueTask DisposeAsync() => _project.DisposeAsync();

    [Fact]
    public async Task Disposing_the_orchestrator_interrupts_in_flight_runs_and_stops_their_processes()
    {
        _project.WritePolicy("long", "policy_id: long\ntask_id: t\nchecks: [{name: long, command: \"sleep 300\"}]\n");
        _project.WriteScript("long", "on_failure.sh", "touch \"$CONDUIT_PROJECT_PATH/on_failure.ran\"");
        var orchestrator = _project.CreateOrchestrator();
        var run = await orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = "long" });
        Assert.True(await TestWait.EventuallyAsync(() => ProcessReaper.FindMarked(run.RunId).Count > 0, 20));

        await orchestrator.DisposeAsync();
        var after = _project.CreateOrchestrator(o => o.ExecuteRuns = false);
        var interrupted = await after.GetAsync(run.RunId);

        Assert.Equal(RunStatus.Interrupted, interrupted!.Status);
        Assert.Empty(ProcessReaper.FindMarked(run.RunId));
        Assert.False(File.Exists(Path.Combine(_project.ProjectPath, "on_failure.ran")));
        Assert.Equal(RunStatus.Interrupted, (await after.GetAttemptsAsync(run.RunId)).Single().Status);
    }
}
