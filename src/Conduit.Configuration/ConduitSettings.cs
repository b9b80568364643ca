namespace Conduit.Configuration;

/// <summary>The effective values of every key under <c>conduit:</c>, after precedence and defaults. Immutable.</summary>
public sealed class ConduitSettings
{
    /// <summary><c>conduit.defaultRunner</c>: the runner used when none is given (<c>provider</c> or <c>provider/model</c>). <value>Default: <c>claude</c>.</value></summary>
    public required string DefaultRunner { get; init; }

    /// <summary><c>conduit.stateDir</c>, absolute. <value>Default: <c>$CONDUIT_HOME</c> (<c>~/.conduit</c>).</value></summary>
    public required string StateDirectory { get; init; }

    /// <summary><c>conduit.project.id</c> from the project file; null when there is none.</summary>
    public string? ProjectId { get; init; }

    /// <summary><c>conduit.projects</c> (global file): project id to absolute path.</summary>
    public required IReadOnlyDictionary<string, string> Projects { get; init; }

    /// <summary><c>conduit.runners</c>: one entry for every provider in <see cref="AgentProviders.All"/>.</summary>
    public required IReadOnlyDictionary<string, RunnerConfiguration> Runners { get; init; }

    /// <summary><c>conduit.server</c>.</summary>
    public required ServerSettings Server { get; init; }

    /// <summary><c>conduit.prices</c>: model name to price. <value>Default: empty.</value></summary>
    public required IReadOnlyDictionary<string, ModelPrice> Prices { get; init; }

    /// <summary><c>conduit.store</c>.</summary>
    public required StoreSettings Store { get; init; }

    /// <summary><c>conduit.runs</c>.</summary>
    public required RunsSettings Runs { get; init; }

    /// <summary><c>conduit.cluster</c>: scale-out, used when <c>store.provider</c> is <c>postgres</c>.</summary>
    public required ClusterSettings Cluster { get; init; }
}

/// <summary><c>conduit.runners.&lt;provider&gt;</c>: how one provider's CLI is started.</summary>
public sealed class RunnerConfiguration
{
    /// <summary>The provider (<c>claude</c>, <c>codex</c>, <c>cursor</c>, <c>gemini</c>).</summary>
    public required string Provider { get; init; }

    /// <summary><c>args</c>: extra arguments for the CLI; args after <c>--</c> on the command line replace them. <value>Default: empty.</value></summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary><c>executable</c>: a command name or an absolute path. <value>Default: null, the provider's usual command.</value></summary>
    public string? Executable { get; init; }

    /// <summary><c>env</c>: variables set for the CLI; a null value removes an inherited variable. <value>Default: empty.</value></summary>
    public required IReadOnlyDictionary<string, string?> Environment { get; init; }

    /// <summary><c>timeout</c>: the longest one agent invocation may take. <value>Default: null, no limit.</value></summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary><c>idleTimeout</c>: the longest the CLI may go without output. <value>Default: null, no limit.</value></summary>
    public TimeSpan? IdleTimeout { get; init; }
}

/// <summary><c>conduit.server</c>: the daemon.</summary>
public sealed class ServerSettings
{
    /// <summary><c>port</c>. <value>Default: 8888.</value></summary>
    public required int Port { get; init; }

    /// <summary><c>host</c>: the address to listen on. <value>Default: <c>127.0.0.1</c>.</value></summary>
    public required string Host { get; init; }

    /// <summary><c>allowInit</c>: whether the HTTP API may initialise projects. <value>Default: false.</value></summary>
    public required bool AllowInit { get; init; }

    /// <summary><c>debug</c>: request logging. <value>Default: true.</value></summary>
    public required bool Debug { get; init; }

    /// <summary><c>enableDocs</c>: serve the OpenAPI document and docs UI. <value>Default: true.</value></summary>
    public required bool EnableDocs { get; init; }

    /// <summary><c>queue</c>.</summary>
    public required QueueSettings Queue { get; init; }

    /// <summary><c>throttling</c>.</summary>
    public required ThrottlingSettings Throttling { get; init; }

    /// <summary><c>requestControls</c>.</summary>
    public required RequestControlSettings RequestControls { get; init; }
}

/// <summary><c>conduit.server.queue</c>: limits on runs.</summary>
public sealed class QueueSettings
{
    /// <summary><c>maxQueuedRuns</c>: runs waiting at most; null for no limit. <value>Default: null.</value></summary>
    public int? MaxQueuedRuns { get; init; }

