namespace AspNetCoreAgentApi;

/// <summary>The body of <c>POST /agent-runs</c>.</summary>
public sealed class AgentRunRequest
{
    /// <summary>What to ask the agent.</summary>
    public string? Prompt { get; init; }

    /// <summary>The runner, <c>provider[/model]</c>: <c>claude</c>, <c>codex/gpt-5</c>, <c>gemini</c>. Default: <c>AgentApi:DefaultRunner</c>.</summary>
    public string? Runner { get; init; }

    /// <summary>Continue an earlier session of the same runner.</summary>
    public string? ResumeSessionId { get; init; }
}
