using Conduit.Configuration;
using Conduit.Policies;
using Conduit.Runners.Transcripts;
using System.Text.Json;
using Conduit.Server.Http;
using Conduit.Server.Projects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Chat;

/// <summary>The chat lane: <c>POST /chat</c> (JSON or SSE) and the thread routes.</summary>
internal static class ChatEndpoints
{
    public static void MapChatEndpoints(this IEndpointRouteBuilder routes)
    {
        var chat = routes.MapGroup("/chat").WithTags("chat");
        chat.MapPost(string.Empty, PostChatAsync)
            .WithName("postChat")
            .WithSummary("Run one agent turn")
            .WithDescription("Runs the agent in the project's directory and answers with the result when it ends. With `Accept: text/event-stream` the turn streams as server-sent events instead (see docs/http-api.md).")
            .Accepts<ChatRequestBody>("application/json")
            .Produces<ChatResponse>(StatusCodes.Status200OK)
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(ServerRateLimiting.SubmitPolicy);
        chat.MapGet("/threads/{threadId}", GetThread)
            .WithName("getChatThread")
            .WithSummary("The newest turn of a chat thread")
            .Produces<ChatThreadResponse>();
        chat.MapGet("/threads/{threadId}/output/final", GetFinalOutput)
            .WithName("getChatFinalOutput")
            .WithSummary("The final message of the newest turn, as text")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesApiProblem(StatusCodes.Status404NotFound);
        chat.MapPost("/threads/{threadId}/cancel", CancelThreadAsync)
            .WithName("cancelChatThread")
            .WithSummary("Cancel the running turn of a chat thread (the body may be empty)")
            .Produces<ChatCancelResponse>();
        chat.MapPost("/init", InitAsync)
            .WithName("chatInit")
            .WithSummary("Installs the state directory as conduit install does (only when allowInit is on)")
            .ProducesApiProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> PostChatAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<ConduitServerOptions>>().Value;
        var registry = services.GetRequiredService<ChatThreadRegistry>();
        var timeProvider = services.GetRequiredService<TimeProvider>();

        var body = (await JsonRequestReader.ReadObjectAsync(context, options.MaxJsonDepth, allowEmpty: false, cancellationToken).ConfigureAwait(false))!;
        body.RejectUnknown("project_id", "prompt", "runner", "resume", "external_ref", "args", "db", "cwd");
        var projectId = body.String("project_id", required: true)!;
        var prompt = body.String("prompt", required: true)!.Trim();
        var resume = NullIfBlank(body.String("resume"));
        var externalRef = body.String("external_ref");
        var runnerBody = body.ObjectReader("runner");
        string? provider = null;
        string? model = null;
        if (runnerBody is not null)
        {
            runnerBody.RejectUnknown("provider", "model");
            provider = runnerBody.String("provider", required: true);
            model = runnerBody.String("model");
        }

        CheckControl(body, "cwd", options.RequestControls.Cwd);
        CheckControl(body, "db", options.RequestControls.Db);
        CheckControl(body, "args", options.RequestControls.Args);
        var args = body.StringArray("args");
        _ = body.String("db");
        var cwd = body.String("cwd");
        if (prompt.Length == 0)
        {
            throw new ApiProblemException(ApiProblem.Validation("prompt", "Prompt cannot be empty"));
        }

        var spec = ResolveRunner(provider, model, options.DefaultRunner);
        var resolver = services.GetService<IProjectDirectoryResolver>();
        var projectPath = resolver is null ? null : await resolver.ResolveAsync(projectId, cancellationToken).ConfigureAwait(false);
        if (projectPath is null)
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

        if (cwd is not null && (!Path.IsPathFullyQualified(cwd) || !Directory.Exists(cwd)))
        {
            throw new ApiProblemException(ApiProblem.Validation("cwd", $"Field \"cwd\" must be an existing absolute directory; \"{cwd}\" is not."));
        }

        var factory = services.GetService<IAgentRunnerFactory>() ?? throw new ApiProblemException(new ApiProblem
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Code = "runners_unavailable",
            Title = "No agent runners",
            Detail = "This daemon was started without agent runners, so /chat is not available.",
        });
        IAgentRunner runner;
        try
        {
            runner = factory.GetRunner(spec);
        }
        catch (UnknownProviderException exception)
        {
            throw new ApiProblemException(ApiProblem.Validation("runner.provider", exception.Message));
        }

