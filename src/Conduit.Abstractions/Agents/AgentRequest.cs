namespace Conduit;

/// <summary>One headless agent run: what to ask, which runner, where, and under which limits.</summary>
public sealed class AgentRequest
{
    /// <summary>The prompt sent to the agent.</summary>
    public required string Prompt { get; init; }

    /// <summary>The runner: provider and optional model.</summary>
    public required RunnerSpec Runner { get; init; }

    /// <summary>The working directory of the agent process; the current directory when <see langword="null"/>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>A provider session (thread) id to resume.</summary>
    public string? ResumeSessionId { get; init; }

    /// <summary>A model that overrides <see cref="RunnerSpec.Model"/>.</summary>
    public string? Model { get; init; }

    /// <summary>The model actually requested: <see cref="Model"/>, else the runner's model.</summary>
    public string? EffectiveModel => Model ?? Runner.Model;

    /// <summary>
    /// Arguments passed to the agent CLI verbatim, after Conduit's own.
    /// When <see langword="null"/>, the runner's configured default arguments apply; an empty list means none.
    /// </summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Environment variables added to (or, with a <see langword="null"/> value, removed from) the child's environment.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>The total time the run may take; the runner's default when <see langword="null"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long the agent may print nothing before the run ends as timed out; the runner's default when <see langword="null"/>.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>The permission mode; <see langword="null"/> passes no permission flag at all.</summary>
    public AgentPermissionMode? PermissionMode { get; init; }

    /// <summary>The most agent turns, where the CLI supports a limit.</summary>
    public int? MaxTurns { get; init; }

    /// <summary>
    /// Called with each line the agent CLI writes to stderr (without its line ending), as it arrives. The lines are
    /// diagnostics, not events; the run orchestrator uses this to keep <c>agent.stderr.log</c>. Called on the
    /// runner's reading loop: keep it quick and do not throw.
    /// </summary>
    public Action<string>? OnStandardErrorLine { get; init; }

    /// <summary>Free-form data for callers and middleware; not sent to the CLI.</summary>
    public IReadOnlyDictionary<string, object?>? AdditionalProperties { get; init; }
}
