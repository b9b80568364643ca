using Conduit.Configuration;
using Conduit.Configuration.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

#pragma warning disable IDE0130 // extension methods live in the namespace of IServiceCollection, as Microsoft.Extensions does
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the effective configuration and the options bound from it.</summary>
public static class ConduitConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="configuration"/>, its <see cref="ProjectRegistry"/>, and options bound from it and
    /// validated on start: <see cref="ConduitOptions"/>, <see cref="ConduitServerOptions"/>,
    /// <see cref="ConduitQueueOptions"/>, <see cref="ConduitThrottlingOptions"/>, <see cref="ConduitRequestControlOptions"/>,
    /// <see cref="ConduitStoreOptions"/>, <see cref="ConduitRunsOptions"/>, <see cref="ConduitPriceOptions"/>, and
    /// <see cref="ConduitRunnerOptions"/> named by provider (<c>IOptionsMonitor&lt;ConduitRunnerOptions&gt;.Get("codex")</c>).
    /// Calling it again is harmless: the first configuration stays.
    /// </summary>
    public static IServiceCollection AddConduitConfiguration(this IServiceCollection services, ConduitConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(ConduitConfiguration)))
        {
            return services;
        }

        var settings = configuration.Settings;
        services.TryAddSingleton(configuration);
        services.TryAddSingleton(new ProjectRegistry(configuration));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConduitOptions>, ConduitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConduitServerOptions>, ConduitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConduitQueueOptions>, ConduitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConduitThrottlingOptions>, ConduitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConduitStoreOptions>, ConduitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConduitRunsOptions>, ConduitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConduitRunnerOptions>, ConduitOptionsValidator>());

        services.AddOptionsWithValidateOnStart<ConduitOptions>().Configure(o =>
        {
            o.DefaultRunner = settings.DefaultRunner;
            o.StateDirectory = settings.StateDirectory;
        });
        services.AddOptionsWithValidateOnStart<ConduitServerOptions>().Configure(o =>
        {
            o.Port = settings.Server.Port;
            o.Host = settings.Server.Host;
            o.AllowInit = settings.Server.AllowInit;
            o.Debug = settings.Server.Debug;
            o.EnableDocs = settings.Server.EnableDocs;
        });
        services.AddOptionsWithValidateOnStart<ConduitQueueOptions>().Configure(o =>
        {
            o.MaxQueuedRuns = settings.Server.Queue.MaxQueuedRuns;
            o.MaxActiveRuns = settings.Server.Queue.MaxActiveRuns;
        });
        services.AddOptionsWithValidateOnStart<ConduitThrottlingOptions>().Configure(o =>
        {
            o.Enabled = settings.Server.Throttling.Enabled;
            o.Window = TimeSpan.FromMilliseconds(settings.Server.Throttling.WindowMilliseconds);
            o.MaxRequests = settings.Server.Throttling.MaxRequests;
            o.Key = settings.Server.Throttling.Key;
        });
        services.AddOptionsWithValidateOnStart<ConduitRequestControlOptions>().Configure(o =>
        {
            o.WorkingDirectory = settings.Server.RequestControls.WorkingDirectory;
            o.Database = settings.Server.RequestControls.Database;
            o.Args = settings.Server.RequestControls.Args;
        });
        services.AddOptionsWithValidateOnStart<ConduitStoreOptions>().Configure(o =>
        {
            o.Provider = settings.Store.Provider;
            o.ConnectionString = settings.Store.EffectiveConnectionString;
        });
        services.AddOptionsWithValidateOnStart<ConduitRunsOptions>().Configure(o => o.DefaultTimeout = settings.Runs.DefaultTimeout);
        services.AddOptions<ConduitPriceOptions>().Configure(o =>
        {
            foreach (var (model, price) in settings.Prices)
            {
                o.Models[model] = price;
            }
        });
        foreach (var runner in settings.Runners.Values)
        {
            services.AddOptionsWithValidateOnStart<ConduitRunnerOptions>(runner.Provider).Configure(o =>
            {
                foreach (var arg in runner.Args)
                {
                    o.Args.Add(arg);
                }

                o.Executable = runner.Executable;
                foreach (var (key, value) in runner.Environment)
                {
                    o.Environment[key] = value;
                }

                o.Timeout = runner.Timeout;
                o.IdleTimeout = runner.IdleTimeout;
            });
        }

        return services;
    }
}
