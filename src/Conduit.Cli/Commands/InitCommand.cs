using System.CommandLine;
using Conduit.Cli.Hosting;
using Conduit.Policies;

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit init [--preset basic] [--check id]… [--hook id]… [--runner comp|provider/model] [--project-id id] [--yes]
/// [--force] [--json]</c>: installs, then makes the current directory a project with the policy <c>default.v1</c>
/// (see <see cref="ProjectInitializer"/>). On a terminal without <c>--yes</c> it asks for what the flags did not give.
/// </summary>
internal static class InitCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var preset = new Option<string>("--preset") { Description = "The preset giving the default runner, hooks and checks.", DefaultValueFactory = _ => "basic" };
        var checks = new Option<string[]>("--check") { Description = "A check component (repeatable); replaces the preset's checks.", AllowMultipleArgumentsPerToken = false };
        var hooks = new Option<string[]>("--hook") { Description = "A hook component to add (repeatable)." };
        var runner = new Option<string?>("--runner") { Description = "A runner component (codex-gpt-5-3) or provider[/model]." };
        var projectId = new Option<string?>("--project-id") { Description = "The project id (default: .conduit/config.yaml's, else the folder name)." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Ask nothing; take the defaults." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing .conduit/policies/default.v1." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("init", "Make the current directory a Conduit project with the policy default.v1 (installs first).")
        {
            preset, checks, hooks, runner, projectId, yes, force, json,
        };
        command.SetAction((parse, cancellationToken) => RunsCommands.Guard(environment, async () =>
        {
            var configuration = CliConfiguration.TryLoad(environment, includeProjectFile: false);
            if (configuration is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var install = InstallCommand.Options(environment, configuration, force: false);
            var options = new ProjectInitOptions
            {
                ProjectPath = environment.WorkingDirectory,
                StateDirectory = install.StateDirectory,
                GlobalConfigPath = install.GlobalConfigPath,
                Preset = parse.GetValue(preset) ?? "basic",
                Checks = parse.GetResult(checks) is null ? null : parse.GetValue(checks),
                Hooks = parse.GetValue(hooks) ?? [],
                Runner = parse.GetValue(runner),
                ProjectId = parse.GetValue(projectId),
                Force = parse.GetValue(force),
                HomeDirectory = environment.GetEnvironmentVariable("HOME"),
                TimeProvider = environment.TimeProvider,
            };
            if (environment.IsInputTerminal && !parse.GetValue(yes))
            {
                // The components are read from the state directory, so install before asking.
                await ConduitInstaller.InstallAsync(install, cancellationToken).ConfigureAwait(false);
                options = Ask(environment, options);
            }

            var result = await ProjectInitializer.InitializeAsync(options, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                CliConfiguration.WriteJson(environment, ProjectInitializer.ToJson(result));
            }
            else
            {
                WriteText(environment.Out, result);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Asks on the terminal (prompts on stderr) for each choice the flags left open; an empty answer keeps the default.</summary>
    private static ProjectInitOptions Ask(CliEnvironment environment, ProjectInitOptions options)
    {
        var presetDefaults = ComponentCatalog.LoadPreset(options.StateDirectory, options.Preset);
        var components = ComponentCatalog.LoadComponents(options.StateDirectory);
        var prompt = environment.Error;

        string Question(string question, ComponentKind kind, string defaultAnswer)
        {
            prompt.WriteLine();
            foreach (var component in components.Where(c => c.Kind == kind))
            {
                prompt.WriteLine($"  {component.Id,-20} {component.Description}");
            }

            prompt.Write($"{question} [{defaultAnswer}]: ");
            prompt.Flush();
            var answer = environment.In.ReadLine()?.Trim();
            return string.IsNullOrEmpty(answer) ? defaultAnswer : answer;
        }

        static string[] List(string answer) => answer is "" or "-" or "none"
            ? []
            : answer.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var runner = options.Runner ?? Question("Runner (a component or provider/model)", ComponentKind.Runner, presetDefaults.Runner ?? "claude");
        var checks = options.Checks ?? List(Question("Checks (comma-separated, - for none)", ComponentKind.Check, string.Join(",", presetDefaults.Checks)));
        var hooks = options.Hooks.Count > 0 ? options.Hooks : List(Question($"Hooks to add to the preset's ({string.Join(", ", presetDefaults.Hooks)}), comma-separated", ComponentKind.Hook, "-"));
        string? projectId = options.ProjectId;
        if (projectId is null)
        {
            var suggested = Conduit.Configuration.ProjectConfigurationEditor.ReadProjectId(ProjectInitializer.LocalConfigPath(options.ProjectPath))
                ?? ProjectInitializer.DefaultProjectId(options.ProjectPath);
            prompt.Write($"Project id [{suggested}]: ");
            prompt.Flush();
            var answer = environment.In.ReadLine()?.Trim();
            projectId = string.IsNullOrEmpty(answer) ? suggested : answer;
        }

        return new ProjectInitOptions
        {
            ProjectPath = options.ProjectPath,
            StateDirectory = options.StateDirectory,
            GlobalConfigPath = options.GlobalConfigPath,
            Preset = options.Preset,
            Checks = checks,
            Hooks = hooks,
            Runner = runner,
            ProjectId = projectId,
            Force = options.Force,
            HomeDirectory = options.HomeDirectory,
            TimeProvider = options.TimeProvider,
        };
    }

    private static void WriteText(TextWriter output, ProjectInitResult result)
    {
        output.WriteLine($"project_id: {result.ProjectId}");
        output.WriteLine($"project_path: {result.ProjectPath}");
        output.WriteLine($"policy_id: {result.PolicyId}");
        output.WriteLine($"policy_dir: {result.PolicyDirectory}");
        output.WriteLine($"runner: {result.Runner}");
        output.WriteLine($"hooks: {(result.Hooks.Count == 0 ? "(none)" : string.Join(", ", result.Hooks))}");
        output.WriteLine($"checks: {(result.Checks.Count == 0 ? "(none)" : string.Join(", ", result.Checks))}");
        output.WriteLine($"local_config_path: {result.LocalConfigPath}");
        output.WriteLine($"global_config_path: {result.GlobalConfigPath}");
        output.WriteLine($"created_local_config: {InstallCommand.Bool(result.CreatedLocalConfig)}");
        output.WriteLine($"created_policy: {InstallCommand.Bool(result.CreatedPolicy)}");
        InstallCommand.WriteText(output, result.InstalledGlobalState, "installed_global_state.");
        output.WriteLine($"next: conduit runs start --project {result.ProjectId} --policy {result.PolicyId} --wait");
    }
}
