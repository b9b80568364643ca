namespace Conduit.Requests;

/// <summary>A paired session as stored (protocol §4). Created only locally, never by a source.</summary>
public sealed class RequestSession
{
    /// <summary><c>sess_</c> + base64url of 16 random bytes.</summary>
    public required string SessionId { get; init; }

    /// <summary>A label for lists.</summary>
    public string? Label { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it expires, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The state as stored (<see cref="EffectiveState"/> also accounts for expiry).</summary>
    public required SessionState State { get; init; }

    /// <summary>The transport the session is bound to.</summary>
    public required RequestTransport Transport { get; init; }

    /// <summary>What requests in this session may do.</summary>
    public required PermissionProfile PermissionProfile { get; init; }

    /// <summary>The allowed roots.</summary>
    public required IReadOnlyList<string> AllowedRoots { get; init; }

    /// <summary>The nonce the next request must carry: <c>call_</c> + base64url of 32 random bytes.</summary>
    public required string CurrentNonce { get; init; }

    /// <summary>When the current nonce was issued.</summary>
    public required DateTimeOffset NonceIssuedAt { get; init; }

    /// <summary>How many nonces were used.</summary>
    public int UsedNonceCount { get; init; }

    /// <summary>How many actions ran (or were refused) in this session.</summary>
    public int ActionCount { get; init; }

    /// <summary>The last accepted request.</summary>
    public DateTimeOffset? LastActionAt { get; init; }

    /// <summary>The state at <paramref name="now"/>: <see cref="SessionState.Expired"/> once past <see cref="ExpiresAt"/>.</summary>
    public SessionState EffectiveState(DateTimeOffset now) =>
        State == SessionState.Active && ExpiresAt is { } expires && now >= expires ? SessionState.Expired : State;
}

/// <summary>How to create a session.</summary>
public sealed class SessionCreateOptions
{
    /// <summary>A label for lists.</summary>
    public string? Label { get; init; }

    /// <summary>The transport the session is bound to; <c>extension</c> by default, as the handshake gesture.</summary>
    public RequestTransport Transport { get; init; } = RequestTransport.Extension;

    /// <summary>The profile; <c>read-only</c> by default.</summary>
    public PermissionProfile Profile { get; init; } = PermissionProfile.ReadOnly;

    /// <summary>The allowed roots; the configured roots when empty.</summary>
    public IReadOnlyList<string> AllowedRoots { get; init; } = [];

    /// <summary>How long the session lives; the configured default when <see langword="null"/>.</summary>
    public TimeSpan? Lifetime { get; init; }
}
