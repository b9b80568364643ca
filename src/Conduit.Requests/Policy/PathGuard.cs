namespace Conduit.Requests;

/// <summary>
/// Keeps paths inside the allowed roots by their real path (symbolic links resolved on the filesystem, so a link
/// cannot lead out). Relative paths are taken from the first root.
/// </summary>
internal sealed class PathGuard
{
    private readonly string[] _realRoots;

    public PathGuard(IReadOnlyList<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (roots.Count == 0)
        {
            throw new ArgumentException("At least one allowed root is needed.", nameof(roots));
        }

        _realRoots = roots.Select(r => RealPath.Resolve(Path.GetFullPath(r))).ToArray();
    }

    /// <summary>The first root, real path: the base of relative paths and the working directory of tools.</summary>
    public string BaseDirectory => _realRoots[0];

    /// <summary>The roots, real paths.</summary>
    public IReadOnlyList<string> Roots => _realRoots;

    /// <summary>Resolves <paramref name="path"/>; <see langword="null"/> in <see cref="GuardedPath.RealPath"/> when it cannot be resolved.</summary>
    public GuardedPath Check(string path)
    {
        string real;
        try
        {
            if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
            {
                return new GuardedPath(path, null, null, false);
            }

            var combined = Path.IsPathRooted(path) ? path : Path.Join(BaseDirectory, path);
            real = RealPath.Resolve(combined);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or NotSupportedException)
        {
            return new GuardedPath(path, null, null, false);
        }

        var root = _realRoots.FirstOrDefault(r => IsInside(real, r));
        var relative = root is null ? null : Path.GetRelativePath(root, real).Replace('\\', '/');
        return new GuardedPath(path, real, relative, root is not null);
    }

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}

/// <summary>A path as requested, its real path, its path relative to its root, and whether it is inside a root.</summary>
internal sealed record GuardedPath(string Requested, string? RealPath, string? RelativePath, bool IsInside)
{
    /// <summary>Whether the requested name or the real file's name is sensitive (a link named notes.txt to .env counts).</summary>
    public bool IsSensitive => SensitiveFiles.IsSensitive(Path.GetFileName(Requested.TrimEnd('/', '\\'))) || (RealPath is not null && SensitiveFiles.IsSensitive(Path.GetFileName(RealPath)));
}
