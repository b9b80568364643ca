namespace Conduit.Policies;

/// <summary>Turns a <see cref="RunSubmission"/> into the queued <see cref="RunRecord"/> every orchestrator stores.</summary>
internal static class RunSubmissions
{
    /// <summary>
    /// Resolves the project, loads the policy and picks the base runner (requested, else the policy's, else
    /// <paramref name="defaultRunner"/>); unknown projects, policies and providers fail here, before anything is stored.
    /// </summary>
    public static async Task<RunRecord> CreateQueuedAsync(
        RunSubmission submission, IProjectResolver projects, string defaultRunner, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var projectPath = await projects.ResolveAsync(submission.ProjectId, cancellationToken).ConfigureAwait(false)
            ?? throw new Conduit.Configuration.ProjectNotFoundException(submission.ProjectId, []);
        var policy = PolicyLoader.Load(projectPath, submission.PolicyId, submission.ProjectId);
        var baseRunner = submission.RequestedRunner is { } requested
            ? RunnerRef.From(requested)
            : policy.Runner is { } policyRunner
                ? new RunnerRef { Provider = policyRunner.Provider, Model = policyRunner.Model }
                : RunnerRef.From(RunnerSpec.Parse(defaultRunner));
        _ = new RunnerSpec(baseRunner.Provider, baseRunner.Model); // unknown providers fail here, before anything is stored
        return new RunRecord
        {
            RunId = "run_" + Guid.NewGuid().ToString("D"),
            ProjectId = submission.ProjectId,
            PolicyId = submission.PolicyId,
            TaskId = policy.TaskId,
            Status = RunStatus.Queued,
            Input = submission.Input.DeepClone().AsObject(),
            Runner = baseRunner,
            RequestedRunner = submission.RequestedRunner is { } r ? RunnerRef.From(r) : null,
            ExternalRef = submission.ExternalRef,
            IdempotencyKey = submission.IdempotencyKey,
            Metadata = submission.Metadata?.DeepClone().AsObject(),
            CreatedAt = timeProvider.GetUtcNow(),
            MaxAttempts = submission.MaxAttempts ?? policy.MaxAttempts,
            ProjectPath = projectPath,
            TimeoutSeconds = submission.Timeout?.TotalSeconds,
        };
    }
}
