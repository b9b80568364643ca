namespace Conduit.Requests;

/// <summary>The codes of a <c>conduit.repair.v1</c> envelope.</summary>
public static class RepairCodes
{
    /// <summary>Syntax error, duplicate key, comment, oversize input, or any <c>conduit://</c> link failure.</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>More than one request envelope in one buffer or turn.</summary>
    public const string MultipleEnvelopes = "multiple_envelopes";

    /// <summary>An agent-loop request without a session or nonce.</summary>
    public const string MissingSession = "missing_session";

    /// <summary>A session that is expired, revoked, paused, replayed, mismatched, on the wrong transport, or unknown in a loop.</summary>
    public const string InvalidSession = "invalid_session";

    /// <summary>The envelope does not follow <c>conduit.request.v1</c>.</summary>
    public const string InvalidSchema = "invalid_schema";

    /// <summary>The declared permissions are malformed or do not cover the actions.</summary>
    public const string InvalidPermissions = "invalid_permissions";

    /// <summary>The fallback, and the answer to an agent's handshake request.</summary>
    public const string RequestRejected = "request_rejected";
}
