namespace Conduit.Server.Projects;

/// <summary>Maps a <c>project_id</c> from the project registry (<c>conduit.projects.&lt;id&gt;.path</c>) to its directory.</summary>
public interface IProjectDirectoryResolver
{
    /// <summary>Returns the project's directory, or <see langword="null"/> when no project has that id.</summary>
    ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Every registered project (id to directory), sorted by id.</summary>
    ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>A fixed project registry, e.g. the <c>projects</c> map of the loaded configuration.</summary>
public sealed class StaticProjectDirectoryResolver : IProjectDirectoryResolver
{
    private readonly SortedDictionary<string, string> _projects;

    /// <summary>Creates the resolver over <paramref name="projects"/> (id to directory).</summary>
    public StaticProjectDirectoryResolver(IEnumerable<KeyValuePair<string, string>> projects)
    {
        ArgumentNullException.ThrowIfNull(projects);
        _projects = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, path) in projects)
        {
            _projects[id] = path;
        }
    }

    /// <inheritdoc />
    public ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_projects.TryGetValue(projectId, out var path) ? path : null);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<KeyValuePair<string, string>>>(_projects.ToArray());
}
