using Conduit.Clustering;
using Conduit.Policies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers scale-out: several daemons share one run queue.</summary>
public static class ClusteringServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="Conduit.IRunOrchestrator"/> as a member of a run cluster on PostgreSQL (Quartz.NET clustered
    /// job store), and <see cref="IRunClusterView"/>; use instead of <c>AddConduitRuns()</c>. Needs an
    /// <see cref="Conduit.IAgentRunnerFactory"/> (<c>AddConduit()</c>) and an <see cref="IProjectResolver"/>. Options are
    /// validated when the orchestrator is first resolved; resolving it joins the cluster.
    /// </summary>
    public static IServiceCollection AddConduitClusteredRuns(
        this IServiceCollection services,
        Action<ConduitRunsOptions>? configureRuns = null,
        Action<ConduitClusterOptions>? configureCluster = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var runs = services.AddOptions<ConduitRunsOptions>();
        if (configureRuns is not null)
        {
            runs.Configure(configureRuns);
        }

        runs.Validate(options =>
        {
            options.Validate();
            return true;
        });
        var cluster = services.AddOptions<ConduitClusterOptions>();
        if (configureCluster is not null)
        {
            cluster.Configure(configureCluster);
        }

        cluster.Validate(options =>
        {
            options.Validate();
            return true;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new ClusteredRunOrchestrator(
            provider.GetRequiredService<IOptions<ConduitRunsOptions>>().Value,
            provider.GetRequiredService<IOptions<ConduitClusterOptions>>().Value,
            provider.GetRequiredService<Conduit.IAgentRunnerFactory>(),
            provider.GetRequiredService<IProjectResolver>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.TryAddSingleton<Conduit.IRunOrchestrator>(provider => provider.GetRequiredService<ClusteredRunOrchestrator>());
        services.TryAddSingleton<IRunClusterView>(provider => provider.GetRequiredService<ClusteredRunOrchestrator>());
        return services;
    }
}
