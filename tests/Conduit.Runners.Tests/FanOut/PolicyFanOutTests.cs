using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.FanOut;
using Xunit;

namespace Conduit.Runners.Tests.FanOut;

/// <summary>Policy tasks go through <see cref="IRunOrchestrator"/>: one run per trial with the trial's runner.</summary>
public sealed class PolicyFanOutTests
{
    [Fact]
    public async Task Each_policy_trial_is_a_run_with_its_runner_and_reports_attempts_checks_and_usage()
    {
        var orchestrator = new ScriptedOrchestrator
        {
            // claude passes both checks on its second attempt; codex fails the second check twice.
            Outcome = runner => runner.Provider == "claude"
                ? (RunStatus.Succeeded, 2, [true, true], "Fixed it.")
                : (RunStatus.Failed, 2, [true, false], "I could not make the tests pass."),
        };
        var fanOut = new AgentFanOut(new EventReplayRunners(), orchestrator);
        var request = new FanOutRequest
        {
            Tasks = [FanOutTask.Policy("billing", "fix-tests", new JsonObject { ["issue"] = 42 })],
            Runners = [FanOutRunner.Parse("claude"), FanOutRunner.Parse("codex/gpt-5")],
            Consensus = ConsensusStrategies.Majority(),
        };

        var result = await fanOut.RunAsync(request);

        Assert.Equal(2, orchestrator.Submissions.Count);
        Assert.All(orchestrator.Submissions, s => Assert.Equal("{\"issue\":42}", s.Input.ToJsonString()));
        Assert.Equal([new RunnerSpec("claude"), new RunnerSpec("codex", "gpt-5")], orchestrator.Submissions.Select(s => s.RequestedRunner));
        Assert.Equal(2, orchestrator.Submissions.Select(s => s.IdempotencyKey).Distinct().Count());
        var (claude, codex) = (result.Trials[0], result.Trials[1]);
        Assert.Equal((true, RunStatus.Succeeded, 2, 2, 2), (claude.Passed, claude.RunStatus!.Value, claude.Attempts, claude.ChecksPassed, claude.ChecksTotal));
        Assert.Equal((false, RunStatus.Failed, 1, 2), (codex.Passed, codex.RunStatus!.Value, codex.ChecksPassed, codex.ChecksTotal));
        Assert.Equal("Fixed it.", claude.FinalText);
        Assert.Equal(0.25m, claude.Usage.CostUsd);
        Assert.NotNull(claude.TimeToFirstEvent);
        Assert.StartsWith("run_", claude.RunId, StringComparison.Ordinal);
        // Policy checks count as checks: 1 of 2 passing is no majority.
        Assert.False(result.Consensus!.HasWinner);
        Assert.Equal("Only 1 of 2 trials passed, no majority.", result.Consensus.Reason);
    }

    /// <summary>An orchestrator whose runs end at once as <see cref="Outcome"/> says.</summary>
    private sealed class ScriptedOrchestrator : IRunOrchestrator
    {
        private readonly Dictionary<string, (RunSubmission Submission, RunRecord Record)> _runs = [];

        public required Func<RunnerSpec, (RunStatus Status, int Attempts, bool[] Checks, string Text)> Outcome { get; init; }

        public List<RunSubmission> Submissions { get; } = [];

        public Task<RunRecord> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken = default)
        {
            var (status, _, _, _) = Outcome(submission.RequestedRunner!);
            var now = DateTimeOffset.UtcNow;
            var record = new RunRecord
            {
                RunId = "run_" + Guid.NewGuid().ToString("N"),
                ProjectId = submission.ProjectId,
                PolicyId = submission.PolicyId,
                Status = status,
                CreatedAt = now,
                StartedAt = now,
                FinishedAt = now.AddSeconds(3),
                Usage = new AgentUsage { InputTokens = 1000, OutputTokens = 100, CostUsd = 0.25m },
                FailureSummary = status == RunStatus.Succeeded ? null : "check tests failed",
            };
            lock (_runs)
            {
                Submissions.Add(submission);
                _runs[record.RunId] = (submission, record);
            }

            return Task.FromResult(record);
        }

        public Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken = default) => Task.FromResult<RunRecord?>(Run(runId).Record);

        public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default)
        {
            var (submission, record) = Run(runId);
            var (_, attempts, checks, _) = Outcome(submission.RequestedRunner!);
            IReadOnlyList<AttemptRecord> list = Enumerable.Range(1, attempts).Select(i => new AttemptRecord
            {
                AttemptId = $"{runId}:attempt:{i}",
                RunId = runId,
                AttemptIndex = i,
                Status = i == attempts ? record.Status : RunStatus.Failed,
                Runner = RunnerRef.From(submission.RequestedRunner!),
                AgentOutcome = AgentOutcome.Succeeded,
                CheckResults = checks.Select((passed, n) => new CheckResultRecord { Name = $"check{n}", Command = "true", OnFail = "retry", Passed = passed }).ToArray(),
            }).ToArray();
            return Task.FromResult(list);
        }

        public Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async IAsyncEnumerable<RunEvent> EventsAsync(string runId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var (submission, _) = Run(runId);
            var text = Outcome(submission.RequestedRunner!).Text;
            yield return new RunEvent { Sequence = 1, RunId = runId, Type = "run.status", Timestamp = DateTimeOffset.UtcNow, Data = JsonSerializer.SerializeToElement(new { status = "running" }) };
            yield return new RunEvent
            {
                Sequence = 2,
                RunId = runId,
                Type = "agent.event",
                Timestamp = DateTimeOffset.UtcNow,
                AttemptIndex = 1,
                Data = JsonSerializer.SerializeToElement<AgentEvent>(new CompletedEvent { Outcome = AgentOutcome.Succeeded, FinalText = text }, ConduitJson.Options),
            };
        }

        public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default) => Task.FromResult(false);

        public Task<RunRecord> WaitAsync(string runId, CancellationToken cancellationToken = default) => Task.FromResult(Run(runId).Record);

        private (RunSubmission Submission, RunRecord Record) Run(string runId)
        {
            lock (_runs)
            {
                return _runs[runId];
            }
        }
    }
}
