using System.CommandLine;
using System.Text.Json;
using Conduit.Cli.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Cli.Commands;

/// <summary><c>conduit doctor</c>: each provider's CLI found or not, its path and version.</summary>
internal static class DoctorCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("doctor", "Show which agent CLIs are installed, where, and which version.") { json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.TryLoad(environment);
            if (configuration is null)
            {
                return ExitCodes.ConfigurationError;
            }

            await using var services = CliServices.Build(environment, configuration);
            var probe = services.GetRequiredService<IAgentProviderProbe>();
            var statuses = await Task.WhenAll(AgentProviders.All.Select(p => probe.ProbeAsync(p, cancellationToken))).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                environment.Out.WriteLine(JsonSerializer.Serialize(statuses, ConduitJson.Options));
            }
            else
            {
                foreach (var status in statuses)
                {
                    environment.Out.WriteLine(status.Installed
                        ? $"{status.Provider,-7} ok        {status.Path} ({status.Version ?? "version unknown"})"
                        : $"{status.Provider,-7} missing   {status.Executable}: install with `{status.InstallHint}`");
                }
            }

            return statuses.Any(s => s.Installed) ? ExitCodes.Success : ExitCodes.ProviderNotInstalled;
        });
        return command;
    }
}
