namespace Conduit.Runners;

/// <summary>
/// How Conduit runs one provider's CLI. Registered as named options, the name being the provider:
/// <c>IOptionsMonitor&lt;AgentRunnerOptions&gt;.Get("claude")</c>. Validated on start.
/// </summary>
public sealed class AgentRunnerOptions
{
    /// <summary>The executable: a path, or a name looked up on <c>PATH</c>.</summary>
    /// <value>Default <see langword="null"/>: the provider's own command (<c>claude</c>, <c>codex</c>, <c>gemini</c>, <c>cursor-agent</c>).</value>
    public string? ExecutablePath { get; set; }

    /// <summary>Arguments appended after Conduit's own when a request has none (<see cref="AgentRequest.Args"/> is <see langword="null"/>); a request's arguments replace them.</summary>
    /// <value>Default: empty.</value>
    public IList<string> DefaultArgs { get; } = [];

    /// <summary>Variables set in (or, with a <see langword="null"/> value, removed from) the child's environment, before the request's own.</summary>
    /// <value>Default: empty.</value>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// Inherited variables passed to the child even though they match a secret pattern (<c>*_TOKEN</c>, <c>*_SECRET</c>,
    /// <c>*_PASSWORD</c>, <c>AWS_*</c>, <c>CONDUIT_*TOKEN*</c>). Names or patterns with <c>*</c>.
    /// </summary>
    /// <value>Default: empty (the provider's own key variables always pass).</value>
    public IList<string> PassEnvironment { get; } = [];

    /// <summary>The total time a run may take; a request's <see cref="AgentRequest.Timeout"/> overrides it.</summary>
    /// <value>Default 30 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the CLI may print nothing before the run ends as timed out; a request's <see cref="AgentRequest.IdleTimeout"/> overrides it.</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long each step of interrupt, terminate, kill waits for the process tree to exit.</summary>
    /// <value>Default 2 seconds.</value>
    public TimeSpan KillGracePeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether to run <c>&lt;executable&gt; --version</c> (once per executable) when the CLI's stream does not report its version.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool ProbeVersion { get; set; } = true;
}
