using System.Globalization;
using System.Text.Json;
using Conduit.FanOut;
using Conduit.Runners.Tests.Infrastructure;
using Conduit.Runners.Tests.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Conduit.Runners.Tests.FanOut;

/// <summary>
/// The fan-out over the real runners (AddConduit), each provider's CLI replaced by the fake agent replaying that
/// provider's real capture with a different answer, configured through AgentRunnerOptions.Environment.
/// </summary>
public sealed class FanOutWithRunnersTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Majority_and_judge_over_three_providers_answering_differently()
    {
        using var services = Services(new()
        {
            ["claude"] = Answer("claude-text", "The answer is 42."),
            ["codex"] = Answer("codex-text", "the answer is 42"),
            ["gemini"] = Answer("gemini-text", "The answer is 41."),
            ["cursor"] = Answer("cursor-text", "{\"winner\": 3, \"reason\": \"only gemini checked the arithmetic\"}"),
        });
        var fanOut = services.GetRequiredService<AgentFanOut>();
        var request = new FanOutRequest
        {
            Tasks = [FanOutTask.Chat("What is 6 x 7?")],
            Runners = [FanOutRunner.Parse("claude"), FanOutRunner.Parse("codex/gpt-5"), FanOutRunner.Parse("gemini")],
            WorkingDirectory = _temp.Path,
            Consensus = ConsensusStrategies.Majority(),
        };

        var majority = await fanOut.RunAsync(request);
        var judged = await fanOut.RunAsync(new FanOutRequest
        {
            Tasks = request.Tasks,
            Runners = request.Runners,
            WorkingDirectory = _temp.Path,
            Consensus = ConsensusStrategies.Parse("judge:cursor", fanOut.Runners),
        });

        Assert.All(majority.Trials, t => Assert.Equal(AgentOutcome.Succeeded, t.Outcome));
        Assert.Equal(["The answer is 42.", "the answer is 42", "The answer is 41."], majority.Trials.Select(t => t.FinalText));
        // The agreeing group's first finisher wins: either of the two that said 42.
        Assert.Contains(majority.Consensus!.WinnerTrialId, new[] { "t1", "t2" });
        Assert.Contains("2 of 3 answers agree", majority.Consensus.Reason, StringComparison.Ordinal);
        Assert.Equal(0.000675m, majority.Trials[0].Usage.CostUsd);
        Assert.Equal("gemini", judged.Consensus!.WinnerRunner);
        Assert.EndsWith("only gemini checked the arithmetic", judged.Consensus.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_of_different_providers_overlap_in_time()
    {
        var times = _temp.Combine("times.log");
        var slow = new Dictionary<string, string?> { ["FAKE_AGENT_DELAY_MS"] = "200", ["FAKE_AGENT_RECORD_TIMES"] = times };
        using var services = Services(new()
        {
            ["claude"] = Answer("claude-text", "a", slow),
            ["codex"] = Answer("codex-text", "b", slow),
            ["gemini"] = Answer("gemini-text", "c", slow),
        });
        var request = new FanOutRequest
        {
            Tasks = [FanOutTask.Chat("go")],
            Runners = [FanOutRunner.Parse("claude"), FanOutRunner.Parse("codex"), FanOutRunner.Parse("gemini")],
            WorkingDirectory = _temp.Path,
        };

        var result = await services.GetRequiredService<AgentFanOut>().RunAsync(request);

        Assert.All(result.Trials, t => Assert.True(t.Passed, t.Reason));
        var marks = File.ReadAllLines(times).Select(l => l.Split(' ')).ToArray();
        var starts = marks.Where(m => m[1] == "start").Select(m => long.Parse(m[2], CultureInfo.InvariantCulture)).ToArray();
        var ends = marks.Where(m => m[1] == "end").Select(m => long.Parse(m[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, starts.Length);
        Assert.True(starts.Max() < ends.Min(), string.Join(" | ", File.ReadAllLines(times)));
    }

    private ServiceProvider Services(Dictionary<string, Dictionary<string, string?>> environments)
    {
        var services = new ServiceCollection();
        services.AddConduit(builder =>
        {
            foreach (var (provider, environment) in environments)
            {
                builder.ConfigureRunner(provider, o =>
                {
                    o.ExecutablePath = FakeAgent.ExecutablePath;
                    o.ProbeVersion = false;
                    foreach (var (name, value) in environment)
                    {
                        o.Environment[name] = value;
                    }
                });
            }
        });
        services.AddConduitFanOut();
        return services.BuildServiceProvider();
    }

    /// <summary>The provider's real capture with "hello from fake model" replaced by <paramref name="answer"/>.</summary>
    private Dictionary<string, string?> Answer(string capture, string answer, Dictionary<string, string?>? extra = null)
    {
        var escaped = JsonSerializer.Serialize(answer)[1..^1];
        var path = _temp.Combine(capture + "-" + Guid.NewGuid().ToString("N")[..6] + ".jsonl");
        File.WriteAllText(path, File.ReadAllText(Capture.PathOf(capture)).Replace("hello from fake model", escaped, StringComparison.Ordinal));
        var environment = new Dictionary<string, string?>(extra ?? [], StringComparer.Ordinal) { ["FAKE_AGENT_REPLAY"] = path };
        return environment;
    }
}
