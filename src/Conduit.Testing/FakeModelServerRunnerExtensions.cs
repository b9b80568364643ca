using Conduit;
using Conduit.Runners;
using Conduit.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Options of <see cref="FakeModelServerRunnerExtensions.UseFakeModelServer"/>.</summary>
public sealed class FakeModelRunnerOptions
{
    /// <summary>Executables per provider (<see cref="AgentProviders"/>), e.g. a CLI installed into a tools folder.</summary>
    /// <value>Default: empty; each runner keeps its configured executable (by default the command on <c>PATH</c>).</value>
    public IDictionary<string, string> ExecutablePaths { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Uses the CLIs found in <paramref name="binDirectory"/> (e.g. <c>.tools/agent-clis/node_modules/.bin</c>, where
    /// <c>scripts/install-agent-clis.sh</c> puts them): <c>claude</c>, <c>codex</c> and <c>gemini</c>, each if present.
    /// </summary>
    /// <returns>These options, for chaining.</returns>
    public FakeModelRunnerOptions UseExecutablesFrom(string binDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(binDirectory);
        foreach (var provider in FakeModelEnvironment.Providers)
        {
            var path = Path.Combine(binDirectory, provider);
            if (File.Exists(path))
            {
                ExecutablePaths[provider] = path;
            }
        }

        return this;
    }

    /// <summary>What each provider's <see cref="FakeModelEnvironment"/> is created with.</summary>
    /// <value>Default: a fresh home directory per provider, deleted when the server is disposed.</value>
    public FakeModelEnvironmentOptions Environment { get; set; } = new();
}

/// <summary>Points Conduit's runners at a <see cref="FakeModelServer"/>.</summary>
public static class FakeModelServerRunnerExtensions
{
    /// <summary>
    /// Points the Claude Code, Codex and Gemini CLI runners at <paramref name="server"/>: each gets a
    /// <see cref="FakeModelEnvironment"/> (owned by the server, deleted when it is disposed) whose variables are added
    /// to <see cref="AgentRunnerOptions.Environment"/> and whose arguments are added to
    /// <see cref="AgentRunnerOptions.DefaultArgs"/>.
    /// </summary>
    /// <remarks>
    /// Default arguments apply only to requests without their own <see cref="AgentRequest.Args"/>: a Codex request
    /// that sets <c>Args</c> must include <see cref="FakeModelEnvironment.Arguments"/> itself, else Codex talks to its
    /// real provider (and hits the refusing proxy). Cursor Agent cannot use a fake model API and is left as it is.
    /// </remarks>
    /// <example><c>services.AddConduit().UseFakeModelServer(server);</c></example>
    public static ConduitRunnerBuilder UseFakeModelServer(this ConduitRunnerBuilder builder, FakeModelServer server, Action<FakeModelRunnerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        var options = new FakeModelRunnerOptions();
        configure?.Invoke(options);
        foreach (var provider in FakeModelEnvironment.Providers)
        {
            var environment = server.CreateOwnedEnvironment(provider, options.Environment);
            options.ExecutablePaths.TryGetValue(provider, out var executable);
            builder.ConfigureRunner(provider, runner =>
            {
                environment.ApplyTo(runner);
                if (executable is not null)
                {
                    runner.ExecutablePath = executable;
                }
            });
        }

        return builder;
    }
}
