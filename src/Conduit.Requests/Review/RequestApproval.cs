namespace Conduit.Requests;

/// <summary>The state of an approval.</summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for a decision.</summary>
    Pending = 0,

    /// <summary>Approved: the request may run once.</summary>
    Approved,

    /// <summary>Denied.</summary>
    Denied,

    /// <summary>Nobody decided in time, or the approval was not used in time.</summary>
    Expired,
}

/// <summary>
/// A local decision on one review, bound to the SHA-256 of the canonical request: a request changed by one byte,
/// or with its actions reordered, does not match and needs a new approval. Approvals expire.
/// </summary>
public sealed class RequestApproval
{
    /// <summary><c>approval_&lt;runId&gt;</c>.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>The run the request will run as.</summary>
    public required string RunId { get; init; }

    /// <summary>The hash of the reviewed canonical request.</summary>
    public required string RequestHash { get; init; }

    /// <summary>The decision.</summary>
    public required ApprovalStatus Status { get; init; }

    /// <summary>When the review was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was decided.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>After this, the approval no longer runs anything.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Who decided: <c>terminal</c>, <c>control-app</c>, <c>timeout</c>.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>Why (for denials and expiry).</summary>
    public string? DecisionReason { get; init; }

    /// <summary>
    /// The profile the approved request runs under. "Approve once" is <see cref="PermissionProfile.ReadOnly"/>:
    /// writes and shell are denied unless the reviewer explicitly granted more.
    /// </summary>
    public PermissionProfile Profile { get; init; } = PermissionProfile.ReadOnly;

    /// <summary>
    /// The action ids the reviewer confirmed; actions that need confirmation and are not listed do not run.
    /// Under <see cref="PermissionProfile.ShellManual"/> at most one <c>shell.run</c> may be armed.
    /// </summary>
    public IReadOnlyList<string> ConfirmedActionIds { get; init; } = [];
}
