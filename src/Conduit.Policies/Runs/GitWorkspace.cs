using Conduit.Runners.Processes;

namespace Conduit.Policies;

/// <summary>Git operations for workspaces: detached worktrees per run, and the baseline ref.</summary>
internal sealed class GitWorkspace(ProcessLauncher launcher)
{
    /// <summary><c>git worktree add --detach &lt;path&gt; HEAD</c>. Throws with git's message on failure.</summary>
    public async Task CreateWorktreeAsync(string projectPath, string worktreePath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(worktreePath)!);
        var (exit, error) = await GitAsync(projectPath, ["worktree", "add", "--detach", worktreePath, "HEAD"], cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new ConduitException($"Could not create a git worktree for the run in {worktreePath}: {error.Trim()}");
        }
    }

    /// <summary><c>git worktree remove --force</c> then <c>git worktree prune</c>; never touches the repository's objects.</summary>
    public async Task RemoveWorktreeAsync(string projectPath, string worktreePath, CancellationToken cancellationToken)
    {
        await GitAsync(projectPath, ["worktree", "remove", "--force", worktreePath], cancellationToken).ConfigureAwait(false);
        await GitAsync(projectPath, ["worktree", "prune"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The original's baseline ref: <c>.git/HEAD</c> without <c>ref: </c> (e.g. <c>refs/heads/main</c>), or empty.</summary>
    public static string BaselineRef(string projectPath) => GitHead.ReadRef(projectPath) ?? "";

    private async Task<(int? Exit, string Error)> GitAsync(string projectPath, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var error = new System.Text.StringBuilder();
        int? exit = null;
        try
        {
            await foreach (var output in launcher(new ChildProcessOptions { Executable = "git", Arguments = ["-C", projectPath, .. arguments], Timeout = TimeSpan.FromMinutes(2) }, cancellationToken).ConfigureAwait(false))
            {
                if (output is StandardErrorLine line)
                {
                    error.AppendLine(line.Text);
                }
                else if (output is ChildProcessExited exited)
                {
                    exit = exited.ExitCode;
                }
            }
        }
        catch (ConduitException exception)
        {
            return (null, exception.Message);
        }

        return (exit, error.ToString());
    }
}
