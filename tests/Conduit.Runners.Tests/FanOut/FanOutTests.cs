using System.Diagnostics;
using System.Globalization;
using Conduit.FanOut;
using Xunit;

namespace Conduit.Runners.Tests.FanOut;

public sealed class FanOutTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Majority_over_answers_picks_the_answer_most_runners_agree_on()
    {
        var runners = new EventReplayRunners()
            .Add("claude", Replay(EventScript.Answer(_temp.Combine("scripts"), "claude", "The answer is 42.")))
            .Add("codex", Replay(EventScript.Answer(_temp.Combine("scripts"), "codex", "the answer   is 42")))
            .Add("gemini", Replay(EventScript.Answer(_temp.Combine("scripts"), "gemini", "The answer is 41.")));

        var result = await new AgentFanOut(runners).RunAsync(Request(["claude", "codex", "gemini"], ConsensusStrategies.Majority()));

        var decision = result.Consensus!;
        Assert.Equal("majority", decision.Strategy);
        Assert.Contains(decision.WinnerRunner, new[] { "claude", "codex" });
        Assert.Contains("2 of 3 answers agree on \"the answer is 42\"", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(2.0, decision.Scores!["t1"]);
        Assert.Equal(1.0, decision.Scores["t3"]);
    }

    [Fact]
    public async Task Majority_over_checks_uses_the_verifier_and_names_the_fastest_pass()
    {
        var runners = new EventReplayRunners()
            .Add("claude", Replay(EventScript.Answer(_temp.Combine("scripts"), "claude", "42")))
            .Add("codex", Replay(EventScript.Answer(_temp.Combine("scripts"), "codex", "42")))
            .Add("gemini", Replay(EventScript.Answer(_temp.Combine("scripts"), "gemini", "41")));
        var request = Request(["claude", "codex", "gemini"], ConsensusStrategies.Majority(), verify: "grep -q 42 \"$CONDUIT_FINAL_TEXT_FILE\"");

        var result = await new AgentFanOut(runners).RunAsync(request);

        Assert.Equal([true, true, false], result.Trials.Select(t => t.Passed));
        Assert.False(result.Trials[2].Verification!.Passed);
        Assert.Equal(1, result.Trials[2].Verification!.ExitCode);
        Assert.Contains(result.Consensus!.WinnerRunner, new[] { "claude", "codex" });
        Assert.StartsWith("2 of 3 trials passed, a majority", result.Consensus.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task First_to_pass_cancels_the_others_when_asked_to()
    {
        var slow = Replay(HangingScript.Create(_temp.Combine("scripts"), "codex"));
        slow["FAKE_AGENT_HANG"] = "1";
        var runners = new EventReplayRunners()
            .Add("claude", Replay(EventScript.Answer(_temp.Combine("scripts"), "claude", "done")))
            .Add("codex", slow);
        var request = Request(["claude", "codex"], ConsensusStrategies.FirstToPass());
        request = new FanOutRequest
        {
            Tasks = request.Tasks,
            Runners = request.Runners,
            Consensus = request.Consensus,
            WorkingDirectory = request.WorkingDirectory,
            StopOnFirstPass = true,
        };

        var result = await new AgentFanOut(runners).RunAsync(request);

        Assert.Equal(AgentOutcome.Succeeded, result.Trials[0].Outcome);
        Assert.Equal(AgentOutcome.Cancelled, result.Trials[1].Outcome);
        Assert.Equal("t1", result.Consensus!.WinnerTrialId);
        Assert.Contains("passed first", result.Consensus.Reason, StringComparison.Ordinal);
        Assert.Contains("1 others were cancelled", result.Consensus.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Best_score_prefers_the_cheaper_of_two_passing_runners()
    {
        var runners = new EventReplayRunners()
            .Add("claude", Replay(EventScript.Answer(_temp.Combine("scripts"), "claude", "ok", costUsd: 0.50m)))
            .Add("codex", Replay(EventScript.Answer(_temp.Combine("scripts"), "codex", "ok", costUsd: 0.10m)))
            .Add("gemini", Replay(EventScript.Answer(_temp.Combine("scripts"), "gemini", "no", costUsd: 0.01m)));
        // Speed weight 0: the test must not depend on which process happened to be faster.
        var request = Request(["claude", "codex", "gemini"], ConsensusStrategies.BestScore(quality: 2, cost: 1, speed: 0), verify: "grep -q ok \"$CONDUIT_FINAL_TEXT_FILE\"");

        var result = await new AgentFanOut(runners).RunAsync(request);

        Assert.Equal("codex", result.Consensus!.WinnerRunner);
        var scores = result.Consensus.Scores!;
        Assert.True(scores["t2"] > scores["t1"]);
        Assert.True(scores["t1"] > scores["t3"], "a failing cheap trial scores below a passing dear one");
        Assert.Contains("t2 (codex) has the best score", result.Consensus.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Judge_picks_the_candidate_its_runner_names_and_gives_its_reason()
    {
        var scripts = _temp.Combine("scripts");
        var runners = new EventReplayRunners()
            .Add("claude", Replay(EventScript.Answer(scripts, "claude", "Use a for loop.")))
            .Add("codex", Replay(EventScript.Answer(scripts, "codex", "Use LINQ's Sum().")))
            .Add("gemini", Replay(EventScript.Answer(scripts, "gemini", "Sure! Here is my verdict:\n```json\n{\"winner\": 2, \"reason\": \"shortest correct answer\"}\n```")));
        var judge = ConsensusStrategies.Judge(runners, FanOutRunner.Parse("gemini"));

        var result = await new AgentFanOut(runners).RunAsync(Request(["claude", "codex"], judge));

        Assert.Equal("t2", result.Consensus!.WinnerTrialId);
        Assert.Equal("codex", result.Consensus.WinnerRunner);
        Assert.Equal("The judge gemini picked candidate 2, t2 (codex): shortest correct answer", result.Consensus.Reason);
        var judgeRequest = runners.Requests.Single(r => r.Runner.Provider == "gemini");
        Assert.Equal(AgentPermissionMode.ReadOnly, judgeRequest.PermissionMode);
        Assert.Contains("## Candidate 1\n\nAnswer:\n\nUse a for loop.", judgeRequest.Prompt, StringComparison.Ordinal);
        Assert.Contains("## Candidate 2\n\nAnswer:\n\nUse LINQ's Sum().", judgeRequest.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trials_run_at_the_same_time_under_the_default_limit()
    {
        var times = _temp.Combine("times.log");
        var runners = Slow("claude", times).Add("codex", SlowEnvironment("codex", times)).Add("gemini", SlowEnvironment("gemini", times));

        var result = await new AgentFanOut(runners).RunAsync(Request(["claude", "codex", "gemini"]));

        Assert.Equal(3, result.MaxConcurrency);
        var spans = ReadSpans(times);
        Assert.Equal(3, spans.Count);
        // Every agent started before any of them ended: all three were alive at once.
        Assert.True(spans.Max(s => s.Start) < spans.Min(s => s.End), string.Join(", ", spans));
    }

    [Fact]
    public async Task A_concurrency_limit_of_one_runs_the_trials_one_after_another()
    {
        var times = _temp.Combine("times.log");
        var runners = Slow("claude", times).Add("codex", SlowEnvironment("codex", times));
        var request = Request(["claude", "codex"]);
        request = new FanOutRequest { Tasks = request.Tasks, Runners = request.Runners, WorkingDirectory = request.WorkingDirectory, MaxConcurrency = 1, Repetitions = 2 };

        var result = await new AgentFanOut(runners).RunAsync(request);

        Assert.Equal(1, result.MaxConcurrency);
        var spans = ReadSpans(times).OrderBy(s => s.Start).ToArray();
        Assert.Equal(4, spans.Length);
        for (var i = 1; i < spans.Length; i++)
        {
            Assert.True(spans[i - 1].End <= spans[i].Start, string.Join(", ", spans.AsEnumerable()));
        }
    }

    [Fact]
    public async Task Each_trial_works_in_its_own_worktree_and_keeps_its_diff()
    {
        var repository = _temp.Combine("repo");
        InitRepository(repository);
        var scripts = _temp.Combine("scripts");
        var claude = Replay(EventScript.Answer(scripts, "claude", "wrote it"));
        claude["FAKE_AGENT_WRITE_FILE"] = "answer.txt=from claude\\nline two\\n";
        var codex = Replay(EventScript.Answer(scripts, "codex", "edited it"));
        codex["FAKE_AGENT_WRITE_FILE"] = "README.md=rewritten by codex\\n";
        var runners = new EventReplayRunners().Add("claude", claude).Add("codex", codex);
        var request = Request(["claude", "codex"]);
        request = new FanOutRequest { Tasks = request.Tasks, Runners = request.Runners, WorkingDirectory = repository, Workspaces = FanOutWorkspaceMode.Worktree };

        var result = await new AgentFanOut(runners).RunAsync(request);

        var (claudeTrial, codexTrial) = (result.Trials[0], result.Trials[1]);
        Assert.Contains("+++ b/answer.txt", claudeTrial.Diff, StringComparison.Ordinal);
        Assert.Contains("+from claude\n+line two", claudeTrial.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain("README.md", claudeTrial.Diff, StringComparison.Ordinal);
        Assert.Equal(1, claudeTrial.DiffSize!.Files);
        Assert.Equal(2, claudeTrial.DiffSize.LinesAdded);
        Assert.Contains("-hello\n+rewritten by codex", codexTrial.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain("answer.txt", codexTrial.Diff, StringComparison.Ordinal);
        Assert.Equal(1, codexTrial.DiffSize!.LinesRemoved);
        Assert.NotEqual(claudeTrial.WorkspacePath, codexTrial.WorkspacePath);

        // The caller's checkout is untouched and the worktrees are gone.
        Assert.False(File.Exists(Path.Combine(repository, "answer.txt")));
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(repository, "README.md")));
        Assert.False(Directory.Exists(claudeTrial.WorkspacePath));
        Assert.Single(Git(repository, "worktree", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_matrix_summarizes_each_runner_over_tasks_and_repetitions()
    {
        var scripts = _temp.Combine("scripts");
        var runners = new EventReplayRunners()
            .Add("claude", Replay(EventScript.Answer(scripts, "claude", "42", costUsd: 0.02m, inputTokens: 1000, outputTokens: 200)))
            .Add("gemini", Replay(EventScript.Answer(scripts, "gemini", "41", costUsd: 0.01m, inputTokens: 500, outputTokens: 100)));
        var request = new FanOutRequest
        {
            Tasks = [FanOutTask.Chat("What is 6 x 7?", "multiply"), FanOutTask.Chat("What is 40 + 2?", "add")],
            Runners = [FanOutRunner.Parse("claude"), FanOutRunner.Parse("gemini/gemini-2.5-flash")],
            Repetitions = 2,
            WorkingDirectory = _temp.Path,
            VerifyCommand = "grep -q 42 \"$CONDUIT_FINAL_TEXT_FILE\"",
            Consensus = ConsensusStrategies.Majority(MajorityBasis.Answers),
        };

        var result = await new AgentFanOut(runners).RunAsync(request);

        Assert.Equal(8, result.Trials.Count);
        Assert.Equal(["multiply", "add"], result.Tasks.Select(t => t.Task.DisplayName));
        Assert.All(result.Tasks, t => Assert.Equal(4, t.Trials.Count));
        Assert.All(result.Tasks, t => Assert.NotNull(t.Consensus));
        var claude = result.Runners[0];
        Assert.Equal(("claude", 4, 4, 1.0), (claude.RunnerName, claude.Trials, claude.Passed, claude.PassRate));
        Assert.Equal(0.02m, claude.MedianCostUsd);
        Assert.Equal(0.08m, claude.TotalCostUsd);
        Assert.Equal(1200, claude.MedianTokens);
        var gemini = result.Runners[1];
        Assert.Equal(("gemini/gemini-2.5-flash", "gemini-2.5-flash", 4, 0, 0.0), (gemini.RunnerName, gemini.Model, gemini.Trials, gemini.Passed, gemini.PassRate));
        Assert.Equal(600, gemini.MedianTokens);
        Assert.All(result.Trials, t => Assert.True(t.WallTime > TimeSpan.Zero && t.TimeToFirstEvent is not null && t.TimeToFirstEvent <= t.WallTime));
        Assert.All(result.Trials, t => Assert.Equal(1, t.Attempts));
        Assert.Equal(8, result.Trials.Select(t => t.Trial.TrialId).Distinct().Count());
    }

    [Fact]
    public async Task Progress_reports_start_first_event_and_finish_of_every_trial()
    {
        var scripts = _temp.Combine("scripts");
        var runners = new EventReplayRunners()
            .Add("claude", Replay(EventScript.Answer(scripts, "claude", "a")))
            .Add("codex", Replay(EventScript.Answer(scripts, "codex", "b")));
        var updates = new List<TrialUpdate>();

        await new AgentFanOut(runners).RunAsync(Request(["claude", "codex"]), new SynchronousProgress(updates.Add));

        foreach (var trialId in new[] { "t1", "t2" })
        {
            var kinds = updates.Where(u => u.Trial.TrialId == trialId).Select(u => u.Kind);
            Assert.Equal([TrialUpdateKind.Started, TrialUpdateKind.FirstEvent, TrialUpdateKind.Finished], kinds);
        }

        Assert.All(updates.Where(u => u.Kind == TrialUpdateKind.Finished), u => Assert.NotNull(u.Result));
    }

    [Fact]
    public async Task A_verifier_can_write_a_reward()
    {
        var runners = new EventReplayRunners().Add("claude", Replay(EventScript.Answer(_temp.Combine("scripts"), "claude", "half right")));
        var request = Request(["claude"], verify: "echo checking; echo 0.5 > \"$CONDUIT_REWARD_FILE\"");

        var result = await new AgentFanOut(runners).RunAsync(request);

        var trial = result.Trials.Single();
        Assert.True(trial.Passed);
        Assert.Equal(0.5, trial.Reward);
        Assert.Equal("checking\n", trial.Verification!.OutputTail);
        Assert.Equal(0.5, result.Runners[0].MeanReward);
    }

    [Fact]
    public async Task A_runner_that_is_not_registered_fails_its_trials_but_not_the_fan_out()
    {
        var runners = new EventReplayRunners().Add("claude", Replay(EventScript.Answer(_temp.Combine("scripts"), "claude", "here")));

        var result = await new AgentFanOut(runners).RunAsync(Request(["claude", "cursor"], ConsensusStrategies.FirstToPass()));

        Assert.Equal(AgentOutcome.Succeeded, result.Trials[0].Outcome);
        Assert.Equal(AgentOutcome.Failed, result.Trials[1].Outcome);
        Assert.Contains("cursor", result.Trials[1].Reason, StringComparison.Ordinal);
        Assert.Equal("claude", result.Consensus!.WinnerRunner);
    }

    [Fact]
    public async Task A_policy_task_without_an_orchestrator_is_refused_before_anything_runs()
    {
        var runners = new EventReplayRunners();
        var request = new FanOutRequest { Tasks = [FanOutTask.Policy("proj", "fix-tests")], Runners = [FanOutRunner.Parse("claude")] };

        var error = await Assert.ThrowsAsync<FanOutException>(() => new AgentFanOut(runners).RunAsync(request));

        Assert.Contains("IRunOrchestrator", error.Message, StringComparison.Ordinal);
        Assert.Empty(runners.Requests);
    }

    [Fact]
    public void The_same_runner_twice_is_refused_with_advice()
    {
        var request = new FanOutRequest { Tasks = [FanOutTask.Chat("hi")], Runners = [FanOutRunner.Parse("claude"), FanOutRunner.Parse("claude")] };

        var error = Assert.Throws<ArgumentException>(request.Validate);

        Assert.Contains("Runner \"claude\" appears 2 times; use Repetitions", error.Message, StringComparison.Ordinal);
    }

    private FanOutRequest Request(string[] runners, IConsensusStrategy? consensus = null, string? verify = null) => new()
    {
        Tasks = [FanOutTask.Chat("What is 6 x 7?")],
        Runners = runners.Select(FanOutRunner.Parse).ToArray(),
        Consensus = consensus,
        VerifyCommand = verify,
        WorkingDirectory = _temp.Path,
    };

    private static Dictionary<string, string?> Replay(string script) => new(StringComparer.Ordinal) { ["FAKE_AGENT_REPLAY"] = script };

    private EventReplayRunners Slow(string provider, string times) => new EventReplayRunners().Add(provider, SlowEnvironment(provider, times));

    private Dictionary<string, string?> SlowEnvironment(string provider, string times)
    {
        var environment = Replay(EventScript.Answer(_temp.Combine("scripts"), provider, "slow " + provider));
        environment["FAKE_AGENT_DELAY_MS"] = "150";
        environment["FAKE_AGENT_RECORD_TIMES"] = times;
        return environment;
    }

    private static List<(long Start, long End)> ReadSpans(string file)
    {
        var marks = File.ReadAllLines(file).Select(l => l.Split(' ')).ToArray();
        return marks.GroupBy(m => m[0])
            .Select(g => (
                Start: long.Parse(g.Single(m => m[1] == "start")[2], CultureInfo.InvariantCulture),
                End: long.Parse(g.Single(m => m[1] == "end")[2], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static void InitRepository(string directory)
    {
        Directory.CreateDirectory(directory);
        Git(directory, "init", "--quiet", "--initial-branch=main");
        File.WriteAllText(Path.Combine(directory, "README.md"), "hello\n");
        Git(directory, "add", "README.md");
        Git(directory, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-m", "initial");
    }

    private static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }

    private sealed class SynchronousProgress(Action<TrialUpdate> report) : IProgress<TrialUpdate>
    {
        public void Report(TrialUpdate value) => report(value);
    }
}
