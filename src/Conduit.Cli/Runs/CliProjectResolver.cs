using Conduit.Policies;
using YamlDotNet.RepresentationModel;

namespace Conduit.Cli.Runs;

/// <summary>
/// Resolves a <c>--project</c> value for the CLI: an existing directory path, a project id registered under
/// <c>conduit.projects.&lt;id&gt;.path</c> in the global config, or the <c>conduit.project.id</c> of the nearest
/// <c>.conduit/config.yaml</c> above the working directory. (The configuration package's project registry replaces
/// this once it is wired.)
/// </summary>
internal sealed class CliProjectResolver(string workingDirectory, string stateDirectory, string? homeDirectory) : IProjectResolver
{
    /// <summary>The configuration's project registry, asked first.</summary>
    public Conduit.Configuration.ProjectRegistry? Registry { get; init; }

    public ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default) => ValueTask.FromResult(Resolve(projectId));

    public string? Resolve(string projectId)
    {
        if (Registry is not null && Registry.Projects.Any(p => p.Id == projectId))
        {
            return Registry.ResolvePath(projectId);
        }

        var asPath = Path.GetFullPath(projectId, workingDirectory);
        if ((projectId.Contains('/', StringComparison.Ordinal) || projectId == ".") && Directory.Exists(asPath))
        {
            return asPath;
        }

        foreach (var file in GlobalConfigFiles())
        {
            if (Read(file) is { } root && Child(Child(Child(Child(root, "conduit"), "projects"), projectId), "path") is YamlScalarNode { Value: { } path })
            {
                return Path.GetFullPath(path, Path.GetDirectoryName(file)!);
            }
        }

        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var name in new[] { "config.yaml", "config.yml" })
            {
                var file = Path.Combine(directory.FullName, ".conduit", name);
                if (Read(file) is { } root && Child(Child(Child(root, "conduit"), "project"), "id") is YamlScalarNode { Value: { } id } && id == projectId)
                {
                    return directory.FullName;
                }
            }

            if (Directory.Exists(Path.Combine(directory.FullName, ".conduit")) && string.Equals(directory.Name, projectId, StringComparison.OrdinalIgnoreCase))
            {
                return directory.FullName;
            }
        }

        if (Directory.Exists(asPath))
        {
            return asPath;
        }

        return Registry is null ? null : throw new Conduit.Configuration.ProjectNotFoundException(projectId, Registry.Projects.Select(p => p.Id).ToList());
    }

    /// <summary>
    /// The id to record for a <c>--project</c> value: a registered id as is; a path becomes the id registered for that
    /// directory, else its absolute path (which this resolver accepts again).
    /// </summary>
    public string ProjectIdFor(string value)
    {
        if (Registry is not null && Registry.Projects.Any(p => p.Id == value))
        {
            return value;
        }

        var path = Resolve(value);
        if (path is null)
        {
            return value;
        }

        var registered = Registry?.Projects.FirstOrDefault(p => string.Equals(Path.GetFullPath(p.Path).TrimEnd('/'), path.TrimEnd('/'), StringComparison.Ordinal));
        return registered?.Id ?? path;
    }

    /// <summary>The nearest directory at or above the working directory that holds <c>.conduit/</c>, else the working directory.</summary>
    public static string NearestProject(string workingDirectory)
    {
        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".conduit", "policies")))
            {
                return directory.FullName;
            }
        }

        return workingDirectory;
    }

    private IEnumerable<string> GlobalConfigFiles()
    {
        var directories = new List<string> { stateDirectory };
        if (homeDirectory is not null)
        {
            directories.Add(Path.Combine(homeDirectory, ".conduit"));
        }

        foreach (var directory in directories.Distinct())
        {
            foreach (var name in new[] { "config.yaml", "config.yml" })
            {
                yield return Path.Combine(directory, name);
            }
        }
    }

    private static YamlNode? Read(string file)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            return stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
