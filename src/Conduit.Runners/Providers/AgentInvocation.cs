namespace Conduit.Runners.Providers;

/// <summary>How to start one agent CLI for one request: argv after the executable, stdin, and notes for the caller.</summary>
internal sealed class AgentInvocation
{
    /// <summary>The arguments, each one argv element.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>The prompt when it goes on stdin (a prompt starting with '-', or too long for argv); else <see langword="null"/>.</summary>
    public string? StandardInput { get; init; }

    /// <summary>Request settings the CLI cannot honour (for example a turn limit), reported as warning events.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
