using Conduit;
using Conduit.FanOut;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the fan-out.</summary>
public static class FanOutServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AgentFanOut"/> as a singleton over the registered <see cref="IAgentRunnerFactory"/> (see
    /// <c>AddConduit</c>) and, when one is registered, the <see cref="IRunOrchestrator"/> for policy tasks. Calling it
    /// again is harmless.
    /// </summary>
    public static IServiceCollection AddConduitFanOut(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new AgentFanOut(
            sp.GetRequiredService<IAgentRunnerFactory>(),
            sp.GetService<IRunOrchestrator>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<AgentFanOut>>()));
        return services;
    }
}
