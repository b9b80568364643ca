using System.Globalization;
using System.Text;
using Conduit.Runners.Processes;

namespace Conduit.FanOut;

/// <summary>
/// A detached git worktree of a repository's <c>HEAD</c> for one trial: created before the agent, read for its diff
/// afterwards, removed at the end.
/// </summary>
internal sealed class GitWorktree
{
    private GitWorktree(string repository, string path)
    {
        Repository = repository;
        Path = path;
    }

    /// <summary>The repository's top-level directory.</summary>
    public string Repository { get; }

    /// <summary>The worktree's directory.</summary>
    public string Path { get; }

    /// <summary>The top-level directory of the git repository holding <paramref name="directory"/>, when it has a commit.</summary>
    public static async Task<string?> FindRepositoryAsync(string directory, CancellationToken cancellationToken)
    {
        var topLevel = await Git.TryRunAsync(directory, ["rev-parse", "--show-toplevel"], cancellationToken).ConfigureAwait(false);
        if (topLevel is null)
        {
            return null;
        }

        var head = await Git.TryRunAsync(directory, ["rev-parse", "--verify", "--quiet", "HEAD"], cancellationToken).ConfigureAwait(false);
        return head is null ? null : topLevel.Trim();
    }

    /// <summary>Adds a detached worktree of <c>HEAD</c> under <paramref name="parent"/>.</summary>
    public static async Task<GitWorktree> AddAsync(string repository, string parent, string name, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(parent);
        var path = System.IO.Path.Combine(parent, name);
        await Git.RunAsync(repository, ["worktree", "add", "--detach", path, "HEAD"], cancellationToken).ConfigureAwait(false);
        return new GitWorktree(repository, path);
    }

    /// <summary>
    /// The worktree's changes against <c>HEAD</c> as a unified diff, new files included (they are marked with
    /// <c>git add --intent-to-add</c> first), and their size.
    /// </summary>
    public async Task<(string Diff, DiffSize Size)> DiffAsync(CancellationToken cancellationToken)
    {
        await Git.RunAsync(Path, ["add", "--all", "--intent-to-add"], cancellationToken).ConfigureAwait(false);
        var diff = await Git.RunAsync(Path, ["-c", "core.quotepath=off", "diff", "HEAD", "--no-color", "--no-ext-diff"], cancellationToken).ConfigureAwait(false);
        var numstat = await Git.RunAsync(Path, ["diff", "HEAD", "--numstat", "--no-color", "--no-ext-diff"], cancellationToken).ConfigureAwait(false);
        return (diff, ParseNumstat(numstat));
    }

    /// <summary>Removes the worktree (forcefully: it has changes), and its directory should git leave it behind.</summary>
    public async Task RemoveAsync()
    {
        // Removal must happen even when the fan-out was cancelled.
        await Git.TryRunAsync(Repository, ["worktree", "remove", "--force", "--force", Path], CancellationToken.None).ConfigureAwait(false);
        if (Directory.Exists(Path))
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            await Git.TryRunAsync(Repository, ["worktree", "prune"], CancellationToken.None).ConfigureAwait(false);
        }
    }

    internal static DiffSize ParseNumstat(string numstat)
    {
        int files = 0, added = 0, removed = 0;
        foreach (var line in numstat.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length < 3)
            {
                continue;
            }

            files++;
            // Binary files show "-" for both counts.
            added += int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
            removed += int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 0;
        }

        return new DiffSize { Files = files, LinesAdded = added, LinesRemoved = removed };
    }
}

/// <summary>Runs git through the process launcher.</summary>
internal static class Git
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs git and returns its stdout; throws <see cref="FanOutException"/> with stderr when it fails.</summary>
    public static async Task<string> RunAsync(string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await ExecuteAsync(directory, arguments, cancellationToken).ConfigureAwait(false);
        return exitCode == 0
            ? output
            : throw new FanOutException($"git {string.Join(' ', arguments)} failed in {directory} (exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {error.Trim()}");
    }

    /// <summary>Runs git; <see langword="null"/> when it fails.</summary>
    public static async Task<string?> TryRunAsync(string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            var (exitCode, output, _) = await ExecuteAsync(directory, arguments, cancellationToken).ConfigureAwait(false);
            return exitCode == 0 ? output : null;
        }
        catch (ChildProcessLaunchException)
        {
            return null;
        }
    }

    private static async Task<(int? ExitCode, string Output, string Error)> ExecuteAsync(string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var options = new ChildProcessOptions
        {
            Executable = "git",
            Arguments = arguments,
            WorkingDirectory = directory,
            Timeout = CommandTimeout,
        };
        var output = new StringBuilder();
        var error = new StringBuilder();
        int? exitCode = null;
        await foreach (var item in ChildProcess.RunAsync(options, cancellationToken).ConfigureAwait(false))
        {
            switch (item)
            {
                case StandardOutputLine line:
                    output.Append(line.Text).Append('\n');
                    break;
                case StandardErrorLine line:
                    error.Append(line.Text).Append('\n');
                    break;
                case ChildProcessExited exited:
                    exitCode = exited.ExitCode;
                    break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return (exitCode, output.ToString(), error.ToString());
    }
}
