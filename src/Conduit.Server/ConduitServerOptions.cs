using Conduit.Configuration;

namespace Conduit.Server;

/// <summary>
/// Settings of the daemon. They mirror the configuration keys <c>conduit.server.*</c>; the host maps the loaded
/// configuration onto this class. Validated when the server is built (<see cref="ConduitServerOptionsValidator"/>).
/// </summary>
public sealed class ConduitServerOptions
{
    /// <summary>The address to listen on: an IP address or <c>localhost</c>.</summary>
    /// <value>The default is <c>127.0.0.1</c>.</value>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (tests).</summary>
    /// <value>The default is 8888, as the original Conduit.</value>
    public int Port { get; set; } = 8888;

    /// <summary>Whether <see cref="Host"/> may be a non-loopback address. Without it such a bind is refused.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool AllowNonLoopback { get; set; }

    /// <summary>
    /// Extra values accepted in the <c>Host</c> header (e.g. <c>devbox.lan:8888</c>), for a non-loopback bind.
    /// Loopback names with the right port are always accepted.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Extra origins (<c>scheme://host:port</c>) whose browser requests are accepted. The daemon's own origin is
    /// always accepted; <c>null</c> never is.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Also (or, with <see cref="Port"/> 0 and no TCP wanted, additionally) listen on this Unix domain socket.</summary>
    /// <value>The default is none. The socket's directory is created with mode 0700 and the socket gets mode 0600.</value>
    public string? UnixSocketPath { get; set; }

    /// <summary>
    /// A file holding the bearer token every API request must send in <c>Authorization: Bearer</c>.
    /// Created with 32 random bytes and mode 0600 when missing. <see langword="null"/> turns token auth off.
    /// </summary>
    public string? AuthTokenFile { get; set; }

    /// <summary>Whether <c>/docs</c>, <c>/docs/json</c> and <c>/openapi.json</c> are served.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnableDocs { get; set; } = true;

    /// <summary>Whether chat responses carry the provider's raw stdout lines and 5xx errors their message.</summary>
    /// <value>The default is <see langword="true"/>, as the original Conduit.</value>
    public bool Debug { get; set; } = true;

    /// <summary>
    /// Whether <c>POST /chat/init</c> is served: it installs the state directory as <c>conduit install</c> does (the
    /// directory, <c>runs/</c>, the global configuration when there is none, the bundled presets and components).
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool AllowInit { get; set; }

    /// <summary>The global configuration file <c>POST /chat/init</c> creates when there is none.</summary>
    /// <value>The default is <see langword="null"/>: <c>config.yaml</c> in <see cref="StateDirectory"/>.</value>
    public string? GlobalConfigPath { get; set; }

    /// <summary>The runner used by <c>POST /chat</c> when the request names none (<c>provider</c> or <c>provider/model</c>).</summary>
    /// <value>The default is <c>claude</c>, as the original's <c>defaultRunner</c>.</value>
    public string DefaultRunner { get; set; } = AgentProviders.Claude;

    /// <summary>Limits on concurrently running and waiting chats.</summary>
    public ServerQueueOptions Queue { get; set; } = new();

    /// <summary>Request throttling of the submitting endpoints (<c>POST /chat</c>, <c>POST /runs</c>).</summary>
    public ServerThrottlingOptions Throttling { get; set; } = new();

    /// <summary>Which per-request overrides (<c>cwd</c>, <c>db</c>, <c>args</c>) a request may make.</summary>
    public RequestControlOptions RequestControls { get; set; } = new();

    /// <summary>The largest request body accepted.</summary>
    /// <value>The default is 1 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The total size of all request headers accepted.</summary>
    /// <value>The default is 16 KiB.</value>
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;

