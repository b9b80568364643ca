using Conduit.Cli.Hosting;
using Conduit.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Cli.Runs;

/// <summary>An in-process orchestrator for the CLI's <c>runs</c> commands (the daemon transport comes later).</summary>
internal sealed class RunsContext : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private RunsContext(ServiceProvider services, string stateDirectory, CliProjectResolver projects)
    {
        _services = services;
        StateDirectory = stateDirectory;
        Projects = projects;
        Orchestrator = services.GetRequiredService<IRunOrchestrator>();
    }

    public IRunOrchestrator Orchestrator { get; }

    public string StateDirectory { get; }

    public CliProjectResolver Projects { get; }

    /// <summary>The state dir: <c>--state-dir</c>, else <c>$CONDUIT_STATE_DIR</c>, else <c>$HOME/.conduit</c>.</summary>
    public static string ResolveStateDirectory(CliEnvironment environment, string? option)
    {
        var value = option ?? environment.GetEnvironmentVariable("CONDUIT_STATE_DIR");
        if (!string.IsNullOrWhiteSpace(value))
        {
            return Path.GetFullPath(value, environment.WorkingDirectory);
        }

        var home = environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".conduit");
    }

    /// <summary>The state dir: <c>--state-dir</c>, else <c>$CONDUIT_STATE_DIR</c>, else the configuration's <c>conduit.stateDir</c>.</summary>
    public static string ResolveStateDirectory(CliEnvironment environment, string? option, Conduit.Configuration.ConduitConfiguration configuration) =>
        option is null && environment.GetEnvironmentVariable("CONDUIT_STATE_DIR") is null
            ? configuration.Settings.StateDirectory
            : ResolveStateDirectory(environment, option);

    /// <summary>Creates the context. <paramref name="executeOnly"/> lets this process execute just those runs.</summary>
    public static RunsContext Create(CliEnvironment environment, string? stateDirectoryOption, IReadOnlyCollection<string>? executeOnly = null)
    {
        var configuration = Conduit.Configuration.ConduitConfigurationLoader.Load(CliConfiguration.LoadOptions(environment));
        var stateDirectory = ResolveStateDirectory(environment, stateDirectoryOption, configuration);
        var projects = new CliProjectResolver(environment.WorkingDirectory, stateDirectory, environment.GetEnvironmentVariable("HOME"))
        {
            Registry = new Conduit.Configuration.ProjectRegistry(configuration),
        };
        var services = new ServiceCollection();
        if (environment.AgentRunnerFactory is { } runners)
        {
            services.AddSingleton(runners);
        }
        else
        {
            // The real runners, configured from conduit.runners.<provider> (executable, args, environment, timeouts).
            services.AddConduit().UseConfiguration(configuration);
        }

        services.AddSingleton<IProjectResolver>(projects);
        services.AddSingleton(environment.TimeProvider);
        void ConfigureRuns(ConduitRunsOptions options)
        {
            options.ConfigureFrom(configuration.Settings);
            options.StateDirectory = stateDirectory;
            options.ExecuteRuns = executeOnly is not null;
            options.ExecuteOnlyRunIds = executeOnly;
        }

        if (configuration.Settings.Store.Provider == "postgres")
        {
            // A client of the run cluster: it submits and inspects runs; the daemons execute them.
            services.AddConduitClusteredRuns(ConfigureRuns, cluster => cluster.ConfigureFrom(configuration.Settings));
        }
        else
        {
            services.AddConduitRuns(ConfigureRuns);
        }
        return new RunsContext(services.BuildServiceProvider(), stateDirectory, projects);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
