namespace Conduit.FanOut;

/// <summary>
/// A fan-out: every task on every runner, <see cref="Repetitions"/> times each (a matrix of tasks x runners x
/// repetitions; one task is the common case). Each (task, runner, repetition) is one trial.
/// </summary>
public sealed class FanOutRequest
{
    /// <summary>The tasks; at least one.</summary>
    public required IReadOnlyList<FanOutTask> Tasks { get; init; }

    /// <summary>The runners; at least one, with unique <see cref="FanOutRunner.DisplayName"/>s.</summary>
    public required IReadOnlyList<FanOutRunner> Runners { get; init; }

    /// <summary>How many times each runner does each task.</summary>
    /// <value>Default 1.</value>
    public int Repetitions { get; init; } = 1;

    /// <summary>How many trials run at once.</summary>
    /// <value>Default <see langword="null"/>: all of them (the number of trials).</value>
    public int? MaxConcurrency { get; init; }

    /// <summary>The directory chat tasks run in (and whose <c>HEAD</c> the worktrees check out); the current directory when <see langword="null"/>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Where chat trials run.</summary>
    /// <value>Default <see cref="FanOutWorkspaceMode.Auto"/>: own git worktrees when the directory is a git repository.</value>
    public FanOutWorkspaceMode Workspaces { get; init; }

    /// <summary>
    /// A shell command run (<c>/bin/sh -c</c>) in each trial's workspace after its agent: exit code 0 means the trial
    /// passed. It may write a reward between 0 and 1 to the file named by <c>CONDUIT_REWARD_FILE</c> (as Harbor's
    /// verifiers do); otherwise the reward is 1 for a pass and 0 for a fail. The agent's final text is in the file
    /// named by <c>CONDUIT_FINAL_TEXT_FILE</c>.
    /// </summary>
    public string? VerifyCommand { get; init; }

    /// <summary>The most time the verifier may take.</summary>
    /// <value>Default 10 minutes.</value>
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How each task's winner is chosen; <see langword="null"/> picks none.</summary>
    public IConsensusStrategy? Consensus { get; init; }

    /// <summary>Cancel a task's remaining trials as soon as one of them passes (first-to-pass).</summary>
    public bool StopOnFirstPass { get; init; }

    /// <summary>The permission mode of chat trials; <see langword="null"/> passes none (the CLI's default).</summary>
    public AgentPermissionMode? PermissionMode { get; init; }

    /// <summary>The total time each chat trial's agent may take; the runner's default when <see langword="null"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The idle timeout of each chat trial's agent; the runner's default when <see langword="null"/>.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>The most agent turns per chat trial.</summary>
    public int? MaxTurns { get; init; }

    /// <summary>Keep the trials' worktrees instead of removing them (their paths are in the results).</summary>
    public bool KeepWorkspaces { get; init; }

    /// <summary>The number of trials: tasks x runners x repetitions.</summary>
    public int TrialCount => Tasks.Count * Runners.Count * Repetitions;

    /// <summary>
    /// The trials in the order they start: repetition first, then task, then runner (so that under a low concurrency
    /// limit every runner still starts early), with ids <c>t1</c>, <c>t2</c>, ...
    /// </summary>
    public IReadOnlyList<FanOutTrial> PlanTrials()
    {
        var trials = new List<FanOutTrial>(TrialCount);
        for (var repetition = 1; repetition <= Repetitions; repetition++)
        {
            for (var taskIndex = 0; taskIndex < Tasks.Count; taskIndex++)
            {
                foreach (var runner in Runners)
                {
                    trials.Add(new FanOutTrial
                    {
                        TrialId = "t" + (trials.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        TaskIndex = taskIndex,
                        TaskName = Tasks[taskIndex].DisplayName,
                        RunnerName = runner.DisplayName,
                        Provider = runner.Spec.Provider,
                        Model = runner.Spec.Model,
                        Repetition = repetition,
                    });
                }
            }
        }

        return trials;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Tasks);
        ArgumentNullException.ThrowIfNull(Runners);
        if (Tasks.Count == 0)
        {
            throw new ArgumentException("A fan-out needs at least one task.", nameof(Tasks));
        }

        if (Runners.Count == 0)
        {
            throw new ArgumentException("A fan-out needs at least one runner.", nameof(Runners));
        }

        for (var i = 0; i < Tasks.Count; i++)
        {
            (Tasks[i] ?? throw new ArgumentException($"Task {i + 1} is null.", nameof(Tasks))).Validate(i);
        }

        var duplicate = Runners.GroupBy(r => r.DisplayName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"Runner \"{duplicate.Key}\" appears {duplicate.Count()} times; use Repetitions to run it more than once, or give each a different Name.",
                nameof(Runners));
        }

        if (Repetitions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Repetitions), Repetitions, "Repetitions must be at least 1.");
        }

        if (MaxConcurrency is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "MaxConcurrency must be at least 1.");
        }

        if (VerifyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(VerifyTimeout), VerifyTimeout, "VerifyTimeout must be positive.");
        }

        if (VerifyCommand is not null && string.IsNullOrWhiteSpace(VerifyCommand))
        {
            throw new ArgumentException("VerifyCommand is empty.", nameof(VerifyCommand));
        }
    }
}
