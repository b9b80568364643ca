namespace Conduit.Requests;

/// <summary>The stored form of a session in <c>sessions.json</c>.</summary>
internal sealed class SessionRecord
{
    public string SessionId { get; set; } = string.Empty;

    public string? Label { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public string State { get; set; } = "active";

    public string Transport { get; set; } = "extension";

    public string PermissionProfile { get; set; } = "read-only";

    public List<string> AllowedRoots { get; set; } = [];

    public string CurrentNonce { get; set; } = string.Empty;

    public DateTimeOffset NonceIssuedAt { get; set; }

    public List<string> UsedNonces { get; set; } = [];

    public int UsedNonceCount { get; set; }

    public int ActionCount { get; set; }

    public DateTimeOffset? LastActionAt { get; set; }

    public RequestSession ToSession() => new()
    {
        SessionId = SessionId,
        Label = Label,
        CreatedAt = CreatedAt,
        ExpiresAt = ExpiresAt,
        State = State switch
        {
            "paused" => SessionState.Paused,
            "awaiting_result_paste" => SessionState.AwaitingResultPaste,
            "expired" => SessionState.Expired,
            "revoked" => SessionState.Revoked,
            _ => SessionState.Active,
        },
        Transport = RequestTransportNames.TryParse(Transport, out var transport) ? transport : RequestTransport.Extension,
        PermissionProfile = PermissionProfileNames.TryParse(PermissionProfile, out var profile) ? profile : Requests.PermissionProfile.ReadOnly,
        AllowedRoots = AllowedRoots.ToArray(),
        CurrentNonce = CurrentNonce,
        NonceIssuedAt = NonceIssuedAt,
        UsedNonceCount = UsedNonceCount,
        ActionCount = ActionCount,
        LastActionAt = LastActionAt,
    };
}

/// <summary>The whole <c>sessions.json</c> document.</summary>
internal sealed class SessionFile
{
    public int Version { get; set; } = 1;

    public List<SessionRecord> Sessions { get; set; } = [];
}
