using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>A local review of one request: what to show the user, and the hash an approval will be bound to.</summary>
public sealed class RequestReview
{
    /// <summary><c>approval_&lt;runId&gt;</c>.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>The run id the request will run as.</summary>
    public required string RunId { get; init; }

    /// <summary>The SHA-256 of the canonical request.</summary>
    public required string RequestHash { get; init; }

    /// <summary>The full review text: source, every action, argument and permission untruncated, invisible characters spelled out.</summary>
    public required string Text { get; init; }

    /// <summary>The review as an action record: <c>{id:"review_untrusted_request", tool:"conduit.review", args:{…}, risk:"high"}</c>.</summary>
    public required JsonObject ReviewAction { get; init; }

    /// <summary>The policy evaluation shown in the review.</summary>
    public required RequestEvaluation Evaluation { get; init; }

    /// <summary>When the review was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a pending review expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The short clipboard notice: <c>Conduit review required.</c>, the approval id and the <c>id:tool</c> list.</summary>
    public string ClipboardNotice => "Conduit review required.\n" + $"Approval: {ApprovalId}\n"
        + string.Concat(Evaluation.Actions.Select(a => $"- {a.ActionId}:{a.Tool}\n"));

    /// <summary>Approves the review (first decision wins is the caller's pending list's job).</summary>
    public RequestApproval Approve(DateTimeOffset now, string decidedBy, PermissionProfile profile = PermissionProfile.ReadOnly, IReadOnlyList<string>? confirmedActionIds = null) => new()
    {
        ApprovalId = ApprovalId,
        RunId = RunId,
        RequestHash = RequestHash,
        Status = now < ExpiresAt ? ApprovalStatus.Approved : ApprovalStatus.Expired,
        CreatedAt = CreatedAt,
        DecidedAt = now,
        ExpiresAt = ExpiresAt,
        DecidedBy = decidedBy,
        Profile = profile,
        ConfirmedActionIds = confirmedActionIds ?? [],
        DecisionReason = now < ExpiresAt ? null : "The review expired before it was approved.",
    };

    /// <summary>Denies the review.</summary>
    public RequestApproval Deny(DateTimeOffset now, string decidedBy, string? reason = null) => new()
    {
        ApprovalId = ApprovalId,
        RunId = RunId,
        RequestHash = RequestHash,
        Status = ApprovalStatus.Denied,
        CreatedAt = CreatedAt,
        DecidedAt = now,
        ExpiresAt = ExpiresAt,
        DecidedBy = decidedBy,
        DecisionReason = reason,
    };
}
