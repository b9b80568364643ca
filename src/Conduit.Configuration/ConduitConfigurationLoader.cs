using System.Collections;
using System.Globalization;
using Conduit.Configuration.Parsing;

namespace Conduit.Configuration;

/// <summary>
/// Loads the effective configuration: built-in defaults, then the global file (<c>$CONDUIT_HOME/config.yaml</c>), then
/// the nearest project file (<c>.conduit/config.yaml</c> walking up from the working directory, never the global file),
/// then overrides. Every file is parsed with YamlDotNet and checked against the JSON Schema before anything is merged.
/// </summary>
public static class ConduitConfigurationLoader
{
    private const string DefaultsYaml = """
        conduit:
          defaultRunner: claude
          stateDir: null
          projects: {}
          runners:
            claude: { args: [], executable: null, env: {}, timeout: null, idleTimeout: null }
            codex: { args: [], executable: null, env: {}, timeout: null, idleTimeout: null }
            cursor: { args: [], executable: null, env: {}, timeout: null, idleTimeout: null }
            gemini: { args: [], executable: null, env: {}, timeout: null, idleTimeout: null }
          server:
            port: 8888
            host: 127.0.0.1
            allowInit: false
            debug: true
            enableDocs: true
            queue: { maxQueuedRuns: null, maxActiveRuns: null }
            throttling: { enabled: false, windowMs: 60000, maxRequests: 60, key: ip }
            requestControls: { cwd: disabled, db: disabled, args: disabled }
          prices: {}
          store: { provider: sqlite, connectionString: null }
          runs: { defaultTimeout: null }
          cluster: { checkinInterval: 7500ms }
        """;

    /// <summary>Loads the effective configuration; throws <see cref="ConfigurationFileException"/> naming the file, line, column and key of the first problem (and listing the others).</summary>
    public static ConduitConfiguration Load(ConfigurationLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var workingDirectory = Path.GetFullPath(options.WorkingDirectory);
        var home = HomeDirectory(options);
        var conduitHome = ConduitHome(options, workingDirectory, home);

        var globalFile = FindFile(Path.Combine(conduitHome));
        var projectFile = options.IncludeProjectFile ? FindProjectFile(workingDirectory, conduitHome, home) : null;

        var merged = Defaults(conduitHome);
        if (globalFile is not null)
        {
            var origin = new ConfigurationOrigin { Kind = ConfigurationOriginKind.GlobalFile, Source = globalFile };
            merged = ConfigMerger.Merge(merged, ReadLayer(globalFile, ConfigurationFileRole.Global, origin, home));
        }

        string? projectRoot = null;
        if (projectFile is not null)
        {
            projectRoot = Path.GetDirectoryName(Path.GetDirectoryName(projectFile));
            var origin = new ConfigurationOrigin { Kind = ConfigurationOriginKind.ProjectFile, Source = projectFile };
            merged = ConfigMerger.Merge(merged, ReadLayer(projectFile, ConfigurationFileRole.Project, origin, home));
        }

        if (options.Overrides.Count > 0)
        {
            merged = ConfigMerger.Merge(merged, OverrideLayer(options.Overrides, workingDirectory, home));
        }

        var conduit = merged.GetMap("conduit")!;
        return new ConduitConfiguration(
            ConfigBinder.Bind(conduit),
            merged,
            ConfigMerger.Origins(merged),
            options,
            workingDirectory,
            conduitHome,
            globalFile,
            globalFile ?? Path.Combine(conduitHome, ConfigurationPaths.FileNames[0]),
            projectFile,
            projectRoot);
    }

    /// <summary>
    /// Checks one file and returns every problem found (empty when it is valid); never throws for a bad file.
    /// </summary>
    public static IReadOnlyList<ConfigurationDiagnostic> ValidateFile(string filePath, ConfigurationFileRole role)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        var diagnostics = new List<ConfigurationDiagnostic>();
        var origin = new ConfigurationOrigin { Kind = ConfigurationOriginKind.File, Source = filePath };
        var text = ReadText(filePath, diagnostics);
        if (text is not null)
        {
            Parse(text, filePath, role, origin, diagnostics);
        }

