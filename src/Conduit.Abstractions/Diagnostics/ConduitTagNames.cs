namespace Conduit;

/// <summary>The tag (attribute) names on Conduit's activities and measurements.</summary>
public static class ConduitTagNames
{
    /// <summary>The runner's provider: <c>claude</c>, <c>codex</c>, <c>gemini</c>, <c>cursor</c>.</summary>
    public const string Provider = "conduit.runner.provider";

    /// <summary>The model the run asked for, else the one the CLI reported; absent when neither is known.</summary>
    public const string Model = "conduit.runner.model";

    /// <summary>How an agent run ended: the JSON name of <see cref="AgentOutcome"/> (<c>succeeded</c>, <c>api_error</c>...), or <c>exception</c>.</summary>
    public const string Outcome = "conduit.agent.outcome";

    /// <summary>The agent's session id (activities only).</summary>
    public const string SessionId = "conduit.session_id";

    /// <summary>The token type of <see cref="ConduitInstrumentNames.AgentTokens"/>: <c>input</c>, <c>output</c>, <c>cached_input</c>.</summary>
    public const string TokenType = "conduit.token.type";

    /// <summary>Input tokens of the run (activities only).</summary>
    public const string InputTokens = "conduit.usage.input_tokens";

    /// <summary>Output tokens of the run (activities only).</summary>
    public const string OutputTokens = "conduit.usage.output_tokens";

    /// <summary>Cached input tokens of the run (activities only).</summary>
    public const string CachedInputTokens = "conduit.usage.cached_input_tokens";

    /// <summary>Cost of the run in USD (activities only).</summary>
    public const string CostUsd = "conduit.usage.cost_usd";

    /// <summary>The policy id of a run.</summary>
    public const string PolicyId = "conduit.policy.id";

    /// <summary>The project id of a run (activities only).</summary>
    public const string ProjectId = "conduit.project.id";

    /// <summary>The run id (activities only).</summary>
    public const string RunId = "conduit.run.id";

    /// <summary>A run's or an attempt's status: the JSON name of <see cref="RunStatus"/> (<c>succeeded</c>, <c>failed</c>, <c>needs_attention</c>...).</summary>
    public const string RunStatus = "conduit.run.status";

    /// <summary>The 1-based attempt index (activities only).</summary>
    public const string AttemptIndex = "conduit.attempt.index";

    /// <summary>A check's name (activities only).</summary>
    public const string CheckName = "conduit.check.name";

    /// <summary>Whether a check passed (activities only).</summary>
    public const string CheckPassed = "conduit.check.passed";

    /// <summary>A hook's stage: <c>init</c>, <c>before_attempt</c>, <c>after_attempt</c>, <c>on_success</c>, <c>on_failure</c> (activities only).</summary>
    public const string HookStage = "conduit.hook.stage";

    /// <summary>A check's or a hook's exit code (activities only).</summary>
    public const string ExitCode = "conduit.command.exit_code";

    /// <summary>Whether a check or a hook timed out (activities only).</summary>
    public const string TimedOut = "conduit.command.timed_out";
}
