using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Runners;

/// <summary>Resolves runners registered as keyed <see cref="IAgentRunner"/> services by provider name.</summary>
internal sealed class KeyedAgentRunnerFactory(IServiceProvider services) : IAgentRunnerFactory
{
    public IReadOnlyList<string> Providers { get; } =
        AgentProviders.All.Where(p => services.GetKeyedService<IAgentRunner>(p) is not null).ToArray();

    public IAgentRunner GetRunner(RunnerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return services.GetKeyedService<IAgentRunner>(spec.Provider) ?? throw new UnknownProviderException(spec.Provider);
    }
}

/// <summary>The unkeyed <see cref="IAgentRunner"/>: runs each request with the runner of its provider.</summary>
internal sealed class DispatchingAgentRunner(IAgentRunnerFactory factory) : IAgentRunner
{
    public IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return factory.GetRunner(request.Runner).StreamAsync(request, cancellationToken);
    }
}
