using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Server.Tests;

public sealed class DocsTests
{
    [Fact]
    public async Task The_openapi_document_matches_its_golden_file()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var json = await daemon.Client.GetStringAsync("/openapi.json");
        var pretty = JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        GoldenFile.AssertMatches("openapi.json", pretty);
    }

    [Fact]
    public async Task The_openapi_document_is_served_at_both_addresses_and_describes_every_api_route()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var a = await daemon.Client.GetStringAsync("/openapi.json");
        var b = await daemon.Client.GetStringAsync("/docs/json");
        Assert.Equal(a, b);
        var paths = JsonNode.Parse(a)!["paths"]!.AsObject();
        foreach (var path in new[] { "/healthz", "/chat", "/chat/threads/{threadId}", "/chat/threads/{threadId}/output/final", "/chat/threads/{threadId}/cancel", "/runs", "/runs/{runId}", "/runs/{runId}/events", "/runs/{runId}/cancel", "/status/data" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document");
        }

        Assert.False(paths.ContainsKey("/status"));
        Assert.False(paths.ContainsKey("/"));
        var chatBody = paths["/chat"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!.ToJsonString();
        Assert.Contains("ChatRequestBody", chatBody);
        Assert.DoesNotContain("IRunOrchestrator", a);
    }
}
