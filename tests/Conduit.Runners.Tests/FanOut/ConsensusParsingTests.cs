using Conduit.FanOut;
using Xunit;

namespace Conduit.Runners.Tests.FanOut;

public sealed class ConsensusParsingTests
{
    private static readonly IAgentRunnerFactory NoRunners = new EventReplayRunners();

    [Theory]
    [InlineData("{\"winner\": 2, \"reason\": \"it compiles\"}", 2, "it compiles")]
    [InlineData("I compared them.\n```json\n{ \"winner\": \"3\", \"reason\": \"tests pass\" }\n```\nDone.", 3, "tests pass")]
    [InlineData("First thought {\"winner\": 1} but then {\"Winner\": 2, \"Reason\": \"smaller diff\",}", 2, "smaller diff")]
    [InlineData("Winner: 4\nReason: the only one that handles nulls", 4, "the only one that handles nulls")]
    [InlineData("I pick candidate #1 because it is right.", 1, null)]
    public void The_judges_verdict_is_read_leniently(string answer, int winner, string? reason)
    {
        Assert.True(JudgeConsensus.TryParseVerdict(answer, out var parsedWinner, out var parsedReason));
        Assert.Equal(winner, parsedWinner);
        Assert.Equal(reason, parsedReason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("They are all fine.")]
    [InlineData("{\"best\": 2}")]
    public void An_answer_without_a_pick_is_no_verdict(string answer)
    {
        Assert.False(JudgeConsensus.TryParseVerdict(answer, out _, out _));
    }

    [Theory]
    [InlineData("  The Answer\n\tis  42. ", "the answer is 42")]
    [InlineData("YES!", "yes")]
    [InlineData("   ", "")]
    public void Answers_are_normalized_before_they_are_counted(string text, string normalized)
    {
        Assert.Equal(normalized, MajorityConsensus.NormalizeAnswer(text));
    }

    [Theory]
    [InlineData("majority", typeof(MajorityConsensus))]
    [InlineData("majority:answers", typeof(MajorityConsensus))]
    [InlineData("first-pass", typeof(FirstToPassConsensus))]
    [InlineData("score", typeof(BestScoreConsensus))]
    [InlineData("score:1,0,0", typeof(BestScoreConsensus))]
    [InlineData("judge:codex/gpt-5", typeof(JudgeConsensus))]
    public void Consensus_names_parse(string text, Type expected)
    {
        Assert.IsType(expected, ConsensusStrategies.Parse(text, NoRunners));
    }

    [Fact]
    public void A_judge_keeps_its_runner_and_model()
    {
        var judge = Assert.IsType<JudgeConsensus>(ConsensusStrategies.Parse("judge:codex/gpt-5", NoRunners));

        Assert.Equal(new RunnerSpec("codex", "gpt-5"), judge.Judge.Spec);
    }

    [Theory]
    [InlineData("vote", "Unknown consensus \"vote\". Valid: majority")]
    [InlineData("judge", "Unknown consensus \"judge\"")]
    [InlineData("score:1,2", "score weights are three non-negative numbers")]
    public void A_bad_consensus_name_says_what_is_valid(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ConsensusStrategies.Parse(text, NoRunners));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
