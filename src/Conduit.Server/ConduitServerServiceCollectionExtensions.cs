using Conduit.Server.Chat;
using Conduit.Server.FanOut;
using Conduit.Server.Lifecycle;
using Conduit.Server.Security;
using Conduit.Server.Status;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Conduit.Server;

/// <summary>Registers the daemon's services. The runners (<see cref="IAgentRunnerFactory"/>) and, for the runs lane, an <see cref="IRunOrchestrator"/> are registered by their own packages.</summary>
public static class ConduitServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the daemon's services for <paramref name="options"/>: validated now (invalid options throw
    /// <see cref="OptionsValidationException"/>), the auth token file loaded or created, throttling, OpenAPI,
    /// the chat thread registry and graceful shutdown.
    /// </summary>
    public static IServiceCollection AddConduitServer(this IServiceCollection services, ConduitServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var result = new ConduitServerOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(ConduitServerOptions), typeof(ConduitServerOptions), result.Failures);
        }

        services.AddSingleton<IOptions<ConduitServerOptions>>(Options.Create(options));
        services.AddSingleton(new ServerAuth(options.AuthTokenFile is { } tokenFile ? AuthTokenFile.LoadOrCreate(tokenFile) : null));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServerClock>();
        services.TryAddSingleton<ChatThreadRegistry>();
        services.TryAddSingleton<FanOutRegistry>();
        services.AddConduitFanOut();
        services.TryAddSingleton<Requests.RequestRunRegistry>();
        services.TryAddSingleton(sp => new ProviderStatusCache(sp.GetRequiredService<TimeProvider>(), sp.GetService<IAgentProviderProbe>()));
        services.AddHostedService<ServerShutdownService>();
        services.Configure<JsonOptions>(json => json.SerializerOptions.MaxDepth = options.MaxJsonDepth);
        services.AddConduitRateLimiting(options);
        services.AddConduitOpenApi();
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
            compression.MimeTypes = ["text/plain"];
        });
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host => host.ShutdownTimeout = options.ShutdownGracePeriod + TimeSpan.FromSeconds(15));
        return services;
    }

    /// <summary>The token file the server uses, or <see langword="null"/> when auth is off.</summary>
    public static AuthTokenFile? GetConduitAuthToken(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredService<ServerAuth>().Token;
    }
}
