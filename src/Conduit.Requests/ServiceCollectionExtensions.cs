using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conduit.Requests;

/// <summary>Registers the request protocol.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RequestProcessor"/> (singleton) with validated <see cref="ConduitRequestsOptions"/>.
    /// Optional services used when registered: <see cref="TimeProvider"/>, <see cref="IRequestProcessRunner"/>,
    /// <see cref="IAgentRunnerFactory"/> (for <c>agent.chat</c>), <see cref="IRunOrchestrator"/> (for <c>runs.start</c>).
    /// Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddConduitRequests(this IServiceCollection services, Action<ConduitRequestsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ConduitRequestsOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConduitRequestsOptions>, ConduitRequestsOptionsValidator>());
        services.TryAddSingleton(sp => new RequestProcessor(
            sp.GetRequiredService<IOptions<ConduitRequestsOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<IRequestProcessRunner>(),
            sp.GetService<IAgentRunnerFactory>(),
            sp.GetService<IRunOrchestrator>(),
            sp.GetService<ILogger<RequestProcessor>>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<RequestProcessor>().Sessions);
        services.TryAddSingleton(sp => new PendingReviews(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
