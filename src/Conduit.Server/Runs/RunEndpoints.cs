using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Runs;

/// <summary>The runs lane: every route calls <see cref="IRunOrchestrator"/>.</summary>
internal static class RunEndpoints
{
    public static void MapRunEndpoints(this IEndpointRouteBuilder routes)
    {
        var runs = routes.MapGroup("/runs").WithTags("runs");
        runs.MapPost(string.Empty, CreateAsync)
            .WithName("createRun")
            .WithSummary("Submit a policy run")
            .WithDescription("Persists and queues a run and answers 202 at once. An `Idempotency-Key` header (or the same project, policy and external_ref) returns the existing run instead of a new one.")
            .Accepts<RunCreateBody>("application/json")
            .Produces<RunCreatedResponse>(StatusCodes.Status202Accepted)
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(ServerRateLimiting.SubmitPolicy);
        runs.MapGet(string.Empty, ListAsync)
            .WithName("listRuns")
            .WithSummary("List runs, newest first")
            .Produces<RunListResponse>()
            .ProducesApiProblem(StatusCodes.Status400BadRequest);
        runs.MapGet("/{runId}", GetAsync)
            .WithName("getRun")
            .WithSummary("A run; `?include=attempts` adds its attempts")
            .WithDescription("With `include=attempts` each attempt carries `agent_final_url`, `agent_stdout_url` and `agent_stderr_url`, and each check result `stdout_url` and `stderr_url`.")
            .Produces<RunRecord>()
            .ProducesApiProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId}/events", EventsAsync)
            .WithName("runEvents")
            .WithSummary("The run's events as server-sent events: the recorded ones, then live ones until the run ends")
            .WithDescription("Each event's `id` is its sequence number; reconnect with `Last-Event-ID` (or `?after=`) to resume after it.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesApiProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{runId}/cancel", CancelAsync)
            .WithName("cancelRun")
            .WithSummary("Cancel a run (the body may be empty)")
            .Produces<RunCancelResponse>()
            .ProducesApiProblem(StatusCodes.Status404NotFound);
        routes.MapRunOutputEndpoints();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, [FromServices] IOptions<ConduitServerOptions> options)
    {
        var orchestrator = Orchestrator(context);
        var cancellationToken = context.RequestAborted;
        var body = (await JsonRequestReader.ReadObjectAsync(context, options.Value.MaxJsonDepth, allowEmpty: false, cancellationToken).ConfigureAwait(false))!;
        body.RejectUnknown("project_id", "policy_id", "input", "requested_runner", "timeout_seconds", "max_attempts", "external_ref", "metadata");
        var projectId = Required(body, "project_id");
        var policyId = Required(body, "policy_id");
        var input = body.Object("input");
        var metadata = body.Object("metadata");
        var timeoutSeconds = body.Int32("timeout_seconds", 1, 7 * 24 * 3600);
        var maxAttempts = body.Int32("max_attempts", 1, 100);
        var externalRef = body.String("external_ref");
        RunnerSpec? requestedRunner = null;
        if (body.ObjectReader("requested_runner") is { } runner)
        {
            runner.RejectUnknown("provider", "model");
            var provider = runner.String("provider", required: true)!;
            try
            {
                requestedRunner = new RunnerSpec(provider, runner.String("model"));
            }
            catch (Exception exception) when (exception is UnknownProviderException or ArgumentException)
            {
                throw new ApiProblemException(ApiProblem.Validation("requested_runner.provider", exception.Message));
            }
        }

        var idempotencyKey = context.Request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 200)
        {
            throw new ApiProblemException(ApiProblem.Validation("Idempotency-Key", "The Idempotency-Key header may have at most 200 characters."));
        }

        var record = await orchestrator.SubmitAsync(
            new RunSubmission
            {
                ProjectId = projectId,
                PolicyId = policyId,
                Input = input is null ? [] : (JsonObject)input.DeepClone(),
                Metadata = metadata is null ? null : (JsonObject)metadata.DeepClone(),
                ExternalRef = externalRef,
                IdempotencyKey = idempotencyKey.Length == 0 ? null : idempotencyKey,
                RequestedRunner = requestedRunner,
                Timeout = timeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                MaxAttempts = maxAttempts,
            },
            cancellationToken).ConfigureAwait(false);
        var url = $"/runs/{Uri.EscapeDataString(record.RunId)}";
        context.Response.Headers.Location = url;
        return Results.Json(
            new RunCreatedResponse
            {
                RunId = record.RunId,
                Status = record.Status,
                ProjectId = record.ProjectId,
                PolicyId = record.PolicyId,
                Url = url,
                EventsUrl = url + "/events",
            },
            ConduitJson.Options,
            statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(
        HttpContext context,
        [FromQuery(Name = "status")] string? status,
        [FromQuery(Name = "project_id")] string? projectId,
        [FromQuery(Name = "policy_id")] string? policyId,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "cursor")] string? cursor,
        CancellationToken cancellationToken)
    {
        var orchestrator = Orchestrator(context);
        var statuses = new List<RunStatus>();
        foreach (var name in (status ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            statuses.Add(RunStatusNames.TryParse(name, out var parsed)
                ? parsed
                : throw new ApiProblemException(ApiProblem.Validation("status", $"Unknown run status \"{name}\". Valid: queued, running, succeeded, failed, canceled, timed_out, needs_attention, interrupted.")));
        }

        var pageSize = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 500))
        {
            throw new ApiProblemException(ApiProblem.Validation("limit", $"Query parameter \"limit\" must be an integer from 1 to 500; got \"{limit}\"."));
        }

        var page = await orchestrator.ListAsync(
            new RunQuery
            {
                ProjectId = projectId,
                PolicyId = policyId,
                Statuses = statuses.Count == 0 ? null : statuses,
                Limit = pageSize,
                Cursor = cursor,
            },
            cancellationToken).ConfigureAwait(false);
        return Results.Json(new RunListResponse { Runs = page.Runs, NextCursor = page.NextCursor }, ConduitJson.Options);
    }

    private static async Task<IResult> GetAsync(string runId, [FromQuery(Name = "include")] string? include, HttpContext context, CancellationToken cancellationToken)
    {
        var orchestrator = Orchestrator(context);
        var run = await orchestrator.GetAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        var includes = (include ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in includes)
        {
            if (name != "attempts")
            {
                throw new ApiProblemException(ApiProblem.Validation("include", $"Query parameter \"include\" may only be \"attempts\"; got \"{name}\"."));
            }
        }

        if (includes.Length == 0)
        {
            return Results.Json(run, ConduitJson.Options);
        }

        var attempts = await orchestrator.GetAttemptsAsync(runId, cancellationToken).ConfigureAwait(false);
        return Results.Json(RunJson.Create(run, attempts), ConduitJson.Options);
    }

    private static async Task EventsAsync(string runId, HttpContext context)
    {
        var orchestrator = Orchestrator(context);
        var cancellationToken = context.RequestAborted;
        var after = 0L;
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var afterQuery = context.Request.Query["after"].ToString();
        var resumeFrom = lastEventId.Length > 0 ? ("Last-Event-ID", lastEventId) : afterQuery.Length > 0 ? ("after", afterQuery) : (null, null);
        if (resumeFrom.Item1 is { } source && (!long.TryParse(resumeFrom.Item2, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            throw new ApiProblemException(ApiProblem.Validation(source, $"\"{source}\" must be an event sequence number; got \"{resumeFrom.Item2}\"."));
        }

        _ = await orchestrator.GetAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        // Shutdown ends follower streams at once (clients reconnect with Last-Event-ID), so they do not hold the server open.
        var stopping = context.RequestServices.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        cancellationToken = linked.Token;
        var sse = await ServerSentEventWriter.StartAsync(context, cancellationToken).ConfigureAwait(false);
        await sse.CommentAsync("connected", cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var runEvent in orchestrator.EventsAsync(runId, after, cancellationToken).ConfigureAwait(false))
            {
                await sse.EventAsync(runEvent.Type, JsonSerializer.Serialize(runEvent, ConduitJson.Options), runEvent.Sequence, cancellationToken).ConfigureAwait(false);
            }

            await sse.EventAsync("end", "{}", id: null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task<IResult> CancelAsync(string runId, HttpContext context, [FromServices] IOptions<ConduitServerOptions> options)
    {
        var orchestrator = Orchestrator(context);
        var body = await JsonRequestReader.ReadObjectAsync(context, options.Value.MaxJsonDepth, allowEmpty: true, context.RequestAborted).ConfigureAwait(false);
        body?.RejectUnknown("reason");
        var canceled = await orchestrator.CancelAsync(runId, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new RunCancelResponse { RunId = runId, Canceled = canceled }, ConduitJson.Options);
    }

    private static IRunOrchestrator Orchestrator(HttpContext context) =>
        context.RequestServices.GetService<IRunOrchestrator>() ?? throw new ApiProblemException(new ApiProblem
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Code = "runs_unavailable",
            Title = "The runs lane is not available",
            Detail = "This daemon was started without a run orchestrator, so /runs is not available.",
        });

    private static string Required(JsonObjectReader body, string field)
    {
        var value = body.String(field, required: true)!.Trim();
        return value.Length > 0 ? value : throw new ApiProblemException(ApiProblem.Validation(field, $"Field \"{field}\" cannot be empty."));
    }
}
