using Conduit;
using Conduit.Runners;
using Conduit.Runners.Pricing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the runners registered by <see cref="ConduitServiceCollectionExtensions.AddConduit"/>.</summary>
public sealed class ConduitRunnerBuilder
{
    internal ConduitRunnerBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures one provider's <see cref="AgentRunnerOptions"/> (same as <c>services.Configure&lt;AgentRunnerOptions&gt;(provider, configure)</c>).</summary>
    /// <exception cref="UnknownProviderException">The provider is not a known one.</exception>
    public ConduitRunnerBuilder ConfigureRunner(string provider, Action<AgentRunnerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var spec = new RunnerSpec(provider);
        Services.Configure(spec.Provider, configure);
        return this;
    }

    /// <summary>Configures the prices used to estimate cost where a CLI reports none.</summary>
    public ConduitRunnerBuilder ConfigurePrices(Action<PriceTable> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}
