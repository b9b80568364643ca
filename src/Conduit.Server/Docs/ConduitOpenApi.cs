using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Conduit.Server;

/// <summary>The OpenAPI document (Microsoft.AspNetCore.OpenApi), served at <c>/openapi.json</c> and <c>/docs/json</c>.</summary>
internal static class ConduitOpenApi
{
    public static IServiceCollection AddConduitOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Conduit",
                    Version = typeof(ConduitOpenApi).Assembly.GetName().Version?.ToString(3) ?? "0.1.0",
                    Description = "The Conduit daemon: run coding agents (Claude Code, Codex, Gemini CLI, Cursor Agent) headless. "
                        + "Chat routes answer in the original Conduit's camelCase shapes, run routes in snake_case. Every error is "
                        + "application/problem+json with an `error` member. See docs/http-api.md.",
                };

                // The address a client used is not part of the API (and would make the document differ per port).
                document.Servers = [];
                return Task.CompletedTask;
            });
        });

    public static void MapConduitOpenApi(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi("/openapi.json");
        routes.MapOpenApi("/docs/json");
    }
}
