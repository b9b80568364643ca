using System.Text.Json;
using Conduit.FanOut;
using Conduit.Server.Http;
using Conduit.Server.Projects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Server.FanOut;

/// <summary>The fan-out lane: <c>POST /fanout</c> (JSON, or SSE progress) and <c>GET /fanouts</c> for the dashboard.</summary>
internal static class FanOutEndpoints
{
    public static void MapFanOutEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/fanout", PostAsync)
            .WithTags("fanout")
            .WithName("postFanOut")
            .WithSummary("Run one task on several runners in parallel and compare them")
            .WithDescription("Body: `prompt` (a chat task in the project's directory) or `policy_id` with `input`, `project_id`, `runners` (specs such as `claude`, `codex/gpt-5`), `repeat`, `consensus` (`majority`, `first-pass`, `score`, `judge:<runner>`), `verify` (a shell command; exit 0 passes), `max_concurrency`. Answers with the comparison when every trial ended; with `Accept: text/event-stream`, streams `trial` events (started, first_event, finished) and then one `result` event. See docs/fanout.md.")
            .Produces<FanOutResult>()
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(ServerRateLimiting.SubmitPolicy);
        routes.MapGet("/fanouts", (FanOutRegistry registry) => Results.Json(registry.Snapshot(), ConduitJson.Options))
            .WithTags("fanout")
            .WithName("listFanOuts")
            .WithSummary("Running and recent fan-outs (newest first), as the /status dashboard shows them")
            .Produces<IReadOnlyList<FanOutRow>>();
    }

    private static async Task<IResult> PostAsync(HttpContext context, [FromServices] IOptions<ConduitServerOptions> options, [FromServices] FanOutRegistry registry)
    {
        var services = context.RequestServices;
        var cancellationToken = context.RequestAborted;
        var fanOut = services.GetRequiredService<AgentFanOut>();
        var body = (await JsonRequestReader.ReadObjectAsync(context, options.Value.MaxJsonDepth, allowEmpty: false, cancellationToken).ConfigureAwait(false))!;
        body.RejectUnknown("prompt", "project_id", "policy_id", "input", "runners", "repeat", "consensus", "verify", "max_concurrency");
        var projectId = body.String("project_id", required: true)!;
        var prompt = body.String("prompt");
        var policyId = body.String("policy_id");
        if ((prompt is null) == (policyId is null))
        {
            throw new ApiProblemException(ApiProblem.Validation("prompt", "Give either \"prompt\" (a chat task) or \"policy_id\" (a policy run), not both and not neither."));
        }

        var runnerTexts = body.StringArray("runners") ?? [];
        if (runnerTexts.Count == 0)
        {
            throw new ApiProblemException(ApiProblem.Validation("runners", "Field \"runners\" needs at least one runner, e.g. [\"claude\", \"codex/gpt-5\"]."));
        }

        var runners = new List<FanOutRunner>();
        for (var i = 0; i < runnerTexts.Count; i++)
        {
            try
            {
                runners.Add(FanOutRunner.Parse(runnerTexts[i]));
            }
            catch (Exception exception) when (exception is UnknownProviderException or ArgumentException)
            {
                throw new ApiProblemException(ApiProblem.Validation($"runners[{i}]", exception.Message));
            }
        }

        IConsensusStrategy? consensus = null;
        if (body.String("consensus") is { } consensusName)
        {
            try
            {
                consensus = ConsensusStrategies.Parse(consensusName, fanOut.Runners);
            }
            catch (Exception exception) when (exception is UnknownProviderException or ArgumentException)
            {
                throw new ApiProblemException(ApiProblem.Validation("consensus", exception.Message));
            }
        }

        string? workingDirectory = null;
        if (prompt is not null)
        {
            var resolver = services.GetService<IProjectDirectoryResolver>();
            workingDirectory = resolver is null ? null : await resolver.ResolveAsync(projectId, cancellationToken).ConfigureAwait(false);
            if (workingDirectory is null)
            {
                throw new ApiProblemException(new ApiProblem
                {
                    Status = StatusCodes.Status404NotFound,
                    Code = "unknown_project",
                    Title = "Unknown project",
                    Detail = $"Unknown project_id \"{projectId}\"",
                    Field = "project_id",
                });
            }
        }

        var request = new FanOutRequest
        {
            Tasks = [prompt is not null ? FanOutTask.Chat(prompt) : FanOutTask.Policy(projectId, policyId!, body.Object("input")?.DeepClone().AsObject())],
            Runners = runners,
            Repetitions = body.Int32("repeat", 1, 100) ?? 1,
            MaxConcurrency = body.Int32("max_concurrency", 1, 100),
            WorkingDirectory = workingDirectory,
            VerifyCommand = body.String("verify"),
            Consensus = consensus,
        };
        try
        {
            request.Validate();
        }
        catch (ArgumentException exception)
        {
            throw new ApiProblemException(ApiProblem.Validation(exception.ParamName ?? "body", exception.Message));
        }

        var entry = registry.Start(request);
        if (!ServerSentEventWriter.IsRequested(context.Request))
        {
            try
            {
                var result = await fanOut.RunAsync(request, entry, cancellationToken).ConfigureAwait(false);
                entry.Finish(result);
                return Results.Json(result, ConduitJson.Options);
            }
            catch (FanOutException exception)
            {
                entry.Fail(exception.Message);
                throw new ApiProblemException(ApiProblem.Validation("project_id", exception.Message));
            }
        }

        var writer = await ServerSentEventWriter.StartAsync(context, cancellationToken).ConfigureAwait(false);
        var updates = System.Threading.Channels.Channel.CreateUnbounded<TrialUpdate>();
        var progress = new ForwardingProgress(entry, updates.Writer);
        var run = Task.Run(async () =>
        {
            try
            {
                return await fanOut.RunAsync(request, progress, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                updates.Writer.TryComplete();
            }
        }, CancellationToken.None);

        var sequence = 0L;
        await foreach (var update in updates.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await writer.EventAsync("trial", JsonSerializer.Serialize(update, ConduitJson.Options), ++sequence, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var result = await run.ConfigureAwait(false);
            entry.Finish(result);
            await writer.EventAsync("result", JsonSerializer.Serialize(result, ConduitJson.Options), ++sequence, cancellationToken).ConfigureAwait(false);
        }
        catch (FanOutException exception)
        {
            entry.Fail(exception.Message);
            await writer.EventAsync("error", JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = exception.Message }, ConduitJson.Options), ++sequence, cancellationToken).ConfigureAwait(false);
        }

        return Results.Empty;
    }

    private sealed class ForwardingProgress(IProgress<TrialUpdate> entry, System.Threading.Channels.ChannelWriter<TrialUpdate> writer) : IProgress<TrialUpdate>
    {
        public void Report(TrialUpdate value)
        {
            entry.Report(value);
            writer.TryWrite(value);
        }
    }
}
