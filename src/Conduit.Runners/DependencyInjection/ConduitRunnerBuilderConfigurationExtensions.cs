using Conduit.Configuration;
using Conduit.Runners;
using Conduit.Runners.Pricing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Applies Conduit's configuration files (<c>conduit.runners.*</c>, <c>conduit.prices</c>) to the runners.</summary>
public static class ConduitRunnerBuilderConfigurationExtensions
{
    /// <summary>
    /// Loads the effective configuration (global <c>~/.conduit/config.yaml</c> or <c>$CONDUIT_HOME</c>, then the nearest
    /// project <c>.conduit/config.yaml</c> above <paramref name="workingDirectory"/>) and applies it to the runners.
    /// </summary>
    /// <exception cref="Conduit.ConfigurationFileException">A configuration file is invalid; the message names file, line and key.</exception>
    public static ConduitRunnerBuilder UseConfigurationFiles(this ConduitRunnerBuilder builder, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = ConduitConfigurationLoader.Load(new ConfigurationLoadOptions
        {
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        });
        return builder.UseConfiguration(configuration);
    }

    /// <summary>
    /// Applies an effective configuration: per provider <c>args</c> become the default arguments, <c>executable</c>,
    /// <c>env</c>, <c>timeout</c> and <c>idleTimeout</c> the runner's options; <c>prices</c> extend the price table.
    /// Also registers the configuration itself (see <c>AddConduitConfiguration</c>).
    /// </summary>
    public static ConduitRunnerBuilder UseConfiguration(this ConduitRunnerBuilder builder, ConduitConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddConduitConfiguration(configuration);
        foreach (var provider in Conduit.AgentProviders.All)
        {
            var runner = configuration.GetRunner(provider);
            builder.ConfigureRunner(provider, options => Apply(runner, options));
        }

        builder.ConfigurePrices(table =>
        {
            foreach (var (model, price) in configuration.Settings.Prices)
            {
                table.Models[model] = new Conduit.Runners.Pricing.ModelPrice
                {
                    InputPerMillion = price.InputPerMillion,
                    OutputPerMillion = price.OutputPerMillion,
                    CachedInputPerMillion = price.CachedInputPerMillion,
                };
            }
        });
        return builder;
    }

    private static void Apply(RunnerConfiguration runner, AgentRunnerOptions options)
    {
        if (runner.Executable is { } executable)
        {
            options.ExecutablePath = executable;
        }

        options.DefaultArgs.Clear();
        foreach (var arg in runner.Args)
        {
            options.DefaultArgs.Add(arg);
        }

        foreach (var (name, value) in runner.Environment)
        {
            options.Environment[name] = value;
        }

        if (runner.Timeout is { } timeout)
        {
            options.Timeout = timeout;
        }

        if (runner.IdleTimeout is { } idle)
        {
            options.IdleTimeout = idle;
        }
    }
}
