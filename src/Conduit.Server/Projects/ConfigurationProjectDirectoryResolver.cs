using Conduit.Configuration;

namespace Conduit.Server.Projects;

/// <summary>Resolves project ids through the configuration's <see cref="ProjectRegistry"/> (global <c>conduit.projects</c> plus the current project).</summary>
public sealed class ConfigurationProjectDirectoryResolver : IProjectDirectoryResolver
{
    private readonly ProjectRegistry _registry;

    /// <summary>Creates the resolver over <paramref name="registry"/>.</summary>
    public ConfigurationProjectDirectoryResolver(ProjectRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    /// <inheritdoc />
    /// <exception cref="ConfigurationFileException">The project is registered but its directory does not exist (names the file and line).</exception>
    public ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projectId);
        return _registry.Projects.Any(p => p.Id == projectId)
            ? ValueTask.FromResult<string?>(_registry.ResolvePath(projectId))
            : ValueTask.FromResult<string?>(null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<KeyValuePair<string, string>>>(_registry.Projects.Select(p => new KeyValuePair<string, string>(p.Id, p.Path)).ToArray());
}
