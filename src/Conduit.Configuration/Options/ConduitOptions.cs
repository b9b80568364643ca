namespace Conduit.Configuration.Options;

/// <summary>General settings: <c>conduit.defaultRunner</c> and <c>conduit.stateDir</c>.</summary>
public sealed class ConduitOptions
{
    /// <summary><c>conduit.defaultRunner</c>. <value>Default: <c>claude</c>.</value></summary>
    public string DefaultRunner { get; set; } = AgentProviders.Claude;

    /// <summary><c>conduit.stateDir</c>, absolute. <value>Default: empty until bound; the loader's default is <c>$CONDUIT_HOME</c>.</value></summary>
    public string StateDirectory { get; set; } = string.Empty;
}

/// <summary><c>conduit.server</c> (without the nested queue, throttling and request controls).</summary>
public sealed class ConduitServerOptions
{
    /// <summary><c>port</c>; 0 picks a free port. <value>Default: 8888.</value></summary>
    public int Port { get; set; } = 8888;

    /// <summary><c>host</c>. <value>Default: <c>127.0.0.1</c>.</value></summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary><c>allowInit</c>. <value>Default: false.</value></summary>
    public bool AllowInit { get; set; }

    /// <summary><c>debug</c>. <value>Default: true.</value></summary>
    public bool Debug { get; set; } = true;

    /// <summary><c>enableDocs</c>. <value>Default: true.</value></summary>
    public bool EnableDocs { get; set; } = true;
}

/// <summary><c>conduit.server.queue</c>.</summary>
public sealed class ConduitQueueOptions
{
    /// <summary><c>maxQueuedRuns</c>; null for no limit. <value>Default: null.</value></summary>
    public int? MaxQueuedRuns { get; set; }

    /// <summary><c>maxActiveRuns</c>; null for no limit. <value>Default: null.</value></summary>
    public int? MaxActiveRuns { get; set; }
}

/// <summary><c>conduit.server.throttling</c>.</summary>
public sealed class ConduitThrottlingOptions
{
    /// <summary><c>enabled</c>. <value>Default: false.</value></summary>
    public bool Enabled { get; set; }

    /// <summary><c>windowMs</c> as a time span. <value>Default: 60 seconds.</value></summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><c>maxRequests</c> per window. <value>Default: 60.</value></summary>
    public int MaxRequests { get; set; } = 60;

    /// <summary><c>key</c>. <value>Default: <see cref="ThrottlingKey.Ip"/>.</value></summary>
    public ThrottlingKey Key { get; set; } = ThrottlingKey.Ip;
}

/// <summary><c>conduit.server.requestControls</c>.</summary>
public sealed class ConduitRequestControlOptions
{
    /// <summary><c>cwd</c>. <value>Default: disabled.</value></summary>
    public RequestControlMode WorkingDirectory { get; set; }

    /// <summary><c>db</c>. <value>Default: disabled.</value></summary>
    public RequestControlMode Database { get; set; }

    /// <summary><c>args</c>. <value>Default: disabled.</value></summary>
    public RequestControlMode Args { get; set; }
}

/// <summary><c>conduit.store</c>.</summary>
public sealed class ConduitStoreOptions
{
    /// <summary><c>provider</c>. <value>Default: <c>sqlite</c>.</value></summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The effective connection string. <value>Default: <c>Data Source=&lt;stateDir&gt;/db.sqlite</c> once bound.</value></summary>
    public string ConnectionString { get; set; } = string.Empty;
}

/// <summary><c>conduit.runs</c>.</summary>
public sealed class ConduitRunsOptions
{
    /// <summary><c>defaultTimeout</c>; null for no limit. <value>Default: null.</value></summary>
    public TimeSpan? DefaultTimeout { get; set; }
}

/// <summary><c>conduit.prices</c>.</summary>
public sealed class ConduitPriceOptions
{
    /// <summary>Model name to price. <value>Default: empty.</value></summary>
    public IDictionary<string, ModelPrice> Models { get; } = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
}

/// <summary><c>conduit.runners.&lt;provider&gt;</c>, registered as named options (the name is the provider).</summary>
public sealed class ConduitRunnerOptions
{
    /// <summary><c>args</c>. <value>Default: empty.</value></summary>
    public IList<string> Args { get; } = [];

    /// <summary><c>executable</c>; null for the provider's usual command. <value>Default: null.</value></summary>
    public string? Executable { get; set; }

    /// <summary><c>env</c>; a null value removes an inherited variable. <value>Default: empty.</value></summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary><c>timeout</c>; null for no limit. <value>Default: null.</value></summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary><c>idleTimeout</c>; null for no limit. <value>Default: null.</value></summary>
    public TimeSpan? IdleTimeout { get; set; }
}
