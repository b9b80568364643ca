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

    /// <summary>Whether YAML hook and check commands run in a login shell (<c>bash -lc</c>, as the original) or <c>bash -c</c>.</summary>
    /// <value>
    /// Default <see langword="false"/>: a login profile can be slow or hang (version managers rehashing under a lock),
    /// and a killed login shell can leave such locks behind. Write <c>bash -lc '...'</c> in a command that needs one.
    /// </value>
    public bool LoginShell { get; set; }

    /// <summary>The SQLite database file.</summary>
    /// <value>Default <c>&lt;StateDirectory&gt;/db.sqlite</c> (the original Conduit's file name).</value>
    public string? DatabasePath { get; set; }

    /// <summary>A run's time budget when neither the submission nor the policy sets one (<c>conduit.runs.defaultTimeout</c>).</summary>
    public TimeSpan? DefaultRunTimeout { get; set; }

    /// <summary>
    /// Copies the state dir, queue limits, default runner and default timeout from the configuration, and for the
    /// SQLite store the file named by <c>conduit.store.connectionString</c> (its <c>Data Source</c>; relative to the
    /// state dir).
    /// </summary>
    public ConduitRunsOptions ConfigureFrom(Conduit.Configuration.ConduitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        StateDirectory = settings.StateDirectory;
        MaxActiveRuns = settings.Server.Queue.MaxActiveRuns;
        MaxQueuedRuns = settings.Server.Queue.MaxQueuedRuns;
        DefaultRunner = settings.DefaultRunner;
        DefaultRunTimeout = settings.Runs.DefaultTimeout;
        if (settings.Store.Provider == "sqlite" && !string.IsNullOrWhiteSpace(settings.Store.ConnectionString))
        {
            DatabasePath = SqliteDataSource(settings.Store.ConnectionString, settings.StateDirectory);
        }

        return this;
    }

    private static string SqliteDataSource(string connectionString, string stateDirectory)
    {
        Microsoft.Data.Sqlite.SqliteConnectionStringBuilder builder;
        try
        {
            builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ConduitException($"conduit.store.connectionString is not a SQLite connection string: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:")
        {
            throw new ConduitException(
                $"conduit.store.connectionString must name a SQLite file (Data Source=<path>); got '{connectionString}'.");
        }

        return Path.GetFullPath(builder.DataSource, stateDirectory);
    }

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
    /// <summary>
    /// Returns the project's absolute path, or <see langword="null"/> when the id is unknown (implementations may
    /// instead throw <see cref="Conduit.Configuration.ProjectNotFoundException"/> listing the known ids).
    /// </summary>
    ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default);
}

/// <summary><see cref="IProjectResolver"/> over the configuration's <see cref="Conduit.Configuration.ProjectRegistry"/>.</summary>
public sealed class ConfigurationProjectResolver : IProjectResolver
{
    private readonly Conduit.Configuration.ProjectRegistry _registry;

    /// <summary>Creates the resolver.</summary>
    public ConfigurationProjectResolver(Conduit.Configuration.ProjectRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    /// <inheritdoc />
    /// <exception cref="Conduit.Configuration.ProjectNotFoundException">The id is not registered; the message lists the known ids.</exception>
    public ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(_registry.ResolvePath(projectId));
}