        var queueItemId = Guid.NewGuid().ToString();
        var item = new ChatItem(resume ?? Guid.NewGuid().ToString(), queueItemId, projectId, prompt, spec, externalRef, timeProvider.GetUtcNow());
        var request = new AgentRequest
        {
            Prompt = prompt,
            Runner = spec,
            WorkingDirectory = cwd ?? projectPath,
            ResumeSessionId = resume,
            Args = args,
            OnStandardErrorLine = line => item.AddStandardErrorLine(line, timeProvider.GetUtcNow()),
        };
        registry.Start(item, runner, request);

        if (ServerSentEventWriter.IsRequested(context.Request))
        {
            await StreamAsync(context, item, options, timeProvider, cancellationToken).ConfigureAwait(false);
            return Results.Empty;
        }

        // A client that goes away does not stop the agent (as the original); the turn stays visible under /chat/threads.
        await item.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (item.Failure is { } failure)
        {
            throw failure is ConduitException ? failure : new InvalidOperationException("The agent run failed.", failure);
        }

        return Results.Json(ToResponse(item, options.Debug), ServerJson.Chat);
    }

    private static async Task StreamAsync(HttpContext context, ChatItem item, ConduitServerOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var sse = await ServerSentEventWriter.StartAsync(context, cancellationToken).ConfigureAwait(false);
        await sse.CommentAsync("connected", cancellationToken).ConfigureAwait(false);
        var ids = new Dictionary<string, object?> { ["threadId"] = item.ThreadId, ["queueItemId"] = item.QueueItemId };
        await sse.EventAsync("queued", Json(ids, ("emittedAt", item.CreatedAt)), id: null, cancellationToken).ConfigureAwait(false);
        var lastRawLine = 0;

        // Every signal ready now is written, then one flush sends them: a burst of lines costs one write to the socket,
        // and the first of them waits for nothing. Agent events are serialized straight into the response as UTF-8.
        var signals = item.Signals.Reader;
        while (await signals.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (signals.TryRead(out var signal))
            {
                switch (signal.Kind)
                {
                    case ChatSignalKind.Started:
                        sse.WriteEvent("start", Json(ids, ("startedAt", signal.At), ("emittedAt", signal.At)));
                        break;
                    case ChatSignalKind.Agent when signal.Event is { } agentEvent:
                        if (options.Debug && agentEvent.LineNumber is { } line && line > lastRawLine && agentEvent.RawRepresentation is { } raw)
                        {
                            lastRawLine = line;
                            sse.WriteEvent("stdout", Json(ids, ("stream", "stdout"), ("chunk", raw), ("emittedAt", signal.At)));
                        }

                        sse.WriteJsonEvent("agent", agentEvent, ConduitJson.Options);
                        break;
                    case ChatSignalKind.StandardError when options.Debug && signal.Line is { } stderrLine:
                        sse.WriteEvent("stderr", Json(ids, ("stream", "stderr"), ("chunk", stderrLine), ("emittedAt", signal.At)));
                        break;
                }
            }

            await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await item.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
        var emittedAt = timeProvider.GetUtcNow();
        if (item.Failure is { } failure)
        {
            var message = options.Debug || failure is ConduitException ? failure.Message : "Internal server error";
            await sse.EventAsync("error", Json(ids, ("error", message), ("emittedAt", emittedAt)), id: null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var response = ToResponse(item, options.Debug);
        sse.WriteJsonEvent("result", response, ServerJson.Chat);
        await sse.EventAsync(
            "exit",
            Json(ids, ("code", response.Exit.Code), ("signal", response.Exit.Signal), ("finalState", response.Exit.FinalState), ("endedAt", response.Exit.EndedAt), ("emittedAt", emittedAt)),
            id: null,
            cancellationToken).ConfigureAwait(false);
    }

    private static IResult GetThread(string threadId, [FromServices] ChatThreadRegistry registry, [FromServices] IOptions<ConduitServerOptions> options)
    {
        var item = registry.Latest(threadId);
        // A thread this daemon does not hold (it ran before a restart, or in `conduit chat`) is read from its files.
        var stored = item is null ? ReadStored(threadId, options.Value) : null;
        return Results.Json(
            new ChatThreadResponse
            {
                ThreadId = threadId,
                Running = item is { IsTerminal: false },
                Thread = item is not null ? ToThreadView(item, options.Value.Debug) : stored is null ? null : ToThreadView(stored, options.Value.Debug),
            },
            ServerJson.Chat);
    }

    private static IResult GetFinalOutput(string threadId, [FromServices] ChatThreadRegistry registry, [FromServices] IOptions<ConduitServerOptions> options)
    {
        string? text;
        if (registry.Latest(threadId) is { } item)
        {
            text = item.Result?.Text;
        }
        else
        {
            var stored = ReadStored(threadId, options.Value) ?? throw new ApiProblemException(ApiProblem.NotFound($"Thread \"{threadId}\" not found"));
            text = stored.FinalMessage;
        }

        return text is null
            ? throw new ApiProblemException(ApiProblem.NotFound($"Final output not found for thread \"{threadId}\""))
            : Results.Text(text, "text/plain; charset=utf-8");
    }

    private static ChatTranscriptRecord? ReadStored(string threadId, ConduitServerOptions options) =>
        options.StateDirectory is { } stateDirectory && !string.IsNullOrWhiteSpace(threadId) ? ChatTranscript.ReadLatest(stateDirectory, threadId) : null;

    private static ChatThreadView ToThreadView(ChatTranscriptRecord stored, bool debug) => new()
    {
        ThreadId = stored.ThreadId,
        QueueItemId = stored.QueueItemId,
        State = stored.Exit.FinalState,
        CreatedAt = stored.CreatedAt ?? stored.Exit.EndedAt ?? DateTimeOffset.UnixEpoch,
        EndedAt = stored.Exit.EndedAt,
        ExitCode = stored.Exit.Code,
        ExitSignal = stored.Exit.Signal,
        ProjectId = stored.ProjectId,
        Runner = new ChatRunnerBody { Provider = stored.Provider ?? "", Model = stored.Model },
        SessionId = stored.SessionId,
        Prompt = debug ? stored.Prompt : null,
    };

    private static async Task<IResult> CancelThreadAsync(string threadId, HttpContext context, [FromServices] ChatThreadRegistry registry, [FromServices] IOptions<ConduitServerOptions> options)
    {
        // The original required a body selecting the runner instance; we accept it (empty or {runner, db, args}) and cancel by thread id alone.
        var body = await JsonRequestReader.ReadObjectAsync(context, options.Value.MaxJsonDepth, allowEmpty: true, context.RequestAborted).ConfigureAwait(false);
        body?.RejectUnknown("runner", "db", "args");
        return Results.Json(new ChatCancelResponse { ThreadId = threadId, Cancelled = registry.Cancel(threadId) }, ServerJson.Chat);
    }

    private static async Task<IResult> InitAsync(HttpContext context, [FromServices] IOptions<ConduitServerOptions> options, [FromServices] TimeProvider timeProvider)
    {
        var server = options.Value;
        if (!server.AllowInit)
        {
            throw new ApiProblemException(ApiProblem.NotFound("Route POST:/chat/init not found (conduit.server.allowInit is off)"));
        }

        var body = await JsonRequestReader.ReadObjectAsync(context, server.MaxJsonDepth, allowEmpty: true, context.RequestAborted).ConfigureAwait(false);
        body?.RejectUnknown("force");
        var force = body?.Boolean("force") ?? false;
        if (string.IsNullOrWhiteSpace(server.StateDirectory))
        {
            throw new ApiProblemException(ApiProblem.Conflict(
                "no_state_directory", "POST /chat/init needs a state directory: set ConduitServerOptions.StateDirectory (conduit.stateDir)"));
        }

        var result = await ConduitInstaller.InstallAsync(
            new ConduitInstallOptions
            {
                StateDirectory = server.StateDirectory,
                GlobalConfigPath = server.GlobalConfigPath ?? Path.Combine(server.StateDirectory, "config.yaml"),
                Force = force,
                TimeProvider = timeProvider,
            },
            context.RequestAborted).ConfigureAwait(false);
        var json = ConduitInstaller.ToJson(result);
        json.Insert(0, "ok", true);
        return Results.Json(json, ConduitJson.Options);
    }

    private static void CheckControl(JsonObjectReader body, string field, RequestControlMode mode)
    {
        if (body.Has(field) && mode != RequestControlMode.ReadWrite)
        {
            throw new ApiProblemException(ApiProblem.Forbidden(
                "override_not_allowed",
                $"Request override for \"{field}\" is not allowed (conduit.server.requestControls.{field} is {(mode == RequestControlMode.Disabled ? "disabled" : "read_only")}; set it to read_write to allow it)",
                field));
        }
    }

    private static RunnerSpec ResolveRunner(string? provider, string? model, string defaultRunner)
    {
        try
        {
            if (provider is null)
            {
                return RunnerSpec.Parse(defaultRunner);
            }

            return new RunnerSpec(provider, model);
        }
        catch (UnknownProviderException exception)
        {
            throw new ApiProblemException(ApiProblem.Validation("runner.provider", exception.Message));
        }
        catch (ArgumentException exception)
        {
            throw new ApiProblemException(ApiProblem.Validation("runner.provider", exception.Message));
        }
    }

    internal static ChatResponse ToResponse(ChatItem item, bool debug)
    {
        var result = item.Result;
        var usage = result?.Usage;
        var hasUsage = usage is not null && (usage.InputTokens != 0 || usage.OutputTokens != 0 || usage.CostUsd is not null);
        return new ChatResponse
        {
            ThreadId = item.ThreadId,
            QueueItemId = item.QueueItemId,
            FinalMessage = result?.Text,
            Usage = hasUsage
                ? new ChatUsage
                {
                    InputTokens = usage!.InputTokens,
                    OutputTokens = usage.OutputTokens,
                    CachedInputTokens = usage.CachedInputTokens,
                    CacheWriteTokens = usage.CacheWriteTokens,
                    TotalTokens = usage.TotalTokens,
                    CostUsd = usage.CostUsd,
                    CostEstimated = usage.IsCostEstimated,
                }
                : null,
            Exit = new ChatExit
            {
                Code = result?.ExitCode,
                Signal = item.State == ChatState.Cancelled ? "SIGTERM" : null,
                FinalState = item.State.ToName(),
                EndedAt = item.EndedAt,
            },
            Stdout = debug ? RawLines(result) : null,
            Stderr = debug ? item.StandardErrorLines : null,
            SessionId = result?.SessionId,
            Outcome = ServerJson.OutcomeName(result?.Outcome ?? (item.State == ChatState.Cancelled ? AgentOutcome.Cancelled : AgentOutcome.Failed)),
            Text = result?.Text,
            Reason = result?.Reason,
            DurationMs = (long)(result?.Duration ?? TimeSpan.Zero).TotalMilliseconds,
            Runner = new ChatRunnerBody { Provider = item.Runner.Provider, Model = item.Runner.Model },
            Model = result?.Model,
        };
    }

    private static ChatThreadView ToThreadView(ChatItem item, bool debug) => new()
    {
        ThreadId = item.ThreadId,
        QueueItemId = item.QueueItemId,
        State = item.State.ToName(),
        CreatedAt = item.CreatedAt,
        StartedAt = item.StartedAt,
        EndedAt = item.EndedAt,
        ExitCode = item.Result?.ExitCode,
        ExitSignal = item.State == ChatState.Cancelled ? "SIGTERM" : null,
        ProjectId = item.ProjectId,
        Runner = new ChatRunnerBody { Provider = item.Runner.Provider, Model = item.Runner.Model },
        SessionId = item.Result?.SessionId,
        Outcome = item.Result is { } result ? ServerJson.OutcomeName(result.Outcome) : null,
        Prompt = debug ? item.Prompt : null,
    };

    private static List<string> RawLines(AgentResult? result)
    {
        var lines = new List<string>();
        var last = 0;
        foreach (var agentEvent in result?.Events ?? [])
        {
            if (agentEvent.LineNumber is { } line && line > last && agentEvent.RawRepresentation is { } raw)
            {
                last = line;
                lines.Add(raw);
            }
        }

        return lines;
    }

    private static string Json(Dictionary<string, object?> ids, params (string Name, object? Value)[] members)
    {
        var all = new Dictionary<string, object?>(ids);
        foreach (var (name, value) in members)
        {
            all[name] = value;
        }

        return JsonSerializer.Serialize(all, ServerJson.Chat);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
