using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Pages;

/// <summary>The HTML pages (dashboard, API reference, playground) and their scripts, all embedded resources: nothing is loaded from elsewhere.</summary>
internal static class PageEndpoints
{
    private static readonly ConcurrentDictionary<string, byte[]?> Cache = new(StringComparer.Ordinal);

    public static void MapPageEndpoints(this IEndpointRouteBuilder routes, ConduitServerOptions options)
    {
        routes.MapGet("/", () => options.EnableDocs ? Results.Redirect("/docs") : Results.Json(new Dictionary<string, bool> { ["ok"] = true }))
            .ExcludeFromDescription();
        routes.MapGet("/status", () => Page("status.html")).ExcludeFromDescription();
        routes.MapGet("/playground", () => Page("playground.html")).ExcludeFromDescription();
        if (options.EnableDocs)
        {
            routes.MapGet("/docs", () => Page("docs.html")).ExcludeFromDescription();
        }

        routes.MapGet("/assets/{name}", (string name) => Asset(name)).ExcludeFromDescription();
    }

    private static IResult Page(string name) => Resource(name) is { } bytes
        ? Results.Bytes(bytes, "text/html; charset=utf-8")
        : Http.ApiProblem.NotFound($"Page \"{name}\" not found");

    private static IResult Asset(string name)
    {
        var contentType = Path.GetExtension(name) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => null,
        };
        return contentType is not null && Resource(name) is { } bytes
            ? Results.Bytes(bytes, contentType)
            : Http.ApiProblem.NotFound($"Asset \"{name}\" not found");
    }

    private static byte[]? Resource(string name) => Cache.GetOrAdd(name, static n =>
    {
        if (n.Contains('/', StringComparison.Ordinal) || n.Contains('\\', StringComparison.Ordinal))
        {
            return null;
        }

        using var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream($"Conduit.Server.Pages.{n}");
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });
}
