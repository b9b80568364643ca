using System.Text.Json.Serialization;
using Conduit.Server.Chat;
using Conduit.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Status;

/// <summary>The operator dashboard's data: <c>GET /status/data</c> (the page polls it every 1.5 s).</summary>
internal static class StatusEndpoints
{
    public static void MapStatusEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/status/data", GetDataAsync)
            .WithTags("status")
            .WithName("getStatusData")
            .WithSummary("What the dashboard shows: queue depth, active and recent runs, chats, installed providers, requests waiting for review")
            .Produces<StatusSnapshot>();
    }

    private static async Task<IResult> GetDataAsync(HttpContext context, [FromServices] ChatThreadRegistry chats, [FromServices] ServerClock clock, [FromServices] IOptions<ConduitServerOptions> options, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var now = clock.TimeProvider.GetUtcNow();
        var orchestrator = services.GetService<IRunOrchestrator>();
        RunsSnapshot runs;
        if (orchestrator is null)
        {
            runs = new RunsSnapshot { Available = false, Queued = 0, Running = 0, Active = [], Recent = [] };
        }
        else
        {
            var active = await orchestrator.ListAsync(new RunQuery { Statuses = [RunStatus.Queued, RunStatus.Running], Limit = 500 }, cancellationToken).ConfigureAwait(false);
            var recent = await orchestrator.ListAsync(new RunQuery { Limit = 25 }, cancellationToken).ConfigureAwait(false);
            runs = new RunsSnapshot
            {
                Available = true,
                Queued = active.Runs.Count(r => r.Status == RunStatus.Queued),
                Running = active.Runs.Count(r => r.Status == RunStatus.Running),
                Active = active.Runs.Select(r => ToRunRow(r, now)).ToArray(),
                Recent = recent.Runs.Select(r => ToRunRow(r, now)).ToArray(),
            };
        }

        var factory = services.GetService<IAgentRunnerFactory>();
        var probe = services.GetRequiredService<ProviderStatusCache>();
        var providers = new List<ProviderRow>();
        foreach (var provider in factory?.Providers ?? [])
        {
            var status = await probe.GetAsync(provider, cancellationToken).ConfigureAwait(false);
            providers.Add(new ProviderRow { Provider = provider, Installed = status?.Installed, ExecutablePath = status?.Path, Version = status?.Version, InstallHint = status?.InstallHint });
        }

        ClusterSnapshot? cluster = null;
        if (services.GetService<Conduit.Policies.IRunClusterView>() is { } clusterView)
        {
            var nodes = await clusterView.GetNodesAsync(cancellationToken).ConfigureAwait(false);
            cluster = new ClusterSnapshot
            {
                Nodes = nodes.Select(n => new ClusterNodeRow { NodeId = n.NodeId, State = n.State, IsCurrent = n.IsCurrent, LastCheckInAt = n.LastCheckInAt, ActiveRunIds = n.ActiveRunIds }).ToArray(),
            };
        }

        var queue = options.Value.Queue;
        var snapshot = new StatusSnapshot
        {
            GeneratedAt = now,
            StartedAt = clock.StartedAt,
            Chats = new ChatsSnapshot
            {
                Queued = chats.QueuedCount,
                Active = chats.ActiveCount,
                MaxQueued = queue.MaxQueuedRuns,
                MaxActive = queue.MaxActiveRuns,
                Items = chats.Snapshot().Reverse().Take(25).Select(item => ToChatRow(item, now)).ToArray(),
            },
            Runs = runs,
            Cluster = cluster,
            Providers = providers,
            PendingRequests = (services.GetService<Conduit.Requests.PendingReviews>()?.ListPending() ?? []).Select(r => new PendingRequestRow
            {
                RunId = r.RunId,
                ApprovalId = r.ApprovalId,
                RequestHash = r.RequestHash,
                ExpiresAt = r.ExpiresAt,
                Review = r.Text,
            }).ToArray(),
        };
        return Results.Json(snapshot, ConduitJson.Options);
    }

    private static RunRow ToRunRow(RunRecord run, DateTimeOffset now) => new()
    {
        RunId = run.RunId,
        ProjectId = run.ProjectId,
        PolicyId = run.PolicyId,
        Status = run.Status,
        Attempt = $"{run.CurrentAttemptIndex}/{run.MaxAttempts}",
        Runner = run.Runner is { } runner ? (runner.Model is null ? runner.Provider : $"{runner.Provider}/{runner.Model}") : null,
        CreatedAt = run.CreatedAt,
        DurationMs = run.StartedAt is { } started ? (long)((run.FinishedAt ?? now) - started).TotalMilliseconds : null,
        TotalTokens = run.Usage?.TotalTokens,
        CostUsd = run.Usage?.CostUsd,
        FailureSummary = run.FailureSummary,
    };

    private static ChatRow ToChatRow(ChatItem item, DateTimeOffset now) => new()
    {
        ThreadId = item.ThreadId,
        ProjectId = item.ProjectId,
        Runner = item.Runner.ToString(),
        State = item.State.ToName(),
        Outcome = item.Result is { } result ? ServerJson.OutcomeName(result.Outcome) : null,
        CreatedAt = item.CreatedAt,
        DurationMs = item.StartedAt is { } started ? (long)((item.EndedAt ?? now) - started).TotalMilliseconds : null,
        TotalTokens = item.Result?.Usage.TotalTokens,
        CostUsd = item.Result?.Usage.CostUsd,
    };
}

