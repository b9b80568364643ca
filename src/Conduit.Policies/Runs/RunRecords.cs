using System.Text.Json.Nodes;

namespace Conduit.Policies;

/// <summary>Copies of immutable run records with some fields changed.</summary>
internal static class RunRecords
{
    public static RunRecord Copy(
        RunRecord run,
        RunStatus? status = null,
        DateTimeOffset? startedAt = null,
        DateTimeOffset? finishedAt = null,
        DateTimeOffset? cancelRequestedAt = null,
        string? failureSummary = null,
        int? currentAttemptIndex = null,
        AgentUsage? usage = null,
        string? taskId = null,
        RunnerRef? runner = null,
        int? maxAttempts = null,
        string? projectPath = null,
        JsonObject? input = null,
        string? workspacePath = null,
        string? runRecordPath = null,
        ResolvedProjectRef? resolvedProject = null) => new()
        {
            RunId = run.RunId,
            ProjectId = run.ProjectId,
            PolicyId = run.PolicyId,
            TaskId = taskId ?? run.TaskId,
            Status = status ?? run.Status,
            Input = input ?? run.Input,
            Runner = runner ?? run.Runner,
            RequestedRunner = run.RequestedRunner,
            ExternalRef = run.ExternalRef,
            IdempotencyKey = run.IdempotencyKey,
            Metadata = run.Metadata,
            CreatedAt = run.CreatedAt,
            StartedAt = startedAt ?? run.StartedAt,
            FinishedAt = finishedAt ?? run.FinishedAt,
            MaxAttempts = maxAttempts ?? run.MaxAttempts,
            CurrentAttemptIndex = currentAttemptIndex ?? run.CurrentAttemptIndex,
            CancelRequestedAt = cancelRequestedAt ?? run.CancelRequestedAt,
            FailureSummary = failureSummary ?? run.FailureSummary,
            Usage = usage ?? run.Usage,
            ProjectPath = projectPath ?? run.ProjectPath,
            ResolvedProject = resolvedProject ?? run.ResolvedProject,
            TimeoutSeconds = run.TimeoutSeconds,
            WorkspacePath = workspacePath ?? run.WorkspacePath,
            RunRecordPath = runRecordPath ?? run.RunRecordPath,
        };
}
