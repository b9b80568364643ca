namespace Conduit.Runners.Processes;

/// <summary>Finds the file an executable name or path refers to, the way <c>execvp</c> would, so a missing one gives a clean error.</summary>
internal static class ExecutableResolver
{
    private static readonly string[] WindowsExtensions = ["", ".exe", ".cmd", ".bat", ".com"];

    /// <summary>Resolves <paramref name="executable"/> to an absolute path, or throws <see cref="ChildProcessLaunchException"/>.</summary>
    /// <param name="executable">A name looked up on <paramref name="pathVariable"/>, or a path (containing a directory separator).</param>
    /// <param name="pathVariable">The <c>PATH</c> the child will see.</param>
    /// <param name="baseDirectory">The directory a relative path is resolved against (the child's working directory).</param>
    public static string Resolve(string executable, string? pathVariable, string baseDirectory)
    {
        if (string.IsNullOrWhiteSpace(executable))
        {
            throw new ChildProcessLaunchException(executable, "The executable is empty.");
        }

        if (executable.Contains('/', StringComparison.Ordinal) || executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            var fullPath = Path.GetFullPath(executable, baseDirectory);
            return IsExecutableFile(fullPath)
                ? fullPath
                : throw new ChildProcessLaunchException(executable, $"{executable} not found: \"{fullPath}\" does not exist or is not an executable file.");
        }

        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in OperatingSystem.IsWindows() ? WindowsExtensions : [""])
            {
                var candidate = Path.Combine(directory, executable + extension);
                if (Path.IsPathFullyQualified(candidate) && IsExecutableFile(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new ChildProcessLaunchException(executable, $"{executable} not found: it is not an executable file in any directory on PATH.");
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & AnyExecute) != 0;
    }
}
