namespace Conduit.Requests;

/// <summary>A policy decision, strongest last: deny beats review beats confirmation beats allow.</summary>
public enum RequestDecision
{
    /// <summary>Runs without asking.</summary>
    Allow = 0,

    /// <summary>Needs a local confirmation of this action before it runs.</summary>
    RequiresConfirmation,

    /// <summary>The whole request needs a local review first (no trusted session).</summary>
    RequiresReview,

    /// <summary>Never runs.</summary>
    Deny,
}

/// <summary>Wire names of <see cref="RequestDecision"/>.</summary>
public static class RequestDecisionNames
{
    /// <summary><c>allow</c>, <c>requires_confirmation</c>, <c>requires_review</c> or <c>deny</c>.</summary>
    public static string ToName(this RequestDecision decision) => decision switch
    {
        RequestDecision.Allow => "allow",
        RequestDecision.RequiresConfirmation => "requires_confirmation",
        RequestDecision.RequiresReview => "requires_review",
        RequestDecision.Deny => "deny",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
    };
}