/// <summary>When the server started, and its clock.</summary>
internal sealed class ServerClock
{
    public ServerClock(TimeProvider timeProvider)
    {
        TimeProvider = timeProvider;
        StartedAt = timeProvider.GetUtcNow();
    }

    public TimeProvider TimeProvider { get; }

    public DateTimeOffset StartedAt { get; }
}

internal sealed class StatusSnapshot
{
    [JsonPropertyName("generated_at")] public required DateTimeOffset GeneratedAt { get; init; }

    [JsonPropertyName("started_at")] public required DateTimeOffset StartedAt { get; init; }

    [JsonPropertyName("chats")] public required ChatsSnapshot Chats { get; init; }

    [JsonPropertyName("runs")] public required RunsSnapshot Runs { get; init; }

    /// <summary>The daemons sharing the run queue (scale-out); absent without a cluster.</summary>
    [JsonPropertyName("cluster")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ClusterSnapshot? Cluster { get; init; }

    [JsonPropertyName("providers")] public required IReadOnlyList<ProviderRow> Providers { get; init; }

    [JsonPropertyName("pending_requests")] public required IReadOnlyList<PendingRequestRow> PendingRequests { get; init; }
}

internal sealed class ClusterSnapshot
{
    [JsonPropertyName("nodes")] public required IReadOnlyList<ClusterNodeRow> Nodes { get; init; }
}

/// <summary>One daemon of the cluster: <c>alive</c>, <c>overdue</c> (missed a check-in) or <c>failed</c>.</summary>
internal sealed class ClusterNodeRow
{
    [JsonPropertyName("node_id")] public required string NodeId { get; init; }

    [JsonPropertyName("state")] public required string State { get; init; }

    [JsonPropertyName("is_current")] public required bool IsCurrent { get; init; }

    [JsonPropertyName("last_check_in_at")] public DateTimeOffset? LastCheckInAt { get; init; }

    [JsonPropertyName("active_run_ids")] public required IReadOnlyList<string> ActiveRunIds { get; init; }
}

internal sealed class ChatsSnapshot
{
    [JsonPropertyName("queued")] public required int Queued { get; init; }

    [JsonPropertyName("active")] public required int Active { get; init; }

    [JsonPropertyName("max_queued")] public int? MaxQueued { get; init; }

    [JsonPropertyName("max_active")] public int? MaxActive { get; init; }

    [JsonPropertyName("items")] public required IReadOnlyList<ChatRow> Items { get; init; }
}

internal sealed class RunsSnapshot
{
    /// <summary>Whether this daemon has an orchestrator (runs lane) at all.</summary>
    [JsonPropertyName("available")] public required bool Available { get; init; }

    [JsonPropertyName("queued")] public required int Queued { get; init; }

    [JsonPropertyName("running")] public required int Running { get; init; }

    [JsonPropertyName("active")] public required IReadOnlyList<RunRow> Active { get; init; }

    [JsonPropertyName("recent")] public required IReadOnlyList<RunRow> Recent { get; init; }
}

internal sealed class RunRow
{
    [JsonPropertyName("run_id")] public required string RunId { get; init; }

    [JsonPropertyName("project_id")] public required string ProjectId { get; init; }

    [JsonPropertyName("policy_id")] public required string PolicyId { get; init; }

    [JsonPropertyName("status")] public required RunStatus Status { get; init; }

    /// <summary><c>current/max</c> attempts.</summary>
    [JsonPropertyName("attempt")] public required string Attempt { get; init; }

    [JsonPropertyName("runner")] public string? Runner { get; init; }

    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("duration_ms")] public long? DurationMs { get; init; }

    [JsonPropertyName("total_tokens")] public long? TotalTokens { get; init; }

    [JsonPropertyName("cost_usd")] public decimal? CostUsd { get; init; }

    [JsonPropertyName("failure_summary")] public string? FailureSummary { get; init; }
}

internal sealed class ChatRow
{
    [JsonPropertyName("thread_id")] public required string ThreadId { get; init; }

    [JsonPropertyName("project_id")] public string? ProjectId { get; init; }

    [JsonPropertyName("runner")] public required string Runner { get; init; }

    [JsonPropertyName("state")] public required string State { get; init; }

    [JsonPropertyName("outcome")] public string? Outcome { get; init; }

    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("duration_ms")] public long? DurationMs { get; init; }

    [JsonPropertyName("total_tokens")] public long? TotalTokens { get; init; }

    [JsonPropertyName("cost_usd")] public decimal? CostUsd { get; init; }
}

internal sealed class ProviderRow
{
    [JsonPropertyName("provider")] public required string Provider { get; init; }

    [JsonPropertyName("installed")] public bool? Installed { get; init; }

    [JsonPropertyName("executable_path")] public string? ExecutablePath { get; init; }

    [JsonPropertyName("version")] public string? Version { get; init; }

    [JsonPropertyName("install_hint")] public string? InstallHint { get; init; }
}

/// <summary>A conduit request waiting for a review decision (approve or deny with POST /requests/{run_id}/approve|deny).</summary>
internal sealed class PendingRequestRow
{
    [JsonPropertyName("run_id")] public required string RunId { get; init; }

    [JsonPropertyName("approval_id")] public required string ApprovalId { get; init; }

    [JsonPropertyName("request_hash")] public required string RequestHash { get; init; }

    [JsonPropertyName("expires_at")] public required DateTimeOffset ExpiresAt { get; init; }

    [JsonPropertyName("review")] public required string Review { get; init; }
}
