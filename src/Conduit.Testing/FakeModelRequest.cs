using System.Text.Json.Nodes;

namespace Conduit.Testing;

/// <summary>Which endpoint of the fake model API a request hit.</summary>
public enum FakeModelEndpoint
{
    /// <summary>No known endpoint: answered 404. Tests should expect none of these.</summary>
    Unknown = 0,

    /// <summary><c>HEAD /</c>: Claude Code's connectivity probe, answered 404 as the real API does.</summary>
    AnthropicProbe,

    /// <summary><c>POST /v1/messages</c> (Anthropic Messages, streamed).</summary>
    AnthropicMessages,

    /// <summary><c>POST /v1/messages/count_tokens</c>.</summary>
    AnthropicCountTokens,

    /// <summary><c>POST /v1/responses</c> (OpenAI Responses, streamed).</summary>
    OpenAIResponses,

    /// <summary><c>POST /v1beta/models/{model}:streamGenerateContent</c>.</summary>
    GeminiStreamGenerateContent,

    /// <summary><c>POST /v1beta/models/{model}:generateContent</c> (Gemini CLI's model router; never takes a scripted turn).</summary>
    GeminiGenerateContent,
}

/// <summary>One request the fake model API received, for assertions.</summary>
public sealed class FakeModelRequest
{
    /// <summary>The position of this request among all requests the server received, from 1.</summary>
    public required int Sequence { get; init; }

    /// <summary>The endpoint the request hit.</summary>
    public required FakeModelEndpoint Endpoint { get; init; }

    /// <summary>The provider whose wire protocol the endpoint speaks (<see cref="AgentProviders"/>), or <see langword="null"/> for an unknown path.</summary>
    public string? Provider { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The path, e.g. <c>/v1/messages</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The query string including <c>?</c>, or empty.</summary>
    public string Query { get; init; } = "";

    /// <summary>Request headers with lower-case names; credentials (authorization, API key headers, cookies) are replaced by <c>&lt;redacted&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The raw request body.</summary>
    public string BodyText { get; init; } = "";

    /// <summary>The body parsed as JSON, or <see langword="null"/> when it is empty or not JSON.</summary>
    public JsonNode? Body { get; init; }

    /// <summary>The scripted turn this request was answered with (also the default turn), or <see langword="null"/> for auxiliary requests.</summary>
    public FakeTurn? Turn { get; init; }

    /// <summary>The HTTP status the server answered.</summary>
    public int ResponseStatusCode { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"#{Sequence} {Method} {Path}{Query} -> {ResponseStatusCode} ({Endpoint}{(Turn is null ? "" : ", " + Turn)})";
}
