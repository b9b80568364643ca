using System.Net.ServerSentEvents;
using System.Text.Json;
using AspNetCoreAgentApi;
using Conduit;
using Conduit.Testing;

// A minimal API that starts agent runs: POST /agent-runs answers with the result, POST /agent-runs/events streams the
// normalized events as server-sent events. Set FakeModel__Reply to try it with the real CLIs and no account: they
// talk to Conduit's fake model API on 127.0.0.1, which answers with that text.
var builder = WebApplication.CreateBuilder(args);
var conduit = builder.Services.AddConduit();

await using var fakeModel = builder.Configuration["FakeModel:Reply"] is { Length: > 0 } reply
    ? await FakeModelServer.StartAsync(new FakeModelServerOptions { DefaultTurn = FakeTurn.Text(reply) })
    : null;
if (fakeModel is not null)
{
    conduit.UseFakeModelServer(fakeModel);
}

var defaultRunner = builder.Configuration["AgentApi:DefaultRunner"] ?? "claude";
var workingDirectory = builder.Configuration["AgentApi:WorkingDirectory"] ?? Directory.GetCurrentDirectory();
var app = builder.Build();

app.MapPost("/agent-runs", async (AgentRunRequest body, IAgentRunnerFactory runners, CancellationToken cancellationToken) =>
{
    if (ToAgentRequest(body) is not { } request)
    {
        return Results.Problem("prompt is required and runner must be provider[/model]", statusCode: StatusCodes.Status400BadRequest);
    }

    var result = await runners.GetRunner(request.Runner).RunAsync(request, cancellationToken);
    return Results.Ok(new
    {
        runner = result.Runner.ToString(),
        outcome = result.Outcome.ToString(),
        text = result.Text,
        session_id = result.SessionId,
        model = result.Model,
        duration_ms = (long)result.Duration.TotalMilliseconds,
        input_tokens = result.Usage.InputTokens,
        output_tokens = result.Usage.OutputTokens,
        cost_usd = result.Usage.CostUsd,
        reason = result.Reason,
    });
});

app.MapPost("/agent-runs/events", (AgentRunRequest body, IAgentRunnerFactory runners, CancellationToken cancellationToken) =>
{
    if (ToAgentRequest(body) is not { } request)
    {
        return Results.Problem("prompt is required and runner must be provider[/model]", statusCode: StatusCodes.Status400BadRequest);
    }

    return TypedResults.ServerSentEvents(Events(runners.GetRunner(request.Runner), request, cancellationToken));
});

app.Run();

AgentRequest? ToAgentRequest(AgentRunRequest body)
{
    if (string.IsNullOrWhiteSpace(body.Prompt) || !RunnerSpec.TryParse(body.Runner ?? defaultRunner, out var runner))
    {
        return null;
    }

    return new AgentRequest
    {
        Prompt = body.Prompt,
        Runner = runner,
        ResumeSessionId = body.ResumeSessionId,
        WorkingDirectory = workingDirectory,
    };
}

// Each event as one SSE message: the event type ("text", "usage", "completed"...) and Conduit's JSON for it.
static async IAsyncEnumerable<SseItem<string>> Events(IAgentRunner runner, AgentRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
{
    await foreach (var agentEvent in runner.StreamAsync(request, cancellationToken))
    {
        var json = JsonSerializer.SerializeToElement(agentEvent, ConduitJson.Options);
        yield return new SseItem<string>(json.GetRawText(), json.GetProperty("type").GetString());
    }
}
