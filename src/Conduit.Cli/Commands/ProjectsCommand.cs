using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conduit.Cli.Hosting;
using Conduit.Configuration;
using Conduit.Policies;

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit projects list|get|add|remove</c>: the project registry in the global file. Other files add subcommands
/// (e.g. <c>projects policies</c>) by implementing <see cref="AddSubcommands"/> in another part of this class.
/// </summary>
internal static partial class ProjectsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("projects", "List and edit the project registry (conduit.projects in $CONDUIT_HOME/config.yaml).");
        command.Subcommands.Add(CreateList(environment));
        command.Subcommands.Add(CreateGet(environment));
        command.Subcommands.Add(CreateAdd(environment));
        command.Subcommands.Add(CreateRemove(environment));
        AddSubcommands(command, environment);
        return command;
    }

    /// <summary>Adds more subcommands to <c>projects</c>; implement it in another file (<c>partial class ProjectsCommand</c>).</summary>
    static partial void AddSubcommands(Command projects, CliEnvironment environment);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectIdPattern();

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON." };

    private static Command CreateList(CliEnvironment environment)
    {
        var json = JsonOption();
        var command = new Command("list", "List projects as <id><TAB><path> lines.") { json };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.TryLoad(environment);
            if (configuration is null)
            {
                return Task.FromResult(ExitCodes.ConfigurationError);
            }

            var projects = new ProjectRegistry(configuration).Projects;
            if (parseResult.GetValue(json))
            {
                CliConfiguration.WriteJson(environment, new JsonArray(projects.Select(p => (JsonNode?)ToJson(p)).ToArray()));
            }
            else
            {
                foreach (var project in projects)
                {
                    environment.Out.WriteLine($"{project.Id}\t{project.Path}");
                }
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command CreateGet(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The project id." };
        var json = JsonOption();
        var command = new Command("get", "Show one project.") { id, json };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.TryLoad(environment);
            if (configuration is null)
            {
                return Task.FromResult(ExitCodes.ConfigurationError);
            }

            RegisteredProject project;
            try
            {
                project = new ProjectRegistry(configuration).Get(parseResult.GetValue(id)!);
            }
            catch (ProjectNotFoundException exception)
            {
                CliConfiguration.WriteError(environment, exception.Message);
                return Task.FromResult(ExitCodes.UsageError);
            }

            if (parseResult.GetValue(json))
            {
                var answer = ToJson(project);
                answer["default_branch"] = GitHead.Branch(project.Path);
                CliConfiguration.WriteJson(environment, answer);
            }
            else
            {
                environment.Out.WriteLine($"project_id: {project.Id}");
                environment.Out.WriteLine($"path: {project.Path}");
                if (GitHead.Branch(project.Path) is { } branch)
                {
                    environment.Out.WriteLine($"default_branch: {branch}");
                }
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command CreateAdd(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The project id (letters, digits, '.', '_', '-')." };
        var path = new Argument<string>("path") { Description = "The project's root directory (must exist; relative to the current directory)." };
        var json = JsonOption();
        var command = new Command("add", "Register a project in the global file.") { id, path, json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var projectId = parseResult.GetValue(id)!;
            if (!ProjectIdPattern().IsMatch(projectId))
            {
                CliConfiguration.WriteError(environment, $"\"{projectId}\" is not a valid project id (use letters, digits, '.', '_' and '-', starting with a letter or digit)");
                return ExitCodes.UsageError;
            }

            var configuration = CliConfiguration.TryLoad(environment, includeProjectFile: false);
            if (configuration is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var home = ConduitConfigurationLoader.ResolveHomeDirectory(configuration.LoadOptions);
            var projectPath = ConfigurationPaths.Expand(parseResult.GetValue(path)!, environment.WorkingDirectory, home).TrimEnd('/');
            if (projectPath.Length == 0)
            {
                projectPath = "/";
            }

            if (!Directory.Exists(projectPath))
            {
                CliConfiguration.WriteError(environment, $"the directory does not exist: {projectPath}");
                return ExitCodes.UsageError;
            }

            ProjectAddOutcome outcome;
            try
            {
                outcome = await GlobalConfigurationEditor.AddProjectAsync(configuration.GlobalFilePath, projectId, projectPath, cancellationToken).ConfigureAwait(false);
            }
            catch (ConfigurationFileException exception)
            {
                CliConfiguration.WriteError(environment, exception.Message);
                return ExitCodes.ConfigurationError;
            }

            if (parseResult.GetValue(json))
            {
                var document = ToJson(new RegisteredProject { Id = projectId, Path = projectPath, Origin = ConfigurationOrigin.Default });
                document["added"] = outcome == ProjectAddOutcome.Added;
                document["config_path"] = configuration.GlobalFilePath;
                CliConfiguration.WriteJson(environment, document);
            }
            else
            {
                environment.Out.WriteLine($"{(outcome == ProjectAddOutcome.Added ? "added" : "already registered")} {projectId}\t{projectPath}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRemove(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The project id." };
        var command = new Command("remove", "Remove a project from the global file (its directory is not touched).") { id };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.TryLoad(environment, includeProjectFile: false);
            if (configuration is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var projectId = parseResult.GetValue(id)!;
            bool removed;
            try
            {
                removed = await GlobalConfigurationEditor.RemoveProjectAsync(configuration.GlobalFilePath, projectId, cancellationToken).ConfigureAwait(false);
            }
            catch (ConfigurationFileException exception)
            {
                CliConfiguration.WriteError(environment, exception.Message);
                return ExitCodes.ConfigurationError;
            }

            if (!removed)
            {
                CliConfiguration.WriteError(environment, new ProjectNotFoundException(projectId, [.. configuration.Settings.Projects.Keys.Order(StringComparer.Ordinal)]).Message);
                return ExitCodes.UsageError;
            }

            environment.Out.WriteLine($"removed {projectId}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static JsonObject ToJson(RegisteredProject project) => new()
    {
        ["project_id"] = project.Id,
        ["path"] = project.Path,
    };
}
