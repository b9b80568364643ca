namespace Conduit.Configuration;

/// <summary>One problem found in a configuration file: where it is and what is wrong.</summary>
public sealed class ConfigurationDiagnostic
{
    /// <summary>The file (or, for overrides, the flag or request field).</summary>
    public required string FilePath { get; init; }

    /// <summary>The 1-based line, when known.</summary>
    public int? Line { get; init; }

    /// <summary>The 1-based column, when known.</summary>
    public int? Column { get; init; }

    /// <summary>The key path, e.g. <c>conduit.server.port</c>, when known.</summary>
    public string? Key { get; init; }

    /// <summary>What is wrong.</summary>
    public required string Problem { get; init; }

    /// <summary>The exception for this diagnostic.</summary>
    public ConfigurationFileException ToException(Exception? innerException = null) =>
        new(FilePath, Line, Column, Key, Problem, innerException);

    /// <summary><c>file:line:column: key: problem</c>.</summary>
    public override string ToString() => ToException().Message;

    /// <summary>
    /// One exception for several diagnostics of the same file: located at the first one, its message listing all of them
    /// (one per line).
    /// </summary>
    public static ConfigurationFileException ToException(IReadOnlyList<ConfigurationDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (diagnostics.Count == 0)
        {
            throw new ArgumentException("At least one diagnostic is needed.", nameof(diagnostics));
        }

        var first = diagnostics[0];
        if (diagnostics.Count == 1)
        {
            return first.ToException();
        }

        var problem = first.Problem + Environment.NewLine
            + $"{diagnostics.Count - 1} more problem(s):" + Environment.NewLine
            + string.Join(Environment.NewLine, diagnostics.Skip(1).Select(d => "  " + d));
        return new ConfigurationFileException(first.FilePath, first.Line, first.Column, first.Key, problem);
    }
}