    /// <summary><c>maxActiveRuns</c>: runs executing at once at most; null for no limit. <value>Default: null.</value></summary>
    public int? MaxActiveRuns { get; init; }
}

/// <summary>What requests are counted by for throttling.</summary>
public enum ThrottlingKey
{
    /// <summary><c>ip</c>: per client address.</summary>
    Ip,

    /// <summary><c>global</c>: all requests together.</summary>
    Global,
}

/// <summary><c>conduit.server.throttling</c>: request rate limiting.</summary>
public sealed class ThrottlingSettings
{
    /// <summary><c>enabled</c>. <value>Default: false.</value></summary>
    public required bool Enabled { get; init; }

    /// <summary><c>windowMs</c>: the window in milliseconds. <value>Default: 60000.</value></summary>
    public required int WindowMilliseconds { get; init; }

    /// <summary><c>maxRequests</c> per window. <value>Default: 60.</value></summary>
    public required int MaxRequests { get; init; }

    /// <summary><c>key</c>. <value>Default: <see cref="ThrottlingKey.Ip"/>.</value></summary>
    public required ThrottlingKey Key { get; init; }
}

/// <summary>Whether a request may set a field that is normally fixed by configuration.</summary>
public enum RequestControlMode
{
    /// <summary><c>disabled</c>: the field is rejected.</summary>
    Disabled,

    /// <summary><c>read_only</c>: the field may be read (reported) but not changed.</summary>
    ReadOnly,

    /// <summary><c>read_write</c>: the request may set the field.</summary>
    ReadWrite,
}

/// <summary><c>conduit.server.requestControls</c>: which request overrides are allowed.</summary>
public sealed class RequestControlSettings
{
    /// <summary><c>cwd</c>. <value>Default: disabled.</value></summary>
    public required RequestControlMode WorkingDirectory { get; init; }

    /// <summary><c>db</c>. <value>Default: disabled.</value></summary>
    public required RequestControlMode Database { get; init; }

    /// <summary><c>args</c>. <value>Default: disabled.</value></summary>
    public required RequestControlMode Args { get; init; }
}

/// <summary><c>conduit.prices.&lt;model&gt;</c>: USD per million tokens.</summary>
public sealed class ModelPrice
{
    /// <summary><c>inputPerMillion</c>. <value>Default: 0.</value></summary>
    public decimal InputPerMillion { get; init; }

    /// <summary><c>outputPerMillion</c>. <value>Default: 0.</value></summary>
    public decimal OutputPerMillion { get; init; }

    /// <summary><c>cachedInputPerMillion</c>; null means cached input is priced as input. <value>Default: null.</value></summary>
    public decimal? CachedInputPerMillion { get; init; }
}

/// <summary><c>conduit.store</c>: where runs are stored.</summary>
public sealed class StoreSettings
{
    /// <summary>
    /// <c>provider</c>: <c>sqlite</c> (one daemon, the embedded default) or <c>postgres</c> (several daemons share one run
    /// queue; see docs/scale-out.md). <value>Default: <c>sqlite</c>.</value>
    /// </summary>
    public required string Provider { get; init; }

    /// <summary><c>connectionString</c> as configured; null for the default.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The connection string to use: the configured one, else (sqlite only) <c>Data Source=&lt;stateDir&gt;/db.sqlite</c> (the run store's file, as the original names it); postgres has no default.</summary>
    public required string EffectiveConnectionString { get; init; }
}

/// <summary><c>conduit.runs</c>: defaults for runs.</summary>
public sealed class RunsSettings
{
    /// <summary><c>defaultTimeout</c>: a run's time budget when neither request nor policy sets one. <value>Default: null, no limit.</value></summary>
    public TimeSpan? DefaultTimeout { get; init; }
}

/// <summary><c>conduit.cluster</c>: how the daemons of a scale-out cluster watch each other.</summary>
public sealed class ClusterSettings
{
    /// <summary>
    /// <c>checkinInterval</c>: how often a daemon records that it is alive; one silent for this long plus 7.5 s (Quartz's
    /// check-in misfire threshold) is declared dead and its runs are recovered elsewhere. <value>Default: 7.5 s (<c>7500ms</c>).</value>
    /// </summary>
    public required TimeSpan CheckinInterval { get; init; }
}
