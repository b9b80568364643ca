using Conduit.Runners.Processes;

namespace Conduit.Runners.Parsing;

/// <summary>How the agent process ended, as the parser needs to know it.</summary>
internal sealed class AgentProcessEnd
{
    /// <summary>Why it ended.</summary>
    public required ChildProcessTermination Termination { get; init; }

    /// <summary>The exit code, when it exited by itself.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The last lines of stderr.</summary>
    public string StandardErrorTail { get; init; } = "";

    /// <summary>Why the runner stopped the process (timeout text), when it did.</summary>
    public string? TerminationReason { get; init; }

    /// <summary>A process that exited by itself with <paramref name="exitCode"/>.</summary>
    public static AgentProcessEnd Exited(int exitCode, string standardErrorTail = "", TimeSpan duration = default) => new()
    {
        Termination = ChildProcessTermination.Exited,
        ExitCode = exitCode,
        StandardErrorTail = standardErrorTail,
        Duration = duration,
    };
}
