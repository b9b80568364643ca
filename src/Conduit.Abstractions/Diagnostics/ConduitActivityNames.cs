namespace Conduit;

/// <summary>The names of the activities Conduit starts on <see cref="ConduitTelemetry.ActivitySource"/>.</summary>
public static class ConduitActivityNames
{
    /// <summary>One agent run: one <c>IAgentRunner.StreamAsync</c> call, from launch to the completed event.</summary>
    public const string AgentRun = "conduit.agent.run";

    /// <summary>One policy run executed by the orchestrator, from claim to its terminal status.</summary>
    public const string Run = "conduit.run";

    /// <summary>One attempt of a policy run (hooks, agent run, checks).</summary>
    public const string RunAttempt = "conduit.run.attempt";

    /// <summary>One check command of an attempt.</summary>
    public const string RunCheck = "conduit.run.check";

    /// <summary>One hook command (init, before_attempt, after_attempt, on_success, on_failure).</summary>
    public const string RunHook = "conduit.run.hook";
}
