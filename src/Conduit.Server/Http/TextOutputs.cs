using Microsoft.AspNetCore.Http;

namespace Conduit.Server.Http;

/// <summary>The routes that serve logs and final messages as text (gzipped on request, as the original).</summary>
internal static class TextOutputs
{
    /// <summary>
    /// <c>/runs/{id}/attempts/{n}/output/...</c> and <c>/chat/threads/{id}/output/final</c>: paths with an
    /// <c>output</c> segment under <c>/runs/</c> or <c>/chat/</c>.
    /// </summary>
    public static bool IsTextOutput(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        return (path.StartsWith("/runs/", StringComparison.Ordinal) || path.StartsWith("/chat/threads/", StringComparison.Ordinal))
            && path.Contains("/output/", StringComparison.Ordinal);
    }
}
