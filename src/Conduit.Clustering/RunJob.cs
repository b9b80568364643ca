using Quartz;
using Quartz.Extensibility;

namespace Conduit.Clustering;

/// <summary>The Quartz job of one run (its key is the run id): executes the run on the daemon Quartz fired it on.</summary>
internal sealed class RunJob(ClusteredRunOrchestrator orchestrator) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        await orchestrator.ExecuteJobAsync(context.JobDetail.Key.Name, context.Recovering, CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>Creates <see cref="RunJob"/>s bound to this daemon's orchestrator.</summary>
internal sealed class RunJobFactory(ClusteredRunOrchestrator orchestrator) : IJobFactory
{
    public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new JobScope(new RunJob(orchestrator), null));

    public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
