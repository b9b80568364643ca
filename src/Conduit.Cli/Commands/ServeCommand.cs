using System.CommandLine;
using Conduit.Cli.Hosting;
using Conduit.Configuration;
using Conduit.Requests;
using Conduit.Server;
using Conduit.Server.Projects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerOptions = Conduit.Server.ConduitServerOptions;

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit serve [--host] [--port] [--allow-non-loopback] [--socket PATH] [--token-file PATH]</c>: runs the daemon in
/// the foreground until Ctrl+C or SIGTERM, printing where it listens (and the token file when auth is on).
/// The runners come from <c>AddConduit()</c> configured from the configuration; the run orchestrator from <see cref="AddRunServices"/>.
/// </summary>
internal static partial class ServeCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var host = new Option<string?>("--host") { Description = "The address to listen on (default conduit.server.host, 127.0.0.1)." };
        var port = new Option<int?>("--port") { Description = "The TCP port (default conduit.server.port, 8888; 0 picks a free one)." };
        var allowNonLoopback = new Option<bool>("--allow-non-loopback") { Description = "Allow a non-loopback --host. Anyone who can reach it can run agents as you: use --token-file too." };
        var socket = new Option<string?>("--socket") { Description = "Also listen on this Unix domain socket (its directory is made private, the socket 0600)." };
        var tokenFile = new Option<string?>("--token-file") { Description = "Require a bearer token, kept in this file (created with 32 random bytes and mode 0600 if missing)." };
        var command = new Command("serve", "Run the Conduit daemon (HTTP API, status dashboard, docs) in the foreground.")
        {
            host, port, allowNonLoopback, socket, tokenFile,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.TryLoad(environment);
            if (configuration is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var options = ServerOptions.FromSettings(configuration.Settings);
            options.GlobalConfigPath = configuration.GlobalFilePath;
            options.Host = parseResult.GetValue(host) ?? options.Host;
            options.Port = parseResult.GetValue(port) ?? options.Port;
            options.AllowNonLoopback = parseResult.GetValue(allowNonLoopback);
            options.UnixSocketPath = FullPath(parseResult.GetValue(socket), environment);
            options.AuthTokenFile = FullPath(parseResult.GetValue(tokenFile), environment);
            return await RunAsync(environment, configuration, options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment environment, ConduitConfiguration configuration, ServerOptions options, CancellationToken cancellationToken)
    {
        Microsoft.AspNetCore.Builder.WebApplicationBuilder builder;
        try
        {
            builder = ConduitServer.CreateBuilder(options);
        }
        catch (OptionsValidationException exception)
        {
            foreach (var failure in exception.Failures)
            {
                CliConfiguration.WriteError(environment, failure);
            }

            return ExitCodes.UsageError;
        }
        catch (ConduitException exception)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            return ExitCodes.ConfigurationError;
        }

        if (!options.Debug)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        builder.Services.AddSingleton<IProjectDirectoryResolver>(new ConfigurationProjectDirectoryResolver(new ProjectRegistry(configuration)));
        builder.Services.AddConduit().UseConfiguration(configuration);
        builder.Services.AddConduitRequests(requests =>
        {
            // Requests share the CLI's sessions and run folders; they may touch the serve directory and registered projects.
            requests.StateDirectory = configuration.Settings.StateDirectory;
            requests.AllowedRoots = [environment.WorkingDirectory, .. new ProjectRegistry(configuration).Projects.Select(p => p.Path)];
        });
        AddRunServices(builder.Services, configuration);
        try
        {
            await ConduitServer.RunAsync(
                builder,
                addresses =>
                {
                    foreach (var address in addresses)
                    {
                        environment.Out.WriteLine($"Conduit listening on {address.ToString().TrimEnd('/')}");
                    }

                    if (options.UnixSocketPath is { } socketPath)
                    {
                        environment.Out.WriteLine($"Conduit listening on unix:{socketPath}");
                    }

                    if (options.AuthTokenFile is { } tokenPath)
                    {
                        environment.Out.WriteLine($"Auth: send \"Authorization: Bearer <token>\"; the token is in {tokenPath}");
                    }

                    environment.Out.Flush();
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            CliConfiguration.WriteError(environment, $"Cannot listen on {options.Host}:{options.Port}: {exception.Message}");
            return ExitCodes.AgentFailed;
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Registers the run orchestrator (<see cref="IRunOrchestrator"/>, <c>AddConduitRuns()</c>) for the daemon; implemented
    /// where the policies package is wired in. Without it the daemon answers 503 on /runs.
    /// </summary>
    static partial void AddRunServices(IServiceCollection services, ConduitConfiguration configuration);

    private static string? FullPath(string? path, CliEnvironment environment) =>
        path is null ? null : Path.GetFullPath(path, environment.WorkingDirectory);
}
