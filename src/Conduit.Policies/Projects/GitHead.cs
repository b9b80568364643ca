namespace Conduit.Policies;

/// <summary>
/// Reads a directory's git HEAD without running git: <c>.git/HEAD</c>, or, when <c>.git</c> is a file (a worktree or
/// submodule), the HEAD of the directory its <c>gitdir:</c> line names.
/// </summary>
public static class GitHead
{
    /// <summary>
    /// The HEAD without <c>ref: </c> (<c>refs/heads/main</c>), or the commit id when HEAD is detached;
    /// <see langword="null"/> when <paramref name="directory"/> holds no readable <c>.git</c>.
    /// </summary>
    public static string? ReadRef(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        try
        {
            var git = Path.Combine(directory, ".git");
            var head = Path.Combine(git, "HEAD");
            if (File.Exists(git))
            {
                var pointer = File.ReadAllText(git).Trim();
                if (!pointer.StartsWith("gitdir:", StringComparison.Ordinal))
                {
                    return null;
                }

                var gitDir = pointer["gitdir:".Length..].Trim();
                head = Path.Combine(Path.IsPathRooted(gitDir) ? gitDir : Path.Combine(directory, gitDir), "HEAD");
            }

            if (!File.Exists(head))
            {
                return null;
            }

            var text = File.ReadAllText(head).Trim();
            var reference = text.StartsWith("ref: ", StringComparison.Ordinal) ? text[5..].Trim() : text;
            return reference.Length == 0 ? null : reference;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The checked-out branch (<c>main</c> for <c>refs/heads/main</c>); <see langword="null"/> outside git or when HEAD is detached.</summary>
    public static string? Branch(string directory)
    {
        const string Heads = "refs/heads/";
        return ReadRef(directory) is { } reference && reference.StartsWith(Heads, StringComparison.Ordinal) ? reference[Heads.Length..] : null;
    }
}
