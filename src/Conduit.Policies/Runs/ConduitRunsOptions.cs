namespace Conduit.Policies;

/// <summary>Options of execution mode: where state lives and how many runs may queue and run.</summary>
public sealed class ConduitRunsOptions
{
    /// <summary>The state directory (<c>db.sqlite</c>, <c>runs/</c>, <c>worktrees/</c>).</summary>
    /// <value>Required.</value>
    public string StateDirectory { get; set; } = "";

    /// <summary>The most runs executing at once (<c>conduit.server.queue.maxActiveRuns</c>); unlimited when <see langword="null"/>.</summary>
    public int? MaxActiveRuns { get; set; }

    /// <summary>The most runs waiting (<c>conduit.server.queue.maxQueuedRuns</c>); unlimited when <see langword="null"/>.</summary>
    public int? MaxQueuedRuns { get; set; }

    /// <summary>The runner of policies that name none (<c>conduit.defaultRunner</c>).</summary>
    /// <value>Default <c>claude</c>.</value>
    public string DefaultRunner { get; set; } = "claude";

    /// <summary>How long a provider is paused after it answered with a rate limit; doubles on each further limit.</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan RateLimitPause { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest provider pause.</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan MaxRateLimitPause { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many rate-limited agent runs one attempt may retry before it counts as failed.</summary>
    /// <value>Default 5.</value>
    public int MaxRateLimitRetries { get; set; } = 5;

    /// <summary>Whether this orchestrator executes queued runs. A CLI that only submits and inspects sets it to <see langword="false"/>.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool ExecuteRuns { get; set; } = true;

    /// <summary>
    /// When set, this orchestrator executes only these runs (the CLI's <c>runs start --wait</c> executes its own run and
    /// leaves the rest of the queue to the daemon).
    /// </summary>
    public IReadOnlyCollection<string>? ExecuteOnlyRunIds { get; set; }

    /// <summary>Throws when the options are invalid.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            throw new ConduitException("ConduitRunsOptions.StateDirectory is required (conduit.stateDir).");
        }

        if (MaxActiveRuns is < 1)
        {
            throw new ConduitException("conduit.server.queue.maxActiveRuns must be at least 1.");
        }

        if (MaxQueuedRuns is < 1)
        {
            throw new ConduitException("conduit.server.queue.maxQueuedRuns must be at least 1.");
        }

        if (!RunnerSpec.TryParse(DefaultRunner, out _))
        {
            throw new UnknownProviderException(DefaultRunner);
        }
    }
}

/// <summary>Maps a project id to its directory (the project registry of the configuration).</summary>
public interface IProjectResolver
{
    /// <summary>Returns the project's absolute path, or <see langword="null"/> when the id is unknown.</summary>
    ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default);
}
