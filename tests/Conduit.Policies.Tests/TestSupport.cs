using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Conduit.Policies;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Policies.Tests;

/// <summary>A hand-written fake agent: <see cref="Handler"/> decides what each run does.</summary>
internal sealed class FakeAgentRunner : IAgentRunner
{
    public ConcurrentQueue<AgentRequest> Requests { get; } = new();

    public Func<AgentRequest, CancellationToken, Task<AgentOutcome>> Handler { get; set; } = (_, _) => Task.FromResult(AgentOutcome.Succeeded);

    public string? ReasonText { get; set; }

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

        yield return new UsageEvent { Usage = new AgentUsage { InputTokens = 10, OutputTokens = 5, CostUsd = 0.01m } };
        yield return new CompletedEvent { Outcome = outcome, FinalText = "done", Reason = ReasonText, SessionId = "session-" + Requests.Count };
    }
}

internal sealed class FakeRunnerFactory : IAgentRunnerFactory
{
    public Dictionary<string, FakeAgentRunner> Runners { get; } = new()
    {
        ["claude"] = new FakeAgentRunner(),
        ["codex"] = new FakeAgentRunner(),
        ["gemini"] = new FakeAgentRunner(),
    };

    public IReadOnlyList<string> Providers => Runners.Keys.ToArray();

    public FakeAgentRunner this[string provider] => Runners[provider];

    public IAgentRunner GetRunner(RunnerSpec spec) =>
        Runners.TryGetValue(spec.Provider, out var runner) ? runner : throw new UnknownProviderException(spec.Provider);
}

internal sealed class FakeProjectResolver : IProjectResolver
{
    public Dictionary<string, string> Projects { get; } = new(StringComparer.Ordinal);

    public ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Projects.TryGetValue(projectId, out var path) ? path : null);
}

/// <summary>A temporary project with policies, and a state dir; deleted on dispose.</summary>
internal sealed class TestProject : IAsyncDisposable
{
    private readonly List<RunOrchestrator> _orchestrators = [];

    public TestProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "conduit-policies-tests", Guid.NewGuid().ToString("N"));
        ProjectPath = Path.Combine(Root, "project");
        StateDirectory = Path.Combine(Root, "state");
        Directory.CreateDirectory(ProjectPath);
        Resolver.Projects["demo"] = ProjectPath;
    }

    public string Root { get; }

    public string ProjectPath { get; }

    public string StateDirectory { get; }

    public FakeRunnerFactory Runners { get; } = new();

    public FakeProjectResolver Resolver { get; } = new();

    public string PolicyDirectory(string policyId) => Path.Combine(ProjectPath, ".conduit", "policies", policyId);

    public string WritePolicy(string policyId, string yaml)
    {
        var directory = PolicyDirectory(policyId);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "policy.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }

    public string WriteScript(string policyId, string name, string body)
    {
        var path = Path.Combine(PolicyDirectory(policyId), name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    public RunOrchestrator CreateOrchestrator(Action<ConduitRunsOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new ConduitRunsOptions { StateDirectory = StateDirectory, LoginShell = false }; // no dependence on the machine's login profile
        configure?.Invoke(options);
        var orchestrator = new RunOrchestrator(options, Runners, Resolver, timeProvider ?? TimeProvider.System, NullLoggerFactory.Instance, launcher: null);
        _orchestrators.Add(orchestrator);
        return orchestrator;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var orchestrator in _orchestrators)
        {
            await orchestrator.DisposeAsync();
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

internal static class TestWait
{
    public static async Task<RunRecord> FinishAsync(this IRunOrchestrator orchestrator, string runId, int seconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await orchestrator.WaitAsync(runId, timeout.Token);
    }

    public static bool ProcessExists(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task<bool> EventuallyAsync(Func<bool> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return condition();
    }
}
