using Conduit;
using Conduit.Runners;
using Conduit.Runners.Parsing;
using Conduit.Runners.Pricing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Conduit's agent runners.</summary>
public static class ConduitServiceCollectionExtensions
{
    /// <summary>
    /// Registers the four runners as keyed <see cref="IAgentRunner"/> services (key: the provider name),
    /// an <see cref="IAgentRunnerFactory"/>, an unkeyed <see cref="IAgentRunner"/> that dispatches on
    /// <see cref="AgentRequest.Runner"/>, <see cref="AgentRunnerOptions"/> per provider (validated on start) and the
    /// <see cref="PriceTable"/> options. Calling it again is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures runners, e.g. <c>b =&gt; b.ConfigureRunner("codex", o =&gt; o.ExecutablePath = "/opt/codex")</c>.</param>
    /// <returns>A builder for further configuration.</returns>
    public static ConduitRunnerBuilder AddConduit(this IServiceCollection services, Action<ConduitRunnerBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CliVersionProbe>();
        services.TryAddSingleton<CodexThreadUsageLedger>();
        services.TryAddSingleton<AgentRunnerServices>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentRunnerOptions>, AgentRunnerOptionsValidator>());
        services.AddOptions<PriceTable>();
        foreach (var provider in AgentProviders.All)
        {
            services.AddOptions<AgentRunnerOptions>(provider).ValidateOnStart();
        }

        services.TryAddKeyedSingleton<IAgentRunner, ClaudeCodeRunner>(AgentProviders.Claude);
        services.TryAddKeyedSingleton<IAgentRunner, CodexRunner>(AgentProviders.Codex);
        services.TryAddKeyedSingleton<IAgentRunner, GeminiRunner>(AgentProviders.Gemini);
        services.TryAddKeyedSingleton<IAgentRunner, CursorAgentRunner>(AgentProviders.Cursor);
        services.TryAddSingleton<IAgentRunnerFactory, KeyedAgentRunnerFactory>();
        services.TryAddSingleton<IAgentRunner, DispatchingAgentRunner>();
        services.TryAddSingleton<IAgentProviderProbe, AgentProviderProbe>();

        var builder = new ConduitRunnerBuilder(services);
        configure?.Invoke(builder);
        return builder;
    }
}
