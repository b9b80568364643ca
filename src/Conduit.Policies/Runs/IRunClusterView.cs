namespace Conduit.Policies;

/// <summary>
/// The daemons sharing one run queue (scale-out, <c>store.provider: postgres</c>) and the runs each executes. Registered
/// only when the cluster is on; the <c>/status</c> dashboard shows it when present.
/// </summary>
public interface IRunClusterView
{
    /// <summary>Every node the cluster knows (this one first), with its check-in state and the runs it executes.</summary>
    Task<IReadOnlyList<RunClusterNode>> GetNodesAsync(CancellationToken cancellationToken = default);
}

/// <summary>One daemon of a cluster.</summary>
public sealed class RunClusterNode
{
    /// <summary>The node's id (its Quartz scheduler instance id).</summary>
    public required string NodeId { get; init; }

    /// <summary><c>alive</c>, <c>overdue</c> (missed a check-in) or <c>failed</c> (its runs are recovered elsewhere).</summary>
    public required string State { get; init; }

    /// <summary>Whether this is the node that answered.</summary>
    public required bool IsCurrent { get; init; }

    /// <summary>When the node last checked in; null before its first check-in.</summary>
    public DateTimeOffset? LastCheckInAt { get; init; }

    /// <summary>The ids of the runs the node executes now.</summary>
    public required IReadOnlyList<string> ActiveRunIds { get; init; }
}
