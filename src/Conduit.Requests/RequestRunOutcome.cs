namespace Conduit.Requests;

/// <summary>How <see cref="RequestProcessor.ExecuteAsync(ParsedRequest, RequestTransport, RequestApproval?, CancellationToken)"/> ended.</summary>
public enum RequestRunStatus
{
    /// <summary>The actions were decided and the allowed ones ran; see <see cref="RequestRunOutcome.Results"/>.</summary>
    Completed = 0,

    /// <summary>Nothing ran: the request needs a local review first; see <see cref="RequestRunOutcome.Review"/>.</summary>
    ReviewRequired,

    /// <summary>Nothing ran: the session or the approval refused it; see <see cref="RequestRunOutcome.Repair"/> and <see cref="RequestRunOutcome.Reason"/>.</summary>
    Rejected,
}

/// <summary>The outcome of executing a request.</summary>
public sealed class RequestRunOutcome
{
    /// <summary>How it ended.</summary>
    public required RequestRunStatus Status { get; init; }

    /// <summary>The run id (the run folder's name).</summary>
    public required string RunId { get; init; }

    /// <summary>The run folder, <c>&lt;stateDir&gt;/requests/&lt;runId&gt;/</c>.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Why it was rejected or needs review.</summary>
    public string? Reason { get; init; }

    /// <summary>The results, when completed.</summary>
    public RequestResults? Results { get; init; }

    /// <summary>The review to show, when a review is required.</summary>
    public RequestReview? Review { get; init; }

    /// <summary>The repair to answer with, when rejected by a session.</summary>
    public RepairEnvelope? Repair { get; init; }
}
