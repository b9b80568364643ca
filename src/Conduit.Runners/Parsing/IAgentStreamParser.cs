namespace Conduit.Runners.Parsing;

/// <summary>
/// Turns one agent CLI's stdout, a line at a time, into normalized events. Stateful: one instance per run.
/// </summary>
internal interface IAgentStreamParser
{
    /// <summary>An outcome that ends the run at once (auth prompt, retries of a 401, trust question); the runner then stops the process.</summary>
    AgentOutcome? StopOutcome { get; }

    /// <summary>Parses one stdout line. Never throws on bad input: a malformed line becomes an <see cref="ErrorEvent"/>.</summary>
    IEnumerable<AgentEvent> ParseLine(string line, int lineNumber);

    /// <summary>Looks at one stderr line for signs that the run cannot go on (not logged in, an interactive question).</summary>
    void ObserveStandardError(string line);

    /// <summary>Ends the run: yields any final errors and exactly one <see cref="CompletedEvent"/>.</summary>
    IEnumerable<AgentEvent> Complete(AgentProcessEnd end);
}
