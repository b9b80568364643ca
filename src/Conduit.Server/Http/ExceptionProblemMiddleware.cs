using Conduit.Configuration;
using Conduit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Http;

/// <summary>
/// Turns every exception from an endpoint into a problem-details answer: request errors into 4xx naming the
/// field, known Conduit errors into their status, anything else into 500 (its message only when debug is on).
/// </summary>
internal sealed partial class ExceptionProblemMiddleware
{
    private readonly RequestDelegate _next;
    private readonly bool _debug;
    private readonly ILogger<ExceptionProblemMiddleware> _logger;

    public ExceptionProblemMiddleware(RequestDelegate next, IOptions<ConduitServerOptions> options, ILogger<ExceptionProblemMiddleware> logger)
    {
        _next = next;
        _debug = options.Value.Debug;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening.
        }
#pragma warning disable CA1031 // The last line of defence: every failure becomes an answer.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var problem = ToProblem(exception, _debug);
            if (problem.Status >= 500)
            {
                LogUnhandled(_logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, exception);
            }

            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await problem.WriteAsync(context).ConfigureAwait(false);
            }
        }
    }

    public static ApiProblem ToProblem(Exception exception, bool debug) => exception switch
    {
        ApiProblemException api => api.Problem,
        BadHttpRequestException bad => new ApiProblem { Status = bad.StatusCode, Code = "bad_request", Title = "Bad request", Detail = bad.Message },
        RunNotFoundException notFound => ApiProblem.NotFound(notFound.Message),
        UnknownProviderException unknown => ApiProblem.Validation("runner.provider", unknown.Message),
        ProviderNotInstalledException missing => new ApiProblem
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Code = "provider_not_installed",
            Title = "The agent CLI is not installed",
            Detail = missing.Message,
            Field = "runner.provider",
        },
        QueueFullException queueFull => ApiProblem.TooManyRequests("queue_full", queueFull.Message, TimeSpan.FromSeconds(5)),
        ProjectNotFoundException project => new ApiProblem { Status = StatusCodes.Status404NotFound, Code = "unknown_project", Title = "Unknown project", Detail = project.Message, Field = "project_id" },
        PolicyNotFoundException policy => new ApiProblem { Status = StatusCodes.Status404NotFound, Code = "unknown_policy", Title = "Unknown policy", Detail = policy.Message, Field = "policy_id" },
        PolicyInvalidException invalid => new ApiProblem { Status = StatusCodes.Status400BadRequest, Code = "policy_invalid", Title = "Request validation failed", Detail = invalid.Message, Field = "policy_id" },
        ConduitException conduit => new ApiProblem { Status = StatusCodes.Status400BadRequest, Code = "conduit_error", Title = "The request cannot be carried out", Detail = conduit.Message },
        _ => new ApiProblem
        {
            Status = StatusCodes.Status500InternalServerError,
            Code = "internal",
            Title = "Internal server error",
            Detail = debug ? exception.Message : "Internal server error",
        },
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
