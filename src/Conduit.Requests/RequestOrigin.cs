namespace Conduit.Requests;

/// <summary>Where a request's text came from; decides which parser reads it.</summary>
public enum RequestOrigin
{
    /// <summary>The clipboard: exact-envelope parsing (raw JSON or one fenced block, nothing else).</summary>
    Clipboard = 0,

    /// <summary>A file or standard input: exact-envelope parsing, as the clipboard.</summary>
    File,

    /// <summary>A <c>conduit://run?payload=…</c> link: the link is decoded, then clipboard rules apply.</summary>
    Link,

    /// <summary>An HTTP API body: exact-envelope parsing, as the clipboard.</summary>
    Api,

    /// <summary>An assistant message in a paired session's agent loop: one request block inside prose.</summary>
    AgentTurn,
}
