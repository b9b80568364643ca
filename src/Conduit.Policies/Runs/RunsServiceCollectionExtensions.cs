using Conduit.Policies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers execution mode.</summary>
public static class RunsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="Conduit.IRunOrchestrator"/> (SQLite store and event logs in the state dir). Needs an
    /// <see cref="Conduit.IAgentRunnerFactory"/> (<c>AddConduit()</c>) and an <see cref="IProjectResolver"/>.
    /// Options are validated when the orchestrator is first resolved.
    /// </summary>
    public static IServiceCollection AddConduitRuns(this IServiceCollection services, Action<ConduitRunsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<ConduitRunsOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.Validate(options =>
        {
            options.Validate();
            return true;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Conduit.IRunOrchestrator>(provider => new RunOrchestrator(
            provider.GetRequiredService<IOptions<ConduitRunsOptions>>(),
            provider.GetRequiredService<Conduit.IAgentRunnerFactory>(),
            provider.GetRequiredService<IProjectResolver>(),
            provider.GetService<TimeProvider>(),
            provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        return services;
    }
}
