using System.Text.Encodings.Web;
using System.Text.Json;

namespace Conduit.Server.Http;

/// <summary>JSON settings of the HTTP answers.</summary>
internal static class ServerJson
{
    /// <summary>The chat lane: property names come from the contracts (camelCase, as the original); nulls are written.</summary>
    public static JsonSerializerOptions Chat { get; } = CreateChat();

    /// <summary>The name of an outcome as it appears in JSON (<c>succeeded</c>, <c>timed_out</c>, ...).</summary>
    public static string OutcomeName(AgentOutcome outcome) => JsonSerializer.Serialize(outcome, ConduitJson.Options).Trim('"');

    private static JsonSerializerOptions CreateChat()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
