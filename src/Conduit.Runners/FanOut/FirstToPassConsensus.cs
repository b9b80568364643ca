using System.Globalization;

namespace Conduit.FanOut;

/// <summary>
/// The trial that passed first (earliest finish) wins. Pair it with <see cref="FanOutRequest.StopOnFirstPass"/> to
/// cancel the others as soon as one passes.
/// </summary>
public sealed class FirstToPassConsensus : IConsensusStrategy
{
    /// <inheritdoc />
    public string Name => "first-pass";

    /// <inheritdoc />
    public ValueTask<ConsensusDecision> DecideAsync(ConsensusContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var first = context.Trials.Where(t => t.Passed).OrderBy(t => t.FinishedAt).ThenBy(t => t.WallTime).FirstOrDefault();
        if (first is null)
        {
            return ValueTask.FromResult(ConsensusDecision.None(Name, $"None of the {context.Trials.Count} trials passed."));
        }

        var cancelled = context.Trials.Count(t => t.Outcome == AgentOutcome.Cancelled);
        var tail = cancelled > 0 ? $"; {cancelled} others were cancelled" : "";
        return ValueTask.FromResult(ConsensusDecision.For(
            Name,
            first,
            string.Create(CultureInfo.InvariantCulture, $"{first.Trial.TrialId} ({first.Trial.RunnerName}) passed first, after {first.WallTime.TotalSeconds:0.0} s{tail}.")));
    }
}
