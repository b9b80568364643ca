using Conduit.Cli.Hosting;
using Conduit.Configuration;
using Conduit.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Cli.Requests;

/// <summary>
/// The services a <c>conduit request</c> command runs on: the configured runners (for <c>agent.chat</c>) and the
/// request processor, its state in <c>conduit.stateDir</c> and its allowed root the working directory.
/// </summary>
internal sealed class RequestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private RequestHost(CliEnvironment environment, ServiceProvider services)
    {
        Environment = environment;
        _services = services;
        Processor = services.GetRequiredService<RequestProcessor>();
    }

    public CliEnvironment Environment { get; }

    public RequestProcessor Processor { get; }

    /// <summary>Builds the host, or writes the configuration error and returns null.</summary>
    public static RequestHost? TryCreate(CliEnvironment environment)
    {
        var configuration = CliConfiguration.TryLoad(environment);
        if (configuration is null)
        {
            return null;
        }

        var services = CliServices.Build(environment, configuration, s => s.AddConduitRequests(options => Configure(options, environment, configuration)));
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return new RequestHost(environment, services);
        }
        catch (OptionsValidationException exception)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            services.Dispose();
            return null;
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static void Configure(ConduitRequestsOptions options, CliEnvironment environment, ConduitConfiguration configuration)
    {
        options.StateDirectory = configuration.Settings.StateDirectory;
        options.AllowedRoots = [environment.WorkingDirectory];
    }
}
