namespace Conduit.Runners.Processes;

/// <summary>What a child process did: a closed set of outputs, ending with exactly one <see cref="ChildProcessExited"/>.</summary>
public abstract class ChildProcessOutput
{
    private protected ChildProcessOutput()
    {
    }
}

/// <summary>The child started.</summary>
public sealed class ChildProcessStarted : ChildProcessOutput
{
    /// <summary>The child's process id (also its process group id).</summary>
    public required int ProcessId { get; init; }
}

/// <summary>One line of stdout, without its line ending. Invalid UTF-8 is replaced, never fatal.</summary>
public sealed class StandardOutputLine : ChildProcessOutput
{
    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>1-based line number on stdout.</summary>
    public required int LineNumber { get; init; }
}

/// <summary>One line of stderr, without its line ending.</summary>
public sealed class StandardErrorLine : ChildProcessOutput
{
    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>1-based line number on stderr.</summary>
    public required int LineNumber { get; init; }
}

/// <summary>The child (and its whole tree) is gone. Always the last output.</summary>
public sealed class ChildProcessExited : ChildProcessOutput
{
    /// <summary>Why it ended.</summary>
    public required ChildProcessTermination Termination { get; init; }

    /// <summary>The exit code when it exited by itself; <see langword="null"/> when Conduit killed it.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that ended it, when one did (e.g. <c>SIGTERM</c>).</summary>
    public string? Signal { get; init; }

    /// <summary>Wall time from start to exit.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The last lines of stderr (at most 4 KiB), for error messages.</summary>
    public string StandardErrorTail { get; init; } = "";
}

/// <summary>Why a child process ended.</summary>
public enum ChildProcessTermination
{
    /// <summary>It exited by itself (any exit code).</summary>
    Exited,

    /// <summary>The total timeout elapsed and the tree was killed.</summary>
    TimedOut,

    /// <summary>The idle timeout elapsed and the tree was killed.</summary>
    IdleTimedOut,

    /// <summary>The caller cancelled and the tree was killed.</summary>
    Cancelled,
}
