using System.Text.Json.Nodes;
using Conduit.Cli.Hosting;

namespace Conduit.Cli.Runs;

/// <summary>The runs commands in this process, on the state directory a daemon would use (no daemon answers).</summary>
internal sealed class InProcessRunsTransport(CliEnvironment environment, string? stateDirectoryOption) : RunsTransport
{
    private RunsContext? _context;

    public override bool IsDaemon => false;

    /// <summary>The state directory the runs live in.</summary>
    public string StateDirectory => Context.StateDirectory;

    private RunsContext Context => _context ??= RunsContext.Create(environment, stateDirectoryOption);

    public override async Task<JsonObject> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        var resolved = new RunSubmission
        {
            ProjectId = Context.Projects.ProjectIdFor(submission.ProjectId),
            PolicyId = submission.PolicyId,
            Input = submission.Input,
            Metadata = submission.Metadata,
            ExternalRef = submission.ExternalRef,
            IdempotencyKey = submission.IdempotencyKey,
            RequestedRunner = submission.RequestedRunner,
            MaxAttempts = submission.MaxAttempts,
            Timeout = submission.Timeout,
        };
        var run = await Context.Orchestrator.SubmitAsync(resolved, cancellationToken).ConfigureAwait(false);
        var url = $"/runs/{Uri.EscapeDataString(run.RunId)}";
        return new JsonObject
        {
            ["run_id"] = run.RunId,
            ["status"] = run.Status.ToName(),
            ["project_id"] = run.ProjectId,
            ["policy_id"] = run.PolicyId,
            ["url"] = url,
            ["events_url"] = url + "/events",
        };
    }

    public override async Task<RunSnapshot> GetAsync(string runId, bool includeAttempts, CancellationToken cancellationToken)
    {
        var run = await Context.Orchestrator.GetAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
        var attempts = includeAttempts ? await Context.Orchestrator.GetAttemptsAsync(runId, cancellationToken).ConfigureAwait(false) : null;
        // The daemon's shape, output URLs included, so that scripts read the same JSON whichever way the CLI went.
        return new RunSnapshot { Run = run, Attempts = attempts, Json = Server.Runs.RunJson.Create(run, attempts) };
    }

    public override Task<bool> CancelAsync(string runId, CancellationToken cancellationToken) => Context.Orchestrator.CancelAsync(runId, cancellationToken);

    public override async Task ExecuteWhileWatchingAsync(string runId, CancellationToken cancellationToken)
    {
        // An orchestrator that may execute just this run: it claims it if it is (or becomes) queued here.
        if (_context is not null)
        {
            await _context.DisposeAsync().ConfigureAwait(false);
        }

        _context = RunsContext.Create(environment, stateDirectoryOption, executeOnly: [runId]);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync().ConfigureAwait(false);
        }
    }
}
