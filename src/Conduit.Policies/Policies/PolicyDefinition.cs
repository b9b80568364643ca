namespace Conduit.Policies;

/// <summary>
/// A policy loaded from <c>.conduit/policies/&lt;policy_id&gt;/policy.yaml</c>, in either the seed's form (hook scripts
/// beside the file, <c>escalation</c>, <c>backoff</c>) or the original Conduit's (hook command lists, <c>retry</c>).
/// </summary>
public sealed class PolicyDefinition
{
    /// <summary>The policy id; equals the folder name.</summary>
    public required string PolicyId { get; init; }

    /// <summary>The task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>The folder holding policy.yaml (the original's <c>policy_dir</c>).</summary>
    public required string Directory { get; init; }

    /// <summary>The policy.yaml path.</summary>
    public required string FilePath { get; init; }

    /// <summary>The base runner; <see langword="null"/> means the configured default runner.</summary>
    public PolicyRunner? Runner { get; init; }

    /// <summary>The prompt template (from <c>prompt</c>, <c>prompt_file</c> or <c>prompt.md</c>); <see langword="null"/> uses the original's fixed prompt.</summary>
    public string? PromptTemplate { get; init; }

    /// <summary>The checks, in order.</summary>
    public IReadOnlyList<PolicyCheck> Checks { get; init; } = [];

    /// <summary>The hooks per stage, in order (YAML command lists first, then a discovered script).</summary>
    public IReadOnlyDictionary<PolicyHookStage, IReadOnlyList<PolicyCommand>> Hooks { get; init; } =
        new Dictionary<PolicyHookStage, IReadOnlyList<PolicyCommand>>();

    /// <summary>The most attempts.</summary>
    /// <value>Default 1.</value>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>How long one agent run may take; unlimited when <see langword="null"/>.</summary>
    public TimeSpan? AttemptTimeout { get; init; }

    /// <summary>How long the whole run may take (the original's <c>retry.timeout_seconds</c>, now enforced).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long one hook may take.</summary>
    /// <value>Default 10 minutes.</value>
    public TimeSpan HookTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Delay between attempts.</summary>
    public PolicyBackoff Backoff { get; init; } = new();

    /// <summary>The seed form's escalation rule, if any.</summary>
    public PolicyEscalation? Escalation { get; init; }

    /// <summary>The original form's escalation runners (<c>retry.escalation</c>): attempt i uses <c>[base, ...these][min(i-1, len-1)]</c>.</summary>
    public IReadOnlyList<PolicyRunner> EscalationRunners { get; init; } = [];

    /// <summary>Where the agent, hooks and checks run.</summary>
    public PolicyWorkspace Workspace { get; init; } = new();

    /// <summary>Returns the hooks of a stage.</summary>
    public IReadOnlyList<PolicyCommand> HooksFor(PolicyHookStage stage) =>
        Hooks.TryGetValue(stage, out var commands) ? commands : [];
}

/// <summary>A runner as written in a policy: any provider string (checked when the run starts), a model and extra CLI arguments.</summary>
public sealed class PolicyRunner
{
    /// <summary>The provider.</summary>
    public required string Provider { get; init; }

    /// <summary>The model, or <see langword="null"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Extra CLI arguments; <see langword="null"/> uses the configured ones.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <inheritdoc />
    public override string ToString() => Model is null ? Provider : $"{Provider}/{Model}";
}

/// <summary>One check: a command whose exit code 0 means passed.</summary>
public sealed class PolicyCheck
{
    /// <summary>The name.</summary>
    public required string Name { get; init; }

    /// <summary>The command, as written.</summary>
    public required PolicyCommand Command { get; init; }

    /// <summary>What a failure does.</summary>
    /// <value>Default <see cref="CheckFailureAction.Retry"/>.</value>
    public CheckFailureAction OnFail { get; init; } = CheckFailureAction.Retry;

    /// <summary>How long the check may take; unlimited when <see langword="null"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>What a failing check does.</summary>
public enum CheckFailureAction
{
    /// <summary>Try again with the failure fed back to the agent.</summary>
    Retry,

    /// <summary>End the run as failed at once.</summary>
    Fail,

    /// <summary>Escalate at once (switch runner/model, or stop as needs_attention).</summary>
    Escalate,

    /// <summary>Record the failure and go on.</summary>
    Ignore,
}

/// <summary>The hook stages.</summary>
public enum PolicyHookStage
{
    /// <summary>Once, before the first attempt.</summary>
    Init,

    /// <summary>Before each attempt.</summary>
    BeforeAttempt,

    /// <summary>After each attempt's checks, whatever their outcome.</summary>
    AfterAttempt,

    /// <summary>When the run succeeded.</summary>
    OnSuccess,

    /// <summary>When the run failed, timed out, was cancelled or needs attention.</summary>
    OnFailure,
}

/// <summary>A hook or check command.</summary>
public sealed class PolicyCommand
{
    /// <summary>The command as written (for a discovered script, its file name).</summary>
    public required string Text { get; init; }

    /// <summary>The script file when the command is a hook script discovered beside policy.yaml; run directly, not through a shell.</summary>
    public string? ScriptPath { get; init; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>Delay between attempts: exponential with a cap and jitter.</summary>
public sealed class PolicyBackoff
{
    /// <summary>The first delay.</summary>
    /// <value>Default zero (no delay, as the original).</value>
    public TimeSpan Initial { get; init; } = TimeSpan.Zero;

    /// <summary>The largest delay.</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan Max { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The growth factor.</summary>
    /// <value>Default 2.</value>
    public double Factor { get; init; } = 2;

    /// <summary>Whether to add random jitter.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Jitter { get; init; } = true;
}

/// <summary>The seed form's escalation: after N failed attempts, switch runner or model, or stop as needs_attention.</summary>
public sealed class PolicyEscalation
{
    /// <summary>The number of failed attempts that triggers it.</summary>
    public required int AfterFailedAttempts { get; init; }

    /// <summary>The runner to switch to.</summary>
    public PolicyRunner? Runner { get; init; }

    /// <summary>The model to switch to, keeping the provider.</summary>
    public string? Model { get; init; }

    /// <summary>Whether to stop the run as needs_attention instead.</summary>
    public bool StopNeedsAttention { get; init; }
}

/// <summary>Where a run executes.</summary>
public sealed class PolicyWorkspace
{
    /// <summary>The mode.</summary>
    public WorkspaceMode Mode { get; init; } = WorkspaceMode.InPlace;

    /// <summary>Whether a worktree is kept when the run did not succeed.</summary>
    public bool KeepOnFailure { get; init; }
}

/// <summary>Where a run executes.</summary>
public enum WorkspaceMode
{
    /// <summary>In the project directory.</summary>
    InPlace,

    /// <summary>In a detached git worktree made for the run and removed afterwards.</summary>
    Worktree,
}
