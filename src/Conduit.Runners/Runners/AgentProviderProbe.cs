using System.Collections;
using Conduit.Runners.Processes;
using Conduit.Runners.Providers;
using Microsoft.Extensions.Options;

namespace Conduit.Runners;

/// <summary>
/// Finds each provider's CLI the way its runner starts it: the configured <see cref="AgentRunnerOptions.ExecutablePath"/>,
/// else the CLI's name on the <c>PATH</c> the child would see; then asks it for <c>--version</c> (cached per executable).
/// </summary>
internal sealed class AgentProviderProbe(IOptionsMonitor<AgentRunnerOptions> options, CliVersionProbe versions) : IAgentProviderProbe
{
    /// <summary>The environment the child inherits from; the process environment unless a test replaces it.</summary>
    internal Func<IDictionary> InheritedEnvironment { get; init; } = System.Environment.GetEnvironmentVariables;

    public async Task<AgentProviderStatus> ProbeAsync(string provider, CancellationToken cancellationToken = default)
    {
        var cli = AgentClis.For(new RunnerSpec(provider).Provider);
        var runnerOptions = options.Get(cli.Provider);
        var executable = runnerOptions.ExecutablePath ?? cli.DefaultExecutable;
        var inherited = InheritedEnvironment();
        var environment = ChildEnvironment.Build(cli.Provider, inherited, runnerOptions, null);
        string path;
        try
        {
            path = ExecutableResolver.Resolve(executable, environment.GetValueOrDefault("PATH"), Directory.GetCurrentDirectory());
        }
        catch (ChildProcessLaunchException exception)
        {
            return new AgentProviderStatus
            {
                Provider = cli.Provider,
                Executable = executable,
                Installed = false,
                InstallHint = cli.InstallHint,
                Problem = exception.Message,
            };
        }

        try
        {
            var version = await versions.GetVersionAsync(path, inherited, cli.Provider, cancellationToken).ConfigureAwait(false);
            return new AgentProviderStatus { Provider = cli.Provider, Executable = executable, Installed = true, Path = path, Version = version };
        }
        catch (ChildProcessLaunchException exception)
        {
            return new AgentProviderStatus
            {
                Provider = cli.Provider,
                Executable = executable,
                Installed = false,
                Path = path,
                InstallHint = cli.InstallHint,
                Problem = exception.Message,
            };
        }
    }
}
