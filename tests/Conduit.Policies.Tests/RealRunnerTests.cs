using System.Text.Json.Nodes;
using Conduit.Policies;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Conduit.Policies.Tests;

/// <summary>Runs through the real Claude Code runner, with the fake agent replaying a real capture in its place.</summary>
public sealed class RealRunnerTests : IAsyncDisposable
{
    private readonly TestProject _project = new();
    private ServiceProvider? _services;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _project.DisposeAsync();
    }

    private IRunOrchestrator Orchestrator(params (string Name, string Value)[] agentEnvironment)
    {
        var fakeAgent = Path.Combine(AppContext.BaseDirectory, "fake-agent");
        var capture = Path.Combine(AppContext.BaseDirectory, "../../../../Conduit.Runners.Tests/Captures/claude-text.jsonl");
        var services = new ServiceCollection();
        services.AddConduit(builder => builder.ConfigureRunner("claude", options =>
        {
            options.ExecutablePath = fakeAgent;
            options.ProbeVersion = false;
            options.Environment["FAKE_AGENT_REPLAY"] = Path.GetFullPath(capture);
            foreach (var (name, value) in agentEnvironment)
            {
                options.Environment[name] = value;
            }
        }));
        services.AddSingleton<IProjectResolver>(_project.Resolver);
        services.AddConduitRuns(o => { o.StateDirectory = _project.StateDirectory; o.LoginShell = false; });
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<IRunOrchestrator>();
    }

    [Fact]
    public async Task A_run_through_the_real_runner_records_the_session_and_retries_until_the_check_passes()
    {
        _project.WritePolicy("real", """
            policy_id: real
            task_id: t
            runner: {provider: claude}
            max_attempts: 3
            checks: [{name: second_time, command: "test -f $CONDUIT_PROJECT_PATH/seen || { touch $CONDUIT_PROJECT_PATH/seen; echo first; exit 1; }"}]
            """);
        var orchestrator = Orchestrator();

        var run = await orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = "real", Input = new JsonObject { ["issue"] = "x" } });
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.True(done.Status == RunStatus.Succeeded, done.FailureSummary);
        var attempts = await orchestrator.GetAttemptsAsync(run.RunId);
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.False(string.IsNullOrEmpty(a.SessionId)));
        Assert.All(attempts, a => Assert.Equal(AgentOutcome.Succeeded, a.AgentOutcome));
        Assert.True(File.Exists(Path.Combine(attempts[0].OutputDir!, "agent.stdout.log")));
    }

    [Fact]
    public async Task Cancel_during_the_agent_leaves_no_process_of_the_run()
    {
        _project.WritePolicy("hang", "policy_id: hang\ntask_id: t\nrunner: {provider: claude}\n");
        var orchestrator = Orchestrator(("FAKE_AGENT_HANG", "1"), ("FAKE_AGENT_SPAWN_GRANDCHILD", "both"));

        var run = await orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = "hang" });
        Assert.True(await TestWait.EventuallyAsync(() => ProcessReaper.FindMarked(run.RunId).Count > 0, 30), "the agent never started");
        Assert.True(await orchestrator.CancelAsync(run.RunId));
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Cancelled, done.Status);
        Assert.True(await TestWait.EventuallyAsync(() => ProcessReaper.FindMarked(run.RunId).Count == 0, 10),
            "processes of the run survived: " + string.Join(", ", ProcessReaper.FindMarked(run.RunId)));
    }
}
