using Conduit.Server.Chat;
using Conduit.Server.FanOut;
using Conduit.Server.Http;
using Conduit.Server.Pages;
using Conduit.Server.Projects;
using Conduit.Server.Requests;
using Conduit.Server.Runs;
using Conduit.Server.Security;
using Conduit.Server.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Server;

/// <summary>Puts the daemon's middleware and endpoints on a <see cref="WebApplication"/> whose services came from <c>AddConduitServer</c>.</summary>
public static class ConduitEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Adds the security checks (Host, Origin, content type, token), problem-details errors, throttling, and every
    /// route: <c>/healthz</c>, <c>/chat</c>, <c>/runs</c>, <c>/requests</c>, <c>/status</c>, <c>/docs</c>, <c>/playground</c>.
    /// Unknown routes answer 404 problem details.
    /// </summary>
    public static WebApplication MapConduitEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<ConduitServerOptions>>().Value;
        app.UseMiddleware<RequestGuardMiddleware>();
        app.UseMiddleware<ExceptionProblemMiddleware>();
        // Text outputs are gzipped when the client accepts it (as the original); nothing else is compressed.
        app.UseWhen(TextOutputs.IsTextOutput, branch => branch.UseResponseCompression());
        app.UseRouting();
        app.UseRateLimiter();

        app.MapGet("/healthz", () => Results.Json(new Dictionary<string, bool> { ["ok"] = true }))
            .WithTags("health")
            .WithName("healthz")
            .WithSummary("Liveness: {\"ok\":true}")
            .Produces<Dictionary<string, bool>>();
        app.MapChatEndpoints();
        app.MapRunEndpoints();
        app.MapProjectEndpoints();
        app.MapFanOutEndpoints();
        app.MapRequestEndpoints();
        app.MapStatusEndpoints();
        app.MapPageEndpoints(options);
        if (options.EnableDocs)
        {
            app.MapConduitOpenApi();
        }

        app.MapFallback((HttpContext context) =>
            new ApiProblem
            {
                Status = StatusCodes.Status404NotFound,
                Code = "route_not_found",
                Title = "Not found",
                Detail = $"Route {context.Request.Method}:{context.Request.Path} not found",
            }).ExcludeFromDescription();
        return app;
    }
}
