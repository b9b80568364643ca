namespace Conduit.Configuration;

/// <summary>Path rules of the configuration: <c>~</c> expansion, relative paths, real paths.</summary>
public static class ConfigurationPaths
{
    /// <summary>The global file names, in the order they are looked for.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["config.yaml", "config.yml"];

    /// <summary>
    /// Expands <c>~</c> and <c>~/...</c> to <paramref name="homeDirectory"/> and makes a relative path absolute against
    /// <paramref name="baseDirectory"/>. <c>~user</c> is not expanded (it is taken as a relative name).
    /// </summary>
    public static string Expand(string path, string baseDirectory, string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "~")
        {
            return Path.GetFullPath(homeDirectory);
        }

        if (path.StartsWith("~/", StringComparison.Ordinal))
        {
            return Path.GetFullPath(Path.Combine(homeDirectory, path[2..]));
        }

        return Path.GetFullPath(Path.Combine(baseDirectory, path));
    }

    /// <summary>
    /// The absolute path with every symbolic link resolved (like <c>realpath</c>). Components that do not exist are kept
    /// as written.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        var depth = 0;
        foreach (var segment in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(candidate) ? new DirectoryInfo(candidate) : new FileInfo(candidate);
            if (info.Exists && info.LinkTarget is not null && depth++ < 40)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                candidate = target is null ? candidate : RealPath(target.FullName);
            }

            current = candidate;
        }

        return current;
    }

    /// <summary>Whether two paths name the same file or directory once links are resolved.</summary>
    public static bool AreSame(string first, string second) =>
        string.Equals(RealPath(first).TrimEnd(Path.DirectorySeparatorChar), RealPath(second).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
