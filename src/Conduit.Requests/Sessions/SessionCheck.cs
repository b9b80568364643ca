namespace Conduit.Requests;

/// <summary>How a session check ended.</summary>
public enum SessionCheckStatus
{
    /// <summary>Session live, nonce current, transport right (and, after consuming, the nonce is spent).</summary>
    Valid = 0,

    /// <summary>No session id or no nonce.</summary>
    Missing,

    /// <summary>No session with that id.</summary>
    Unknown,

    /// <summary>The session refused it: state, expiry, transport, replayed or mismatched nonce.</summary>
    Invalid,
}

/// <summary>The outcome of checking (or consuming) a session nonce.</summary>
public sealed class SessionCheck
{
    /// <summary>The outcome.</summary>
    public required SessionCheckStatus Status { get; init; }

    /// <summary>The documented reason, e.g. <c>Nonce was already used.</c>; empty when valid.</summary>
    public required string Message { get; init; }

    /// <summary>The session, when it exists (after the change, when consuming).</summary>
    public RequestSession? Session { get; init; }

    /// <summary>The replacement nonce, after a successful consume.</summary>
    public string? NextNonce { get; init; }
}
