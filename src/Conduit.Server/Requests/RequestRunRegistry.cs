using System.Collections.Concurrent;
using Conduit.Requests;

namespace Conduit.Server.Requests;

/// <summary>The daemon's requests by run id: what was asked, its review (when one is needed) and how it ended.</summary>
internal sealed class RequestRunRegistry
{
    private readonly ConcurrentDictionary<string, RequestRunEntry> _entries = new(StringComparer.Ordinal);

    public RequestRunEntry Add(RequestRunEntry entry) => _entries[entry.RunId] = entry;

    public RequestRunEntry? Get(string runId) => _entries.TryGetValue(runId, out var entry) ? entry : null;
}

/// <summary>One request the daemon received. <see cref="Outcome"/> changes once, when a review is decided.</summary>
internal sealed class RequestRunEntry
{
    public required string RunId { get; init; }

    public required ParsedRequest Request { get; init; }

    public RequestReview? Review { get; init; }

    public RequestRunOutcome? Outcome { get; set; }

    /// <summary>Serializes deciding a review (approve/deny are answered once).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);
}