        return diagnostics;
    }

    /// <summary>Checks YAML text as if it were the file <paramref name="filePath"/>.</summary>
    public static IReadOnlyList<ConfigurationDiagnostic> ValidateText(string text, string filePath, ConfigurationFileRole role)
    {
        ArgumentNullException.ThrowIfNull(text);
        var diagnostics = new List<ConfigurationDiagnostic>();
        Parse(text, filePath, role, new ConfigurationOrigin { Kind = ConfigurationOriginKind.File, Source = filePath }, diagnostics);
        return diagnostics;
    }

    /// <summary>
    /// The role <c>conduit config validate FILE</c> gives a file: <see cref="ConfigurationFileRole.Global"/> for the
    /// global file, <see cref="ConfigurationFileRole.Project"/> for a file inside another <c>.conduit</c> directory,
    /// else <see cref="ConfigurationFileRole.Standalone"/>.
    /// </summary>
    public static ConfigurationFileRole RoleOf(string filePath, string conduitHome)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(filePath)) ?? string.Empty;
        if (ConfigurationPaths.AreSame(directory, conduitHome))
        {
            return ConfigurationFileRole.Global;
        }

        return Path.GetFileName(directory) == ".conduit" ? ConfigurationFileRole.Project : ConfigurationFileRole.Standalone;
    }

    /// <summary>The home directory used to expand <c>~</c>: the option, else <c>HOME</c>, else the user profile folder.</summary>
    public static string ResolveHomeDirectory(ConfigurationLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return HomeDirectory(options);
    }

    /// <summary>The absolute <c>CONDUIT_HOME</c>: the option, else the environment variable, else <c>~/.conduit</c>.</summary>
    public static string ResolveConduitHome(ConfigurationLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ConduitHome(options, Path.GetFullPath(options.WorkingDirectory), HomeDirectory(options));
    }

    internal static string HomeDirectory(ConfigurationLoadOptions options)
    {
        var home = options.HomeDirectory ?? options.GetEnvironmentVariable("HOME");
        return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home;
    }

    /// <summary><see cref="ConfigurationLoadOptions.ConduitHome"/>, else <c>CONDUIT_HOME</c>, else <c>~/.conduit</c>; absolute.</summary>
    internal static string ConduitHome(ConfigurationLoadOptions options, string workingDirectory, string home)
    {
        var configured = options.ConduitHome ?? options.GetEnvironmentVariable("CONDUIT_HOME");
        return string.IsNullOrEmpty(configured)
            ? Path.GetFullPath(Path.Combine(home, ".conduit"))
            : ConfigurationPaths.Expand(configured, workingDirectory, home);
    }

    /// <summary><c>config.yaml</c> or <c>config.yml</c> in <paramref name="directory"/>; both at once is an error.</summary>
    private static string? FindFile(string directory)
    {
        var found = ConfigurationPaths.FileNames.Select(n => Path.Combine(directory, n)).Where(Path.Exists).ToList();
        if (found.Count > 1)
        {
            throw new ConfigurationFileException(
                found[1], null, null, null, $"both {found[0]} and {found[1]} exist; Conduit reads one configuration file per directory, so merge them into {found[0]} and delete the other");
        }

        return found.Count == 1 ? found[0] : null;
    }

    private static string? FindProjectFile(string workingDirectory, string conduitHome, string home)
    {
        var defaultHome = Path.Combine(home, ".conduit");
        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, ".conduit");
            if (!Directory.Exists(candidate))
            {
                continue;
            }

            // The global directory is never a project layer, even when working under the home directory (the
            // original's bug: ~/.conduit/config.yaml was read as the project file from anywhere under $HOME).
            if (ConfigurationPaths.AreSame(candidate, conduitHome) || ConfigurationPaths.AreSame(candidate, defaultHome))
            {
                continue;
            }

            var file = FindFile(candidate);
            if (file is not null)
            {
                return file;
            }
        }

        return null;
    }

    private static ConfigMap Defaults(string conduitHome)
    {
        var diagnostics = new List<ConfigurationDiagnostic>();
        var root = (ConfigMap)YamlConfigReader.Read(DefaultsYaml, "(defaults)", ConfigurationOrigin.Default, diagnostics)!;
        var conduit = root.GetMap("conduit")!;
        conduit.Set(new ConfigEntry { Key = "stateDir", Value = new ConfigScalar(conduitHome, ConfigurationOrigin.Default) });
        return root;
    }

    private static ConfigMap ReadLayer(string filePath, ConfigurationFileRole role, ConfigurationOrigin origin, string home)
    {
        var diagnostics = new List<ConfigurationDiagnostic>();
        var text = ReadText(filePath, diagnostics);
        var root = text is null ? null : Parse(text, filePath, role, origin, diagnostics);
        if (diagnostics.Count > 0 || root is null)
        {
            throw ConfigurationDiagnostic.ToException(diagnostics);
        }

        ExpandPaths(root, Path.GetDirectoryName(filePath)!, home);
        return root;
    }

    private static string? ReadText(string filePath, List<ConfigurationDiagnostic> diagnostics)
    {
        try
        {
            return File.ReadAllText(filePath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new ConfigurationDiagnostic { FilePath = filePath, Problem = $"cannot read the file: {exception.Message}" });
            return null;
        }
    }

    private static ConfigMap? Parse(string text, string filePath, ConfigurationFileRole role, ConfigurationOrigin origin, List<ConfigurationDiagnostic> diagnostics)
    {
        var node = YamlConfigReader.Read(text, filePath, origin, diagnostics);
        if (diagnostics.Count > 0)
        {
            return null;
        }

        var root = node switch
        {
            null or ConfigScalar { Value: null } => new ConfigMap(origin, 1, 1),
            ConfigMap map => map,
            _ => null,
        };
        if (root is null)
        {
            diagnostics.Add(new ConfigurationDiagnostic
            {
                FilePath = filePath,
                Line = node!.Line,
                Column = node.Column,
                Problem = "the file must be a mapping whose Conduit keys sit under a top-level \"conduit:\" key",
            });
            return null;
        }

        CheckRole(root, filePath, role, diagnostics);
        ConfigSchema.Validate(root, filePath, diagnostics);
        if (diagnostics.Count == 0)
        {
            // The original accepted conduit.project in the global file, where it means nothing (the current project
            // comes from the nearest project file). Such files, and the documented all-keys example, keep loading: the
            // entry is validated like any other key and then dropped, so it never marks a directory as a project.
            if (role == ConfigurationFileRole.Global)
            {
                root.GetMap("conduit")?.Remove("project");
            }

            return root;
        }

        // Report in file order, whatever order the schema checks ran in.
        var ordered = diagnostics.OrderBy(d => d.Line ?? 0).ThenBy(d => d.Column ?? 0).ToList();
        diagnostics.Clear();
        diagnostics.AddRange(ordered);
        return null;
    }

    private static void CheckRole(ConfigMap root, string filePath, ConfigurationFileRole role, List<ConfigurationDiagnostic> diagnostics)
    {
        var conduit = root.GetMap("conduit");
        if (conduit is null)
        {
            return;
        }

        if (role == ConfigurationFileRole.Project && conduit.GetEntry("projects") is { } projects)
        {
            diagnostics.Add(new ConfigurationDiagnostic
            {
                FilePath = filePath,
                Line = projects.KeyLine,
                Column = projects.KeyColumn,
                Key = "conduit.projects",
                Problem = "Project-local config must not define \"conduit.projects\"; use \"conduit.project.id\" instead",
            });
        }
    }

    /// <summary>Makes <c>stateDir</c>, <c>projects.*.path</c> and path-like <c>runners.*.executable</c> absolute.</summary>
    private static void ExpandPaths(ConfigMap root, string baseDirectory, string home)
    {
        var conduit = root.GetMap("conduit");
        if (conduit is null)
        {
            return;
        }

        ExpandEntry(conduit, "stateDir", baseDirectory, home, always: true);
        foreach (var project in (conduit.GetMap("projects")?.Entries ?? []).Select(e => e.Value).OfType<ConfigMap>())
        {
            ExpandEntry(project, "path", baseDirectory, home, always: true);
        }

        foreach (var runner in (conduit.GetMap("runners")?.Entries ?? []).Select(e => e.Value).OfType<ConfigMap>())
        {
            ExpandEntry(runner, "executable", baseDirectory, home, always: false);
        }
    }

    private static void ExpandEntry(ConfigMap map, string key, string baseDirectory, string home, bool always)
    {
        if (map.GetEntry(key) is not { Value: ConfigScalar { Value: string path } scalar } entry)
        {
            return;
        }

        // A bare command name (no '/') stays as written and is looked up on PATH.
        if (!always && !path.Contains('/', StringComparison.Ordinal) && !path.StartsWith('~'))
        {
            return;
        }

        var expanded = ConfigurationPaths.Expand(path, baseDirectory, home);
        map.Set(new ConfigEntry { Key = key, KeyLine = entry.KeyLine, KeyColumn = entry.KeyColumn, Value = new ConfigScalar(expanded, scalar.Origin, scalar.Line, scalar.Column) });
    }

    private static ConfigMap OverrideLayer(IReadOnlyList<ConfigurationOverride> overrides, string workingDirectory, string home)
    {
        var root = new ConfigMap(ConfigurationOrigin.Default);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in overrides)
        {
            var key = item.Key.StartsWith("conduit.", StringComparison.Ordinal) ? item.Key : "conduit." + item.Key;
            sources[key] = item.Source;
            var origin = new ConfigurationOrigin { Kind = ConfigurationOriginKind.Override, Source = item.Source };
            var segments = key.Split('.');
            var map = root;
            foreach (var segment in segments[..^1])
            {
                if (map.Get(segment) is not ConfigMap child)
                {
                    child = new ConfigMap(origin);
                    map.Set(new ConfigEntry { Key = segment, Value = child });
                }

                map = child;
            }

            map.Set(new ConfigEntry { Key = segments[^1], Value = ToNode(item.Value, origin) });
        }

        var diagnostics = new List<ConfigurationDiagnostic>();
        ConfigSchema.Validate(root, "(overrides)", diagnostics);
        if (diagnostics.Count > 0)
        {
            throw ConfigurationDiagnostic.ToException(diagnostics
                .Select(d => new ConfigurationDiagnostic
                {
                    FilePath = d.Key is not null && sources.TryGetValue(d.Key, out var source) ? source : "command line",
                    Key = d.Key,
                    Problem = d.Problem,
                })
                .ToList());
        }

        ExpandPaths(root, workingDirectory, home);
        return root;
    }

    private static ConfigNode ToNode(object? value, ConfigurationOrigin origin) => value switch
    {
        null => new ConfigScalar(null, origin),
        string text => new ConfigScalar(text, origin),
        bool flag => new ConfigScalar(flag, origin),
        int or long or short => new ConfigScalar(Convert.ToInt64(value, CultureInfo.InvariantCulture), origin),
        double or float or decimal => new ConfigScalar(Convert.ToDouble(value, CultureInfo.InvariantCulture), origin),
        TimeSpan span => new ConfigScalar((long)Math.Ceiling(span.TotalSeconds), origin),
        IEnumerable items => new ConfigList(items.Cast<object?>().Select(i => ToNode(i, origin)).ToList(), origin),
        _ => new ConfigScalar(Convert.ToString(value, CultureInfo.InvariantCulture), origin),
    };
}
