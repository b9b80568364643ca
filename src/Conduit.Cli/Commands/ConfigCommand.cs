using System.CommandLine;
using System.Text.Json.Nodes;
using Conduit.Cli.Hosting;
using Conduit.Configuration;

namespace Conduit.Cli.Commands;

/// <summary><c>conduit config show [--origin] [--json]</c> and <c>conduit config validate [FILE]</c>.</summary>
internal static class ConfigCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("config", "Show or check the configuration (global $CONDUIT_HOME/config.yaml, project .conduit/config.yaml).");
        command.Subcommands.Add(CreateShow(environment));
        command.Subcommands.Add(CreateValidate(environment));
        return command;
    }

    private static Command CreateShow(CliEnvironment environment)
    {
        var origin = new Option<bool>("--origin") { Description = "Show where each value came from: default, global file, project file or flag." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("show", "Print the effective configuration.") { origin, json };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.TryLoad(environment);
            if (configuration is null)
            {
                return Task.FromResult(ExitCodes.ConfigurationError);
            }

            var withOrigins = parseResult.GetValue(origin);
            if (parseResult.GetValue(json))
            {
                var document = configuration.ToJson();
                document["files"] = new JsonObject
                {
                    ["global"] = configuration.GlobalFile,
                    ["project"] = configuration.ProjectFile,
                };
                if (withOrigins)
                {
                    document["origins"] = new JsonObject(configuration.Origins
                        .OrderBy(o => o.Key, StringComparer.Ordinal)
                        .Select(o => KeyValuePair.Create(o.Key, (JsonNode?)JsonValue.Create(o.Value.ToString()))));
                }

                CliConfiguration.WriteJson(environment, document);
            }
            else
            {
                environment.Out.WriteLine($"# global file: {configuration.GlobalFile ?? $"(none; would be {configuration.GlobalFilePath})"}");
                environment.Out.WriteLine($"# project file: {configuration.ProjectFile ?? "(none)"}");
                environment.Out.Write(configuration.ToYaml(withOrigins));
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command CreateValidate(CliEnvironment environment)
    {
        var file = new Argument<string?>("FILE")
        {
            Description = "A configuration file to check on its own. Without it, the global and project files in effect are checked.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("validate", "Check configuration files against the schema; print every problem with file, line and column.") { file };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file);
            if (path is null)
            {
                var configuration = CliConfiguration.TryLoad(environment);
                if (configuration is null)
                {
                    return Task.FromResult(ExitCodes.ConfigurationError);
                }

                if (configuration.Files.Count == 0)
                {
                    environment.Out.WriteLine("no configuration files; the built-in defaults apply");
                }

                foreach (var checkedFile in configuration.Files)
                {
                    environment.Out.WriteLine($"{checkedFile}: valid");
                }

                return Task.FromResult(ExitCodes.Success);
            }

            var options = CliConfiguration.LoadOptions(environment);
            var fullPath = ConfigurationPaths.Expand(path, environment.WorkingDirectory, ConduitConfigurationLoader.ResolveHomeDirectory(options));
            var role = ConduitConfigurationLoader.RoleOf(fullPath, ConduitConfigurationLoader.ResolveConduitHome(options));
            var diagnostics = ConduitConfigurationLoader.ValidateFile(fullPath, role);
            foreach (var diagnostic in diagnostics)
            {
                CliConfiguration.WriteError(environment, diagnostic.ToString());
            }

            if (diagnostics.Count > 0)
            {
                return Task.FromResult(ExitCodes.ConfigurationError);
            }

            environment.Out.WriteLine($"{fullPath}: valid ({role.ToString().ToLowerInvariant()} file)");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
