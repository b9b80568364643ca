namespace Conduit;

/// <summary>An agent CLI printed something Conduit cannot use as its protocol requires.</summary>
public sealed class AgentProtocolException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    public AgentProtocolException(string message, int lineNumber, string? rawLine, Exception? innerException = null)
        : base($"{message} (line {lineNumber}: {Truncate(rawLine)})", innerException)
    {
        LineNumber = lineNumber;
        RawLine = rawLine;
    }

    /// <summary>The 1-based line number.</summary>
    public int LineNumber { get; }

    /// <summary>The offending line.</summary>
    public string? RawLine { get; }

    private static string Truncate(string? line) =>
        line is null ? "<none>" : line.Length <= 200 ? line : string.Concat(line.AsSpan(0, 200), "...");
}
