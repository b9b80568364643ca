namespace Conduit.FanOut;

/// <summary>Where the trials of a chat fan-out run.</summary>
public enum FanOutWorkspaceMode
{
    /// <summary>
    /// Each trial in its own git worktree when the working directory is inside a git repository with a commit,
    /// else all in the working directory.
    /// </summary>
    Auto = 0,

    /// <summary>Each trial in its own detached git worktree of <c>HEAD</c>; fails when the directory is not a git repository.</summary>
    Worktree,

    /// <summary>All trials in the working directory itself: only for tasks that change no files. No diffs are kept.</summary>
    Shared,
}
