namespace Conduit;

/// <summary>The names of the instruments on <see cref="ConduitTelemetry.Meter"/> (units and tags: docs/observability.md).</summary>
public static class ConduitInstrumentNames
{
    /// <summary>Counter, <c>{run}</c>: agent runs started (tags provider, model).</summary>
    public const string AgentRunsStarted = "conduit.agent.runs.started";

    /// <summary>Counter, <c>{run}</c>: agent runs finished (tags provider, model, outcome).</summary>
    public const string AgentRunsFinished = "conduit.agent.runs.finished";

    /// <summary>Histogram, <c>s</c>: how long agent runs took (tags provider, model, outcome).</summary>
    public const string AgentRunDuration = "conduit.agent.run.duration";

    /// <summary>Counter, <c>{token}</c>: tokens the agents reported (tags provider, model, token type).</summary>
    public const string AgentTokens = "conduit.agent.tokens";

    /// <summary>Counter, <c>USD</c>: cost of agent runs, reported or estimated from the price table (tags provider, model).</summary>
    public const string AgentCost = "conduit.agent.cost";

    /// <summary>Counter, <c>{run}</c>: policy runs the orchestrator started executing (tag policy).</summary>
    public const string RunsStarted = "conduit.runs.started";

    /// <summary>Counter, <c>{run}</c>: policy runs that ended (tags policy, status).</summary>
    public const string RunsFinished = "conduit.runs.finished";

    /// <summary>Histogram, <c>s</c>: how long policy runs executed (tags policy, status).</summary>
    public const string RunDuration = "conduit.run.duration";

    /// <summary>Counter, <c>{attempt}</c>: attempts of policy runs that ended (tags policy, provider, status).</summary>
    public const string RunAttempts = "conduit.run.attempts";

    /// <summary>UpDownCounter, <c>{run}</c>: runs waiting in the queue (tag policy).</summary>
    public const string RunsQueued = "conduit.runs.queued";

    /// <summary>UpDownCounter, <c>{run}</c>: runs executing now (tag policy).</summary>
    public const string RunsActive = "conduit.runs.active";
}
