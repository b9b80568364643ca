using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary><c>conduit.about</c>: what Conduit is, a minimal request, and the one rule.</summary>
internal sealed class ConduitAboutTool : IRequestTool
{
    public string Name => ToolNames.ConduitAbout;

    public Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken) =>
        Task.FromResult(ToolOutcome.Ok(new JsonObject
        {
            ["summary"] = "Conduit runs conduit.request.v1 requests from docs, chats and agents on this machine, after local review, and returns conduit.results.v1.",
            ["minimalRequest"] = "{\"v\":\"1\",\"source\":{\"kind\":\"chat\"},\"permissions\":[],\"do\":\"help\"}",
            ["rule"] = "Nothing from an untrusted source runs before the local user reviews it; paired sessions need the current nonce.",
        }));
}
