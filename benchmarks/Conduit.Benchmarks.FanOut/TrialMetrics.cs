using System.Collections.Concurrent;
using Conduit.FanOut;

namespace Conduit.Benchmarks.FanOut;

/// <summary>
/// What each benchmark invocation's trial reported (tokens, cost, pass), keyed by the runner parameter, for the
/// custom columns to read. Benchmarks run in-process (see <see cref="FanOutBenchmarkConfig"/>), so a static store
/// is shared by the benchmark and the summary.
/// </summary>
public static class TrialMetrics
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<TrialResult>> Trials = new(StringComparer.Ordinal);

    /// <summary>Records one trial of <paramref name="runner"/>.</summary>
    public static void Record(string runner, TrialResult trial) => Trials.GetOrAdd(runner, _ => new()).Enqueue(trial);

    /// <summary>The trials recorded for <paramref name="runner"/>.</summary>
    public static IReadOnlyList<TrialResult> For(string runner) => Trials.TryGetValue(runner, out var trials) ? trials.ToArray() : [];
}
