namespace Conduit.Requests;

/// <summary>The state of a paired session.</summary>
public enum SessionState
{
    /// <summary>Accepting requests.</summary>
    Active = 0,

    /// <summary>Paused by the user.</summary>
    Paused,

    /// <summary>Waiting for the user to paste a result back.</summary>
    AwaitingResultPaste,

    /// <summary>Past its expiry.</summary>
    Expired,

    /// <summary>Revoked by the user; final.</summary>
    Revoked,
}

/// <summary>Wire names of <see cref="SessionState"/>.</summary>
public static class SessionStateNames
{
    /// <summary><c>active</c>, <c>paused</c>, <c>awaiting_result_paste</c>, <c>expired</c> or <c>revoked</c>.</summary>
    public static string ToName(this SessionState state) => state switch
    {
        SessionState.Active => "active",
        SessionState.Paused => "paused",
        SessionState.AwaitingResultPaste => "awaiting_result_paste",
        SessionState.Expired => "expired",
        SessionState.Revoked => "revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
