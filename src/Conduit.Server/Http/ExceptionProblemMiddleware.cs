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
        ConduitException conduit => FromConduitException(conduit),
        _ => new ApiProblem
        {
            Status = StatusCodes.Status500InternalServerError,
            Code = "internal",
            Title = "Internal server error",
            Detail = debug ? exception.Message : "Internal server error",
        },
    };

    // The orchestrator's own exception types live in Conduit.Policies; they are matched by name so that the
    // server does not depend on one orchestrator implementation.
    private static ApiProblem FromConduitException(ConduitException exception) => exception.GetType().Name switch
    {
        "QueueFullException" => ApiProblem.TooManyRequests("queue_full", exception.Message, TimeSpan.FromSeconds(5)),
        "ProjectNotFoundException" => new ApiProblem { Status = StatusCodes.Status404NotFound, Code = "unknown_project", Title = "Unknown project", Detail = exception.Message, Field = "project_id" },
        "PolicyNotFoundException" => new ApiProblem { Status = StatusCodes.Status404NotFound, Code = "unknown_policy", Title = "Unknown policy", Detail = exception.Message, Field = "policy_id" },
        "PolicyInvalidException" => new ApiProblem { Status = StatusCodes.Status400BadRequest, Code = "policy_invalid", Title = "Request validation failed", Detail = exception.Message, Field = "policy_id" },
        _ => new ApiProblem { Status = StatusCodes.Status400BadRequest, Code = "conduit_error", Title = "The request cannot be carried out", Detail = exception.Message },
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
