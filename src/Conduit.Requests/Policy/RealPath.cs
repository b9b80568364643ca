namespace Conduit.Requests;

/// <summary>
/// Resolves a path the way the operating system will open it: every symbolic link followed, <c>..</c> applied
/// after the link it follows (POSIX semantics, not lexical). Components that do not exist yet are appended as written.
/// </summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>The real path of <paramref name="path"/>, which must be rooted.</summary>
    /// <exception cref="IOException">Too many levels of symbolic links.</exception>
    public static string Resolve(string path)
    {
        var links = 0;
        return Resolve(path, ref links);
    }

    private static string Resolve(string path, ref int links)
    {
        var root = Path.GetPathRoot(path);
        if (string.IsNullOrEmpty(root))
        {
            throw new ArgumentException($"Path must be rooted: {path}", nameof(path));
        }

        var current = root;
        var parts = path[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"Too many levels of symbolic links: {path}");
            }

            current = Resolve(Path.IsPathRooted(target) ? target : Path.Join(current, target), ref links);
        }

        return current;
    }
}
