using System.Text.Json.Nodes;
using Conduit;
using Conduit.Policies;
using Conduit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace PolicyTests;

/// <summary>
/// Tests the policy in project/.conduit/policies/greeting.v1 the way it runs in production: the real orchestrator, the
/// real Claude Code CLI, the real check script; only the model is scripted (Conduit.Testing's fake model API).
/// </summary>
public sealed class GreetingPolicyTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("greeting-policy-").FullName;
    private FakeModelServer _model = null!;
    private ServiceProvider _services = null!;

    private string ProjectPath => Path.Combine(_root, "project");

    public async Task InitializeAsync()
    {
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "project"), ProjectPath);
        _model = await FakeModelServer.StartAsync();
        var services = new ServiceCollection();
        services.AddConduit().UseFakeModelServer(_model, options =>
        {
            if (AgentClis.BinDirectory is { } bin)
            {
                options.UseExecutablesFrom(bin);
            }
        });
        services.AddSingleton<IProjectResolver>(new SingleProjectResolver("greeter", ProjectPath));
        services.AddConduitRuns(options => options.StateDirectory = Path.Combine(_root, "state"));
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _model.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_greeting_written_on_the_first_attempt_passes_the_check()
    {
        _model.Script.Enqueue(FakeTurn.WriteFile("GREETING.md", "Hello, Ada!\n"), FakeTurn.Text("done"));

        var run = await RunPolicyAsync(name: "Ada");

        Assert.True(run.Status == RunStatus.Succeeded, run.FailureSummary);
        Assert.Equal(1, run.CurrentAttemptIndex);
        Assert.Equal("Hello, Ada!\n", File.ReadAllText(Path.Combine(ProjectPath, "GREETING.md")));
        Assert.Contains("Write a one-line greeting for Ada into GREETING.md (attempt 1/2)", _model.ModelRequests[0].BodyText);
        Assert.Empty(_model.BlockedConnections);
    }

    [Fact]
    public async Task A_forgotten_greeting_is_retried_with_the_check_output_as_feedback()
    {
        _model.Script.Enqueue(
            FakeTurn.Text("I would rather not."),                  // attempt 1: no file, the check fails
            FakeTurn.WriteFile("GREETING.md", "Hello, Grace!\n"),  // attempt 2: the file...
            FakeTurn.Text("done"));                                 // ...and the end of the turn

        var run = await RunPolicyAsync(name: "Grace");

        Assert.True(run.Status == RunStatus.Succeeded, run.FailureSummary);
        Assert.Equal(2, run.CurrentAttemptIndex);
        var attempts = await _services.GetRequiredService<IRunOrchestrator>().GetAttemptsAsync(run.RunId);
        Assert.Equal([RunStatus.Failed, RunStatus.Succeeded], attempts.Select(a => a.Status));
        var retryPrompt = _model.ModelRequests[1].BodyText;
        Assert.Contains("attempt 2/2", retryPrompt);
        Assert.Contains("GREETING.md is missing or does not greet Grace", retryPrompt);
    }

    private async Task<RunRecord> RunPolicyAsync(string name)
    {
        var orchestrator = _services.GetRequiredService<IRunOrchestrator>();
        var run = await orchestrator.SubmitAsync(new RunSubmission
        {
            ProjectId = "greeter",
            PolicyId = "greeting.v1",
            Input = new JsonObject { ["name"] = name },
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await orchestrator.WaitAsync(run.RunId, timeout.Token);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private sealed class SingleProjectResolver(string projectId, string path) : IProjectResolver
    {
        public ValueTask<string?> ResolveAsync(string id, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(id == projectId ? path : null);
    }
}
