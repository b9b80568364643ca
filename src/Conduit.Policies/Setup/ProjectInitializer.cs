using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conduit.Configuration;
using YamlDotNet.RepresentationModel;

namespace Conduit.Policies;

/// <summary>
/// <c>conduit init</c>: installs (see <see cref="ConduitInstaller"/>), then writes the project's
/// <c>.conduit/policies/default.v1/</c> from a preset and components (policy.yaml in the original's form, prompt.md,
/// copies of the hook and check components under <c>hooks/&lt;id&gt;/</c> and <c>checks/&lt;id&gt;/</c>), sets
/// <c>conduit.project.id</c> in <c>.conduit/config.yaml</c> and registers the project in the global file.
/// Everything is checked before anything in the project is written.
/// </summary>
public static partial class ProjectInitializer
{
    /// <summary>The policy <c>init</c> writes.</summary>
    public const string PolicyId = "default.v1";

    /// <summary>Its task id.</summary>
    public const string TaskId = "default";

    /// <summary>The default project id for a folder: its name lowercased, every character other than a-z and 0-9 turned into <c>-</c>.</summary>
    public static string DefaultProjectId(string projectPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(projectPath))).ToLowerInvariant();
        var id = new string(name.Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-').ToArray()).Trim('-');
        return id.Length == 0 ? "project" : id;
    }

    /// <summary>The project file <c>init</c> writes: an existing <c>.conduit/config.yaml</c> or <c>.yml</c>, else <c>config.yaml</c>.</summary>
    public static string LocalConfigPath(string projectPath)
    {
        var directory = Path.Combine(projectPath, ".conduit");
        var yml = Path.Combine(directory, "config.yml");
        var yaml = Path.Combine(directory, "config.yaml");
        return !File.Exists(yaml) && File.Exists(yml) ? yml : yaml;
    }

    /// <summary>Whether the project is a git repository (a <c>.git</c> folder or file at its root).</summary>
    public static bool IsGitRepository(string projectPath) =>
        Directory.Exists(Path.Combine(projectPath, ".git")) || File.Exists(Path.Combine(projectPath, ".git"));

    /// <summary>Initializes; see the type's summary.</summary>
    /// <exception cref="ConduitException">The policy exists (without <see cref="ProjectInitOptions.Force"/>), a component is unknown or of the wrong kind, a git component was asked for outside git, or the project id is registered for another folder.</exception>
    /// <exception cref="ConfigurationFileException">The project file or the global file cannot be edited.</exception>
    public static async Task<ProjectInitResult> InitializeAsync(ProjectInitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var projectPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.ProjectPath));
        if (!Directory.Exists(projectPath))
        {
            throw new ConduitException($"The project directory does not exist: {projectPath}");
        }

        var policyDirectory = Path.Combine(PolicyLoader.PoliciesDirectory(projectPath), PolicyId);
        var policyFile = Path.Combine(policyDirectory, PolicyLoader.FileName);
        var policyExisted = File.Exists(policyFile);
        if (policyExisted && !options.Force)
        {
            throw new ConduitException($"{policyFile} already exists; pass --force to overwrite it");
        }

        var localConfig = LocalConfigPath(projectPath);
        var projectId = options.ProjectId ?? ProjectConfigurationEditor.ReadProjectId(localConfig) ?? DefaultProjectId(projectPath);
        if (!ProjectIdPattern().IsMatch(projectId))
        {
            throw new ConduitException($"\"{projectId}\" is not a valid project id (use letters, digits, '.', '_' and '-', starting with a letter or digit)");
        }

        var install = await ConduitInstaller.InstallAsync(new ConduitInstallOptions
        {
            StateDirectory = options.StateDirectory,
            GlobalConfigPath = options.GlobalConfigPath,
            TimeProvider = options.TimeProvider,
        }, cancellationToken).ConfigureAwait(false);
        var globalConfig = install.ConfigPath;
        var projectConduitDirectory = Path.Combine(projectPath, ".conduit");
        if (ConfigurationPaths.AreSame(projectConduitDirectory, Path.GetDirectoryName(globalConfig)!) || ConfigurationPaths.AreSame(projectConduitDirectory, install.StateDirectory))
        {
            throw new ConduitException($"{projectPath} holds Conduit's global directory {projectConduitDirectory}, which cannot also be a project's .conduit; run init in a project directory");
        }

        var registered = RegisteredPath(globalConfig, projectId, options.HomeDirectory);
        if (registered is not null && !ConfigurationPaths.AreSame(registered, projectPath))
        {
            throw new ConduitException(
                $"Project id \"{projectId}\" is already registered for {registered} (in {globalConfig}); {projectPath} needs another id: pass --project-id, or remove the other one with `conduit projects remove {projectId}`");
        }

        var plan = Plan(options, install.StateDirectory, projectPath);

        // Write the policy folder: component copies first, policy.yaml last.
        Directory.CreateDirectory(policyDirectory);
        foreach (var component in plan.Hooks.Concat(plan.Checks))
        {
            await CopyDirectoryAsync(component.Directory, Path.Combine(policyDirectory, FolderFor(component), component.Id), cancellationToken).ConfigureAwait(false);
        }

        if (plan.Preset.PromptFile is { } prompt)
        {
            await AtomicFile.WriteAllTextAsync(Path.Combine(policyDirectory, "prompt.md"), await File.ReadAllTextAsync(prompt, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        await AtomicFile.WriteAllTextAsync(policyFile, PolicyYaml(plan), cancellationToken).ConfigureAwait(false);
        var gitignore = Path.Combine(projectPath, ".conduit", ".gitignore");
        if (!File.Exists(gitignore))
        {
            await AtomicFile.WriteAllTextAsync(gitignore, "# Written by conduit init: per-attempt git worktrees (the worktree-from-main hook).\nworktrees/\n", cancellationToken).ConfigureAwait(false);
        }

        var createdLocalConfig = !File.Exists(localConfig);
        await ProjectConfigurationEditor.SetProjectIdAsync(localConfig, projectId, cancellationToken).ConfigureAwait(false);
        if (registered is null)
        {
            await GlobalConfigurationEditor.AddProjectAsync(globalConfig, projectId, projectPath, cancellationToken).ConfigureAwait(false);
        }

        return new ProjectInitResult
        {
            ProjectId = projectId,
            ProjectPath = projectPath,
            PolicyId = PolicyId,
            PolicyDirectory = policyDirectory,
            Runner = plan.Runner,
            Hooks = plan.Hooks.Select(h => h.Id).ToArray(),
            Checks = plan.Checks.Select(c => c.Id).ToArray(),
            LocalConfigPath = localConfig,
            GlobalConfigPath = globalConfig,
            CreatedLocalConfig = createdLocalConfig,
            CreatedPolicy = !policyExisted,
            InstalledGlobalState = install,
        };
    }

    /// <summary>The result as the original's JSON (<c>project_id</c>, <c>project_path</c>, ..., <c>installed_global_state</c>).</summary>
    public static JsonObject ToJson(ProjectInitResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["project_id"] = result.ProjectId,
            ["project_path"] = result.ProjectPath,
            ["policy_id"] = result.PolicyId,
            ["policy_dir"] = result.PolicyDirectory,
            ["runner"] = new JsonObject { ["provider"] = result.Runner.Provider, ["model"] = result.Runner.Model },
            ["hooks"] = new JsonArray(result.Hooks.Select(h => (JsonNode?)h).ToArray()),
            ["checks"] = new JsonArray(result.Checks.Select(c => (JsonNode?)c).ToArray()),
            ["local_config_path"] = result.LocalConfigPath,
            ["global_config_path"] = result.GlobalConfigPath,
            ["created_local_config"] = result.CreatedLocalConfig,
            ["created_policy"] = result.CreatedPolicy,
            ["installed_global_state"] = ConduitInstaller.ToJson(result.InstalledGlobalState),
        };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectIdPattern();

    private sealed class InitPlan
    {
        public required ConduitPreset Preset { get; init; }

        public required RunnerSpec Runner { get; init; }

        public required string? RunnerComponent { get; init; }

        public required List<ConduitComponent> Hooks { get; init; }

        public required List<ConduitComponent> Checks { get; init; }
    }

    private static InitPlan Plan(ProjectInitOptions options, string stateDirectory, string projectPath)
    {
        var preset = ComponentCatalog.LoadPreset(stateDirectory, options.Preset);
        var components = ComponentCatalog.LoadComponents(stateDirectory).ToDictionary(c => c.Id, StringComparer.Ordinal);
        var isGit = IsGitRepository(projectPath);

        ConduitComponent Find(string id, ComponentKind kind)
        {
            if (!components.TryGetValue(id, out var component))
            {
                var known = components.Values.Where(c => c.Kind == kind).Select(c => c.Id);
                throw new ConduitException($"Unknown {Name(kind)} component \"{id}\"; installed: {string.Join(", ", known)} (in {ConduitInstaller.ComponentsDirectory(stateDirectory)})");
            }

            return component.Kind == kind ? component : throw new ConduitException($"Component \"{id}\" is a {Name(component.Kind)}, not a {Name(kind)}");
        }

        // Explicit components that need git fail outside git; the preset's are dropped.
        ConduitComponent? Explicit(ConduitComponent component) => component.RequiresGit && !isGit
            ? throw new ConduitException($"{(component.Kind == ComponentKind.Hook ? "Hook" : "Check")} \"{component.Id}\" requires git, and {projectPath} is not a git repository (no .git)")
            : component;
        ConduitComponent? Default(ConduitComponent component) => component.RequiresGit && !isGit ? null : component;

        var checks = options.Checks is { } chosen
            ? chosen.Distinct(StringComparer.Ordinal).Select(id => Explicit(Find(id, ComponentKind.Check))).ToList()
            : preset.Checks.Select(id => Default(Find(id, ComponentKind.Check))).ToList();
        var hooks = preset.Hooks.Select(id => Default(Find(id, ComponentKind.Hook)))
            .Concat(options.Hooks.Select(id => Explicit(Find(id, ComponentKind.Hook))))
            .OfType<ConduitComponent>()
            .DistinctBy(h => h.Id)
            .ToList();

        var runnerText = options.Runner ?? preset.Runner ?? throw new ConduitException($"Preset \"{preset.Id}\" names no runner; pass --runner");
        string? runnerComponent = null;
        RunnerSpec runner;
        if (components.TryGetValue(runnerText, out var component) && component.Kind == ComponentKind.Runner)
        {
            runner = component.Runner!;
            runnerComponent = component.Id;
        }
        else if (options.Runner is not null)
        {
            runner = RunnerSpec.Parse(runnerText);
        }
        else
        {
            runner = Find(runnerText, ComponentKind.Runner).Runner!;
        }

        return new InitPlan
        {
            Preset = preset,
            Runner = runner,
            RunnerComponent = runnerComponent,
            Hooks = hooks,
            Checks = checks.OfType<ConduitComponent>().ToList(),
        };
    }

    private static string Name(ComponentKind kind) => kind.ToString().ToLowerInvariant();

    private static string FolderFor(ConduitComponent component) => component.Kind == ComponentKind.Hook ? "hooks" : "checks";

    /// <summary>A component's <c>./x</c> command as seen from the policy folder: <c>./hooks/&lt;id&gt;/x</c>.</summary>
    private static string Relocate(string command, ConduitComponent component)
    {
        var text = command.TrimStart();
        return text.StartsWith("./", StringComparison.Ordinal) ? $"./{FolderFor(component)}/{component.Id}/{text[2..]}" : command;
    }

    private static string PolicyYaml(InitPlan plan)
    {
        var yaml = new StringBuilder();
        yaml.Append("# Written by `conduit init` (preset ").Append(plan.Preset.Id).Append("). Reference: docs/runs.md in Conduit.\n");
        yaml.Append("# Components: runner ").Append(plan.RunnerComponent ?? plan.Runner.ToString())
            .Append("; hooks ").Append(plan.Hooks.Count == 0 ? "(none)" : string.Join(", ", plan.Hooks.Select(h => h.Id)))
            .Append("; checks ").Append(plan.Checks.Count == 0 ? "(none)" : string.Join(", ", plan.Checks.Select(c => c.Id))).Append('\n');
        yaml.Append("policy_id: ").Append(PolicyId).Append('\n');
        yaml.Append("task_id: ").Append(TaskId).Append('\n');
        yaml.Append("runner:\n  provider: ").Append(Scalar(plan.Runner.Provider)).Append('\n');
        if (plan.Runner.Model is { } model)
        {
            yaml.Append("  model: ").Append(Scalar(model)).Append('\n');
        }

        yaml.Append("hooks:\n");
        foreach (var stage in Enum.GetValues<PolicyHookStage>())
        {
            var commands = plan.Hooks.Where(h => h.Lifecycle == stage).Select(h => Relocate(h.HookCommand!, h)).ToList();
            yaml.Append("  ").Append(PolicyLoader.StageName(stage)).Append(':');
            if (commands.Count == 0)
            {
                yaml.Append(" []\n");
                continue;
            }

            yaml.Append('\n');
            foreach (var command in commands)
            {
                yaml.Append("    - ").Append(Scalar(command)).Append('\n');
            }
        }

        var checks = plan.Checks.SelectMany(c => c.Checks.Select(check => (Component: c, Check: check))).ToList();
        yaml.Append("checks:");
        if (checks.Count == 0)
        {
            yaml.Append(" []\n");
        }
        else
        {
            yaml.Append('\n');
            foreach (var (component, check) in checks)
            {
                yaml.Append("  - name: ").Append(Scalar(check.Name)).Append('\n');
                yaml.Append("    command: ").Append(Scalar(Relocate(check.Command, component))).Append('\n');
                if (check.TimeoutSeconds is { } timeout)
                {
                    yaml.Append("    timeout_seconds: ").Append(timeout.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                yaml.Append("    on_fail: ").Append(check.OnFail).Append('\n');
            }
        }

        yaml.Append("retry:\n  max_attempts: 1\n");
        return yaml.ToString();
    }

    /// <summary>A plain scalar when it reads back as the same string, else a double-quoted (JSON) one.</summary>
    private static string Scalar(string text) =>
        PlainScalarPattern().IsMatch(text) && text is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off") && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? text
            : JsonSerializer.Serialize(text);

    [GeneratedRegex("^[A-Za-z0-9_./][A-Za-z0-9_./ -]*[A-Za-z0-9_./]$|^[A-Za-z0-9_./]$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainScalarPattern();

    private static async Task CopyDirectoryAsync(string source, string target, CancellationToken cancellationToken)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            UnixFileMode? mode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(file);
            await AtomicFile.WriteAllBytesAsync(Path.Combine(target, relative), await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false), mode, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The path the global file registers for <paramref name="projectId"/>, expanded, or null.</summary>
    private static string? RegisteredPath(string globalConfig, string projectId, string? homeDirectory)
    {
        if (!File.Exists(globalConfig))
        {
            return null;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(globalConfig)));
        }
        catch (YamlDotNet.Core.YamlException exception)
        {
            throw new ConfigurationFileException(globalConfig, (int)exception.Start.Line, (int)exception.Start.Column, null, "malformed YAML: " + (exception.InnerException?.Message ?? exception.Message), exception);
        }

        YamlNode? node = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        foreach (var key in new[] { "conduit", "projects", projectId, "path" })
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        if (node is not YamlScalarNode { Value: { Length: > 0 } path })
        {
            return null;
        }

        var home = homeDirectory ?? Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return ConfigurationPaths.Expand(path, Path.GetDirectoryName(globalConfig)!, home);
    }
}
