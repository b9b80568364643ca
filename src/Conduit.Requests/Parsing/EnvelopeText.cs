namespace Conduit.Requests;

/// <summary>What an extractor found in a buffer: nothing, one JSON text, or a problem.</summary>
internal enum EnvelopeTextKind
{
    /// <summary>Not a request: ignored, nothing written back, no nonce touched.</summary>
    None,

    /// <summary>One candidate request (JSON text still unparsed).</summary>
    Json,

    /// <summary>One final block (<c>conduit-final</c>) in an agent turn.</summary>
    Final,

    /// <summary>An agent's handshake request (never pairs; refused).</summary>
    HandshakeRequest,

    /// <summary>Rejected before JSON parsing.</summary>
    Rejected,
}

/// <summary>The outcome of finding the envelope text in a buffer.</summary>
internal sealed class EnvelopeText
{
    public required EnvelopeTextKind Kind { get; init; }

    public string? Json { get; init; }

    /// <summary>Whether the JSON came from a fenced or marked block (a request tag) rather than raw JSON.</summary>
    public bool Fenced { get; init; }

    public RequestProblem? Problem { get; init; }

    public static EnvelopeText None { get; } = new() { Kind = EnvelopeTextKind.None };

    public static EnvelopeText Reject(string code, string message) =>
        new() { Kind = EnvelopeTextKind.Rejected, Problem = new RequestProblem { Code = code, Path = JsonPath.Root, Message = message } };
}
