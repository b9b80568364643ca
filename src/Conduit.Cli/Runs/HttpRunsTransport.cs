using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Cli.Daemon;

namespace Conduit.Cli.Runs;

/// <summary>The runs commands over the daemon's HTTP API (<c>POST /runs</c>, <c>GET /runs/{id}</c>, <c>POST /runs/{id}/cancel</c>).</summary>
internal sealed class HttpRunsTransport(DaemonClient client) : RunsTransport
{
    public override bool IsDaemon => true;

    public override Task<JsonObject> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["project_id"] = submission.ProjectId,
            ["policy_id"] = submission.PolicyId,
            ["input"] = submission.Input.DeepClone(),
        };
        if (submission.RequestedRunner is { } runner)
        {
            body["requested_runner"] = new JsonObject { ["provider"] = runner.Provider, ["model"] = runner.Model };
        }

        if (submission.Timeout is { } timeout)
        {
            body["timeout_seconds"] = (int)Math.Ceiling(timeout.TotalSeconds);
        }

        if (submission.MaxAttempts is { } maxAttempts)
        {
            body["max_attempts"] = maxAttempts;
        }

        if (submission.ExternalRef is not null)
        {
            body["external_ref"] = submission.ExternalRef;
        }

        if (submission.Metadata is not null)
        {
            body["metadata"] = submission.Metadata.DeepClone();
        }

        return client.CreateRunAsync(body, cancellationToken);
    }

    public override async Task<RunSnapshot> GetAsync(string runId, bool includeAttempts, CancellationToken cancellationToken)
    {
        var json = await client.GetRunAsync(runId, includeAttempts, cancellationToken).ConfigureAwait(false);
        var run = json.Deserialize<RunRecord>(ConduitJson.Options) ?? throw new JsonException($"GET /runs/{runId} answered null.");
        var attempts = includeAttempts ? json["attempts"]?.Deserialize<List<AttemptRecord>>(ConduitJson.Options) ?? [] : null;
        return new RunSnapshot { Run = run, Attempts = attempts, Json = json };
    }

    public override async Task<bool> CancelAsync(string runId, CancellationToken cancellationToken)
    {
        var answer = await client.CancelRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return answer["canceled"]?.GetValue<bool>() ?? false;
    }

    public override ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
