using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Conduit.Policies;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Clustering.Tests;

/// <summary>An in-process agent: <see cref="Handler"/> decides what each run does; <see cref="Requests"/> records them.</summary>
internal sealed class FakeAgentRunner : IAgentRunner
{
    public ConcurrentQueue<AgentRequest> Requests { get; } = new();

    public Func<AgentRequest, CancellationToken, Task<AgentOutcome>> Handler { get; set; } = (_, _) => Task.FromResult(AgentOutcome.Succeeded);

    public async IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        yield return new SessionStartedEvent { SessionId = "session-" + Requests.Count, Provider = request.Runner.Provider };
        AgentOutcome outcome;
        try
        {
            outcome = await Handler(request, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            outcome = AgentOutcome.Cancelled;
        }

        yield return new CompletedEvent { Outcome = outcome, FinalText = "done", SessionId = "session-" + Requests.Count };
    }
}

internal sealed class FakeRunnerFactory : IAgentRunnerFactory
{
    public FakeAgentRunner Claude { get; } = new();

    public IReadOnlyList<string> Providers => ["claude"];

    public IAgentRunner GetRunner(RunnerSpec spec) => spec.Provider == "claude" ? Claude : throw new UnknownProviderException(spec.Provider);
}

internal sealed class FakeProjectResolver(string projectPath) : IProjectResolver
{
    public ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(projectId == "demo" ? projectPath : null);
}

/// <summary>
/// A cluster on one test database: a project with policies, and daemons (in-process orchestrators, each with a state
/// dir and an agent of its own) created with <see cref="StartNodeAsync"/>. Everything is stopped and deleted on dispose.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly List<ClusteredRunOrchestrator> _nodes = [];

    private TestCluster(string connectionString)
    {
        ConnectionString = connectionString;
        Root = Path.Combine(Path.GetTempPath(), "conduit-cluster-tests", Guid.NewGuid().ToString("N"));
        ProjectPath = Path.Combine(Root, "project");
        Directory.CreateDirectory(ProjectPath);
        WritePolicy("work.v1", """
            policy_id: work.v1
            task_id: work
            runner:
              provider: claude
            max_attempts: 2
            """);
    }

    public string ConnectionString { get; }

    public string Root { get; }

    public string ProjectPath { get; }

    public static async Task<TestCluster> CreateAsync(PostgresServer server) => new(await server.CreateDatabaseAsync());

    public void WritePolicy(string policyId, string yaml)
    {
        var directory = Path.Combine(ProjectPath, ".conduit", "policies", policyId);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "policy.yaml"), yaml);
    }

    public async Task<(ClusteredRunOrchestrator Node, FakeAgentRunner Agent)> StartNodeAsync(string name, Action<ConduitRunsOptions>? configure = null, TimeSpan? checkinInterval = null)
    {
        var runners = new FakeRunnerFactory();
        var options = new ConduitRunsOptions { StateDirectory = Path.Combine(Root, "state-" + name), LoginShell = false, MaxActiveRuns = 4 };
        configure?.Invoke(options);
        var node = new ClusteredRunOrchestrator(
            options,
            new ConduitClusterOptions
            {
                ConnectionString = ConnectionString,
                CheckinInterval = checkinInterval ?? TimeSpan.FromMilliseconds(500),
                NodeId = name,
                IdleWaitTime = TimeSpan.FromSeconds(1),
            },
            runners,
            new FakeProjectResolver(ProjectPath),
            TimeProvider.System,
            NullLoggerFactory.Instance);
        _nodes.Add(node);
        await node.Started.WaitAsync(TimeSpan.FromSeconds(60));
        return (node, runners.Claude);
    }

    public static RunSubmission Work() => new() { ProjectId = "demo", PolicyId = "work.v1", Input = new System.Text.Json.Nodes.JsonObject() };

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }

    public static async Task<RunRecord> FinishedAsync(this IRunOrchestrator orchestrator, string runId, int seconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await orchestrator.WaitAsync(runId, timeout.Token);
    }
}
