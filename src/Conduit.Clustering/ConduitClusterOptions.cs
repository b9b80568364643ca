namespace Conduit.Clustering;

/// <summary>
/// Options of scale-out: the PostgreSQL database the daemons share (<c>conduit.store.connectionString</c> with
/// <c>store.provider: postgres</c>) and how they watch each other (<c>conduit.cluster.checkinInterval</c>).
/// </summary>
public sealed class ConduitClusterOptions
{
    /// <summary>The Npgsql connection string of the shared database.</summary>
    /// <value>Required.</value>
    public string ConnectionString { get; set; } = "";

    /// <summary>How often a daemon records in the database that it is alive (Quartz's cluster check-in).</summary>
    /// <value>
    /// Default 7.5 seconds (Quartz's default). A daemon silent for this long plus 7.5 s (Quartz's check-in misfire
    /// threshold) is declared dead and its runs are recovered on another daemon; a run's own duration never matters.
    /// </value>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>This daemon's id in the cluster (the Quartz scheduler instance id).</summary>
    /// <value>Default <see langword="null"/>: <c>&lt;host name&gt;-&lt;pid&gt;-&lt;random&gt;</c>, new on every start.</value>
    public string? NodeId { get; set; }

    /// <summary>How long an idle daemon waits before it looks for runs submitted to another daemon.</summary>
    /// <value>Default 1 second, Quartz's minimum. A run submitted to a daemon with a free slot starts there at once.</value>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Copies the connection string and check-in interval from the configuration.</summary>
    public ConduitClusterOptions ConfigureFrom(Conduit.Configuration.ConduitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ConnectionString = settings.Store.ConnectionString ?? "";
        CheckinInterval = settings.Cluster.CheckinInterval;
        return this;
    }

    /// <summary>Throws when the options are invalid.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ConduitException("conduit.store.connectionString is required when conduit.store.provider is postgres (an Npgsql connection string, e.g. \"Host=db;Database=conduit;Username=conduit\").");
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException exception)
        {
            throw new ConduitException($"conduit.store.connectionString is not a valid PostgreSQL connection string: {exception.Message}");
        }

        if (CheckinInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new ConduitException("conduit.cluster.checkinInterval must be at least 100 ms.");
        }

        if (IdleWaitTime < TimeSpan.FromSeconds(1))
        {
            throw new ConduitException("ConduitClusterOptions.IdleWaitTime must be at least 1 second (Quartz's minimum).");
        }
    }
}
