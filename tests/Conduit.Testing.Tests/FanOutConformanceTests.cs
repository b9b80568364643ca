using Conduit.FanOut;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Testing.Tests;

/// <summary>
/// Fan-out over the real claude, codex and gemini CLIs against the fake model API, each provider scripted with a
/// different answer: the consensus results, and that the three runs overlap.
/// </summary>
public sealed class FanOutConformanceTests : IAsyncDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("conduit-fanout-fake-").FullName;
    private FakeModelServer? _server;
    private ServiceProvider? _services;

    [Fact]
    public async Task Three_real_clis_answer_differently_and_majority_and_judge_decide()
    {
        var fanOut = await StartAsync();
        _server!.ScriptFor(AgentProviders.Claude).Enqueue(FakeTurn.Text("The answer is 42."), FakeTurn.Text("{\"winner\": 3, \"reason\": \"gemini showed its work\"}"));
        _server.ScriptFor(AgentProviders.Codex).Enqueue(FakeTurn.Text("the answer is  42"));
        _server.ScriptFor(AgentProviders.Gemini).Enqueue(FakeTurn.Text("The answer is 41."));
        var request = new FanOutRequest
        {
            Tasks = [FanOutTask.Chat("What is 6 x 7?")],
            Runners = [FanOutRunner.Parse("claude"), FanOutRunner.Parse("codex"), FanOutRunner.Parse("gemini/gemini-2.5-flash")],
            WorkingDirectory = _workingDirectory,
            Workspaces = FanOutWorkspaceMode.Shared,
            Timeout = TimeSpan.FromSeconds(90),
            Consensus = ConsensusStrategies.Majority(MajorityBasis.Answers),
        };

        var result = await fanOut.RunAsync(request);

        Assert.All(result.Trials, t => Assert.True(t.Outcome == AgentOutcome.Succeeded, $"{t.Trial}: {t.Outcome} {t.Reason}"));
        Assert.Equal(["The answer is 42.", "the answer is  42", "The answer is 41."], result.Trials.Select(t => t.FinalText?.Trim()));
        Assert.Contains(result.Consensus!.WinnerRunner, new[] { "claude", "codex" });
        Assert.Contains("2 of 3 answers agree on \"the answer is 42\"", result.Consensus.Reason, StringComparison.Ordinal);
        Assert.All(result.Trials, t => Assert.True(t.Usage.TotalTokens > 0, $"{t.Trial} reported no tokens"));
        // The three agents ran at the same time: every trial started before any finished.
        Assert.True(result.Trials.Max(t => t.StartedAt) < result.Trials.Min(t => t.FinishedAt));

        var judge = ConsensusStrategies.Judge(fanOut.Runners, FanOutRunner.Parse("claude"));
        var verdict = await judge.DecideAsync(new ConsensusContext { Task = request.Tasks[0], Trials = result.Trials, WorkingDirectory = _workingDirectory });

        Assert.Equal("t3", verdict.WinnerTrialId);
        Assert.EndsWith("gemini showed its work", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("## Candidate 3", _server.RequestsFor(AgentProviders.Claude).Last(r => r.Turn is not null).BodyText, StringComparison.Ordinal);
        Assert.Empty(_server.BlockedConnections);
    }

    private async Task<AgentFanOut> StartAsync()
    {
        _server = await FakeModelServer.StartAsync();
        foreach (var provider in FakeModelEnvironment.Providers)
        {
            AgentClis.Executable(provider); // fails the test with the install hint when a CLI is missing
        }

        var services = new ServiceCollection();
        services.AddConduit().UseFakeModelServer(_server, options => options.UseExecutablesFrom(Path.Combine(AgentClis.InstallDirectory, "node_modules", ".bin")));
        services.AddConduitFanOut();
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<AgentFanOut>();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_workingDirectory, recursive: true);
    }
}
