using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>Everything a tool needs to run one action.</summary>
internal sealed class ToolContext
{
    public required RequestAction Action { get; init; }

    public required PathGuard Paths { get; init; }

    public required ConduitRequestsOptions Options { get; init; }

    public required string RunDirectory { get; init; }

    public required IRequestProcessRunner Processes { get; init; }

    public IAgentRunnerFactory? AgentRunners { get; init; }

    public IRunOrchestrator? Orchestrator { get; init; }

    public JsonObject Args => Action.Args;
}

/// <summary>What a tool returned.</summary>
internal sealed class ToolOutcome
{
    public required string Status { get; init; }

    public JsonNode? Content { get; init; }

    public string? Error { get; init; }

    public JsonObject? Metadata { get; init; }

    public static ToolOutcome Ok(JsonNode? content, JsonObject? metadata = null) => new() { Status = ActionStatuses.Ok, Content = content, Metadata = metadata };

    public static ToolOutcome Fail(string error, JsonObject? metadata = null, JsonNode? content = null) => new() { Status = ActionStatuses.Error, Error = error, Metadata = metadata, Content = content };

    public static ToolOutcome Denied(string error) => new() { Status = ActionStatuses.Denied, Error = error };
}

/// <summary>A request tool.</summary>
internal interface IRequestTool
{
    string Name { get; }

    Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken);
}
