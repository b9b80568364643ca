using Conduit.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conduit.Cli.Hosting;

/// <summary>
/// The services a command runs on: the effective configuration, the runners configured from it, and logging to
/// stderr (off unless <c>CONDUIT_LOG_LEVEL</c> is set, e.g. to <c>Debug</c>).
/// </summary>
internal static class CliServices
{
    public static ServiceProvider Build(CliEnvironment environment, ConduitConfiguration configuration, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(environment.TimeProvider);
        services.AddLogging(logging =>
        {
            var level = environment.GetEnvironmentVariable("CONDUIT_LOG_LEVEL");
            if (Enum.TryParse<LogLevel>(level, ignoreCase: true, out var minimum))
            {
                logging.SetMinimumLevel(minimum);
                logging.AddSimpleConsole(o => o.SingleLine = true);
                logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            }
            else
            {
                logging.SetMinimumLevel(LogLevel.None);
            }
        });
        services.AddConduit().UseConfiguration(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
