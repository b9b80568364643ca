using System.Text.Json.Nodes;
using Conduit.Tests;

namespace Conduit.Server.Tests.Reference;

public sealed class HttpApiReferenceTests
{
    [Fact]
    public async Task The_http_api_reference_in_docs_matches_the_openapi_document()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var document = JsonNode.Parse(await daemon.Client.GetStringAsync("/openapi.json"))!;

        GeneratedDocument.AssertMatches("docs/http-api-reference.md", HttpApiReferenceWriter.Write(document));
    }

    [Fact]
    public async Task The_http_api_reference_describes_every_route_and_schema()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var document = JsonNode.Parse(await daemon.Client.GetStringAsync("/openapi.json"))!;

        var reference = HttpApiReferenceWriter.Write(document);

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject().Where(p => p.Key is "get" or "post" or "put" or "patch" or "delete"))
            {
                Assert.Contains($"\n### {method.ToUpperInvariant()} {path}\n", reference);
            }
        }

        Assert.Contains("\n### RunRecord\n", reference);
        Assert.Contains("| `run_id` | string | yes |", reference);
        Assert.Contains("[RunCreateBody](#runcreatebody)", reference);
    }
}
