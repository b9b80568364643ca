namespace Conduit.Requests;

/// <summary>
/// Starts the programs request tools need (<c>git</c>, and <c>bash -c</c> for <c>shell.run</c>). The default uses
/// <see cref="System.Diagnostics.Process"/> with an argument list (never a shell string), an allow-listed environment,
/// a timeout and a kill of the whole process tree. A host may register its own (e.g. over Conduit.Runners' launcher).
/// </summary>
public interface IRequestProcessRunner
{
    /// <summary>Runs the program to its end, its timeout or cancellation; never throws for a failed program.</summary>
    Task<RequestProcessResult> RunAsync(RequestProcessStart start, CancellationToken cancellationToken = default);
}

/// <summary>A program to run: executable, argv elements, directory and limits.</summary>
public sealed class RequestProcessStart
{
    /// <summary>The executable, looked up on PATH.</summary>
    public required string FileName { get; init; }

    /// <summary>The arguments, each passed as one argv element.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>How long the program may run before its tree is killed.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>The most characters kept of each stream; the rest is counted and dropped.</summary>
    public required int MaxOutputChars { get; init; }
}

/// <summary>How a program ended.</summary>
public sealed class RequestProcessResult
{
    /// <summary>The exit code; <see langword="null"/> when killed or not started.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Standard output, at most <see cref="RequestProcessStart.MaxOutputChars"/> characters.</summary>
    public string StandardOutput { get; init; } = string.Empty;

    /// <summary>Standard error, at most <see cref="RequestProcessStart.MaxOutputChars"/> characters.</summary>
    public string StandardError { get; init; } = string.Empty;

    /// <summary>All characters written to standard output.</summary>
    public long StandardOutputChars { get; init; }

    /// <summary>All characters written to standard error.</summary>
    public long StandardErrorChars { get; init; }

    /// <summary>Whether the timeout killed it.</summary>
    public bool TimedOut { get; init; }

    /// <summary>Whether cancellation killed it.</summary>
    public bool Cancelled { get; init; }

    /// <summary>Why it could not start (e.g. executable not found).</summary>
    public string? LaunchError { get; init; }
}
