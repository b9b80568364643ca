using System.Collections.Concurrent;

namespace Conduit.Runners.Parsing;

/// <summary>
/// Codex reports usage cumulatively over a thread (<c>turn.completed</c> after a resume includes every earlier turn).
/// The ledger remembers the last cumulative figure seen per thread id in this process, so the parser can report
/// per-run usage as the difference. Thread-safe; one instance per process (a singleton in DI).
/// </summary>
internal sealed class CodexThreadUsageLedger
{
    private readonly ConcurrentDictionary<string, AgentUsage> _lastCumulative = new(StringComparer.Ordinal);

    /// <summary>The last cumulative usage recorded for <paramref name="threadId"/>.</summary>
    public bool TryGet(string threadId, out AgentUsage cumulative) =>
        _lastCumulative.TryGetValue(threadId, out cumulative!);

    /// <summary>Records the cumulative usage of <paramref name="threadId"/>.</summary>
    public void Record(string threadId, AgentUsage cumulative) => _lastCumulative[threadId] = cumulative;
}
