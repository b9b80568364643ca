using Conduit.Configuration;
using Conduit.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Conduit.Cli.Commands;

internal static partial class ServeCommand
{
    /// <summary>
    /// The daemon's runs lane: the orchestrator configured from <c>conduit.stateDir</c>, the queue limits and the project
    /// registry, created when the daemon starts (so runs left running by a crash are recovered at once) and disposed
    /// when it stops (in-flight runs are then marked interrupted).
    /// </summary>
    static partial void AddRunServices(IServiceCollection services, ConduitConfiguration configuration)
    {
        services.AddSingleton<IProjectResolver>(new ConfigurationProjectResolver(new ProjectRegistry(configuration)));
        if (configuration.Settings.Store.Provider == "postgres")
        {
            // Scale-out: this daemon joins the run cluster on PostgreSQL (docs/scale-out.md).
            services.AddConduitClusteredRuns(
                options => options.ConfigureFrom(configuration.Settings),
                cluster => cluster.ConfigureFrom(configuration.Settings));
        }
        else
        {
            services.AddConduitRuns(options => options.ConfigureFrom(configuration.Settings));
        }

        services.AddHostedService<RunOrchestratorStartup>();
    }

    private sealed class RunOrchestratorStartup(IRunOrchestrator orchestrator) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(orchestrator);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