    /// <summary>The deepest nesting accepted in a JSON request body.</summary>
    /// <value>The default is 32.</value>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>On shutdown, how long in-flight chats and runs may go on before they are cancelled (chats) or interrupted (runs).</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The options for the loaded configuration: <c>conduit.server.*</c> and <c>conduit.defaultRunner</c>. Settings the
    /// configuration does not have (token file, socket, limits) keep their defaults; set them afterwards (e.g. from flags).
    /// </summary>
    public static ConduitServerOptions FromSettings(ConduitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var server = settings.Server;
        return new ConduitServerOptions
        {
            Host = server.Host,
            Port = server.Port,
            AllowInit = server.AllowInit,
            Debug = server.Debug,
            EnableDocs = server.EnableDocs,
            DefaultRunner = settings.DefaultRunner,
            StateDirectory = settings.StateDirectory,
            Queue = new ServerQueueOptions { MaxQueuedRuns = server.Queue.MaxQueuedRuns, MaxActiveRuns = server.Queue.MaxActiveRuns },
            Throttling = new ServerThrottlingOptions
            {
                Enabled = server.Throttling.Enabled,
                WindowMs = server.Throttling.WindowMilliseconds,
                MaxRequests = server.Throttling.MaxRequests,
                Key = server.Throttling.Key,
            },
            RequestControls = new RequestControlOptions
            {
                Cwd = server.RequestControls.WorkingDirectory,
                Db = server.RequestControls.Database,
                Args = server.RequestControls.Args,
            },
        };
    }

    /// <summary>
    /// Where chat turns are written, as the original Conduit: <c>chats/&lt;thread&gt;/&lt;item&gt;/{prompt.txt, stdout.log,
    /// stderr.log, final.txt, result.json}</c>; also where <c>/chat/threads</c> looks for threads it no longer holds in memory.
    /// </summary>
    /// <value>The default is <see langword="null"/>: no transcripts (<see cref="FromSettings"/> sets <c>conduit.stateDir</c>).</value>
    public string? StateDirectory { get; set; }

    /// <summary>How many finished chat threads are kept in memory for <c>/chat/threads</c> and the dashboard.</summary>
    /// <value>The default is 200.</value>
    public int MaxRetainedChatThreads { get; set; } = 200;
}

/// <summary>Chat capacity (<c>conduit.server.queue.*</c>). Runs have their own queue in the orchestrator.</summary>
public sealed class ServerQueueOptions
{
    /// <summary>The most chats waiting for a slot; further ones get 429 <c>Queue capacity exceeded</c>. <see langword="null"/> = no cap.</summary>
    public int? MaxQueuedRuns { get; set; }

    /// <summary>The most chats running at once. <see langword="null"/> = no cap.</summary>
    public int? MaxActiveRuns { get; set; }
}

/// <summary>Fixed-window throttling (<c>conduit.server.throttling.*</c>).</summary>
public sealed class ServerThrottlingOptions
{
    /// <summary>Whether throttling is on.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>The window length in milliseconds.</summary>
    /// <value>The default is 60000.</value>
    public int WindowMs { get; set; } = 60_000;

    /// <summary>The most requests per window and key.</summary>
    /// <value>The default is 60.</value>
    public int MaxRequests { get; set; } = 60;

    /// <summary>Whether the window is counted per client address or for all clients together.</summary>
    /// <value>The default is <see cref="ThrottlingKey.Ip"/>.</value>
    public ThrottlingKey Key { get; set; } = ThrottlingKey.Ip;
}

/// <summary>Per-request overrides (<c>conduit.server.requestControls.*</c>).</summary>
public sealed class RequestControlOptions
{
    /// <summary>The agent's working directory (<c>cwd</c> in the body).</summary>
    public RequestControlMode Cwd { get; set; } = RequestControlMode.Disabled;

    /// <summary>The state database (<c>db</c> in the body).</summary>
    public RequestControlMode Db { get; set; } = RequestControlMode.Disabled;

    /// <summary>The agent CLI arguments (<c>args</c> in the body).</summary>
    public RequestControlMode Args { get; set; } = RequestControlMode.Disabled;
}
