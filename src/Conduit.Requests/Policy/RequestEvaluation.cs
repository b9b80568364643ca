namespace Conduit.Requests;

/// <summary>What the policy decided about a request, without side effects (no nonce consumed, nothing run).</summary>
public sealed class RequestEvaluation
{
    /// <summary>The request's decision: deny &gt; review &gt; confirmation &gt; allow over its actions.</summary>
    public required RequestDecision Decision { get; init; }

    /// <summary>Why, in one line (the first reason of the deciding kind).</summary>
    public required string Reason { get; init; }

    /// <summary>One decision per action, in order.</summary>
    public required IReadOnlyList<ActionDecision> Actions { get; init; }

    /// <summary>The profile the actions were judged against.</summary>
    public required PermissionProfile Profile { get; init; }

    /// <summary>The allowed roots (real paths) the paths were judged against.</summary>
    public required IReadOnlyList<string> AllowedRoots { get; init; }

    /// <summary>Whether the request is attached to a live session with a valid nonce (the only source of trust).</summary>
    public bool Trusted { get; init; }

    /// <summary>The session check's failure, when the request named a session that refused it.</summary>
    public string? SessionProblem { get; init; }

    /// <summary>The repair to answer with when the session refused the request (then nothing runs).</summary>
    public RepairEnvelope? Repair { get; init; }

    /// <summary>The request hash the evaluation is about.</summary>
    public required string RequestHash { get; init; }
}
