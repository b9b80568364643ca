using System.CommandLine;
using System.Text.Json.Nodes;
using Conduit.Cli.Daemon;
using Conduit.Cli.Hosting;
using Conduit.Configuration;

namespace Conduit.Cli.Runs;

/// <summary>
/// How the original-compatible <c>runs create|get|watch|cancel</c> reach runs: over HTTP when a daemon answers
/// <c>GET /healthz</c> at <c>--base-url</c>, otherwise in this process on the same state directory.
/// </summary>
internal abstract class RunsTransport : IAsyncDisposable
{
    /// <summary>Where the daemon was looked for.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Whether runs go through a daemon (false: in this process).</summary>
    public abstract bool IsDaemon { get; }

    /// <summary>
    /// Picks the transport: the daemon at <c>--base-url</c> when it is healthy (sending the token from
    /// <c>--token-file</c> when given), else in-process.
    /// </summary>
    public static async Task<RunsTransport> ConnectAsync(CliEnvironment environment, ParseResult parseResult, string? stateDirectoryOption, CancellationToken cancellationToken)
    {
        var configuration = ConduitConfigurationLoader.Load(CliConfiguration.LoadOptions(environment));
        var baseUrl = DaemonAddress.Resolve(parseResult, configuration.Settings);
        var client = new DaemonClient(baseUrl, DaemonTokenFile.ReadToken(parseResult, environment));
        if (await client.IsHealthyAsync(cancellationToken).ConfigureAwait(false))
        {
            return new HttpRunsTransport(client) { BaseUrl = baseUrl };
        }

        client.Dispose();
        return new InProcessRunsTransport(environment, stateDirectoryOption) { BaseUrl = baseUrl };
    }

    /// <summary>Submits a run; returns the <c>POST /runs</c> answer (<c>{run_id, status, project_id, policy_id, url, events_url}</c>).</summary>
    public abstract Task<JsonObject> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken);

    /// <summary>Reads a run (and its attempts); <see cref="RunNotFoundException"/> or the daemon's 404 when unknown.</summary>
    public abstract Task<RunSnapshot> GetAsync(string runId, bool includeAttempts, CancellationToken cancellationToken);

    /// <summary>Cancels a run; false when it had already ended.</summary>
    public abstract Task<bool> CancelAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes sure the run executes while it is watched. The daemon executes its runs; in-process, this process claims
    /// the run when it is still queued (and cancels it when the watch is interrupted).
    /// </summary>
    public virtual Task ExecuteWhileWatchingAsync(string runId, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();
}
