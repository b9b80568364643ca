namespace Conduit.Runners.Processes;

/// <summary>How to start one child process (an agent CLI, a hook or a check) under Conduit's process hygiene.</summary>
public sealed class ChildProcessOptions
{
    /// <summary>The executable: a path, or a name looked up on <c>PATH</c>.</summary>
    public required string Executable { get; init; }

    /// <summary>The arguments, each passed as one argv element (never through a shell).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The working directory; the current directory when <see langword="null"/>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// The child's complete environment. When <see langword="null"/>, the child inherits this process's environment.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Text written to the child's stdin, which is then closed. When <see langword="null"/>, stdin is closed at once.</summary>
    public string? StandardInput { get; init; }

    /// <summary>The total time the child may run.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long the child may print nothing (on stdout or stderr) before it is stopped as idle.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>How long each step of interrupt, terminate, kill waits for the tree to exit.</summary>
    /// <value>Default 2 seconds.</value>
    public TimeSpan KillGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to keep reading stdout/stderr after the child exited (a grandchild may hold them open).</summary>
    /// <value>Default 2 seconds.</value>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock for timeouts, grace periods and durations.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws when a value is out of range; called before anything is started.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Executable);
        ArgumentNullException.ThrowIfNull(Arguments);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (Timeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(Timeout));
        }

        if (IdleTimeout is { } idleTimeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(KillGracePeriod, TimeSpan.Zero, nameof(KillGracePeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero, nameof(DrainTimeout));
    }
}
