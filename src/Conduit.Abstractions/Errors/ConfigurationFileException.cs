namespace Conduit;

/// <summary>A configuration or policy file is unreadable or invalid. The message names the file, line, column and key.</summary>
public sealed class ConfigurationFileException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="line">The 1-based line, when known.</param>
    /// <param name="column">The 1-based column, when known.</param>
    /// <param name="key">The key path (e.g. <c>conduit.server.port</c>), when known.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ConfigurationFileException(string filePath, int? line, int? column, string? key, string problem, Exception? innerException = null)
        : base(Format(filePath, line, column, key, problem), innerException)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        Key = key;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line, when known.</summary>
    public int? Line { get; }

    /// <summary>The 1-based column, when known.</summary>
    public int? Column { get; }

    /// <summary>The key path, when known.</summary>
    public string? Key { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Format(string filePath, int? line, int? column, string? key, string problem)
    {
        var location = filePath;
        if (line is not null)
        {
            location += $":{line}";
            if (column is not null)
            {
                location += $":{column}";
            }
        }

        return key is null ? $"{location}: {problem}" : $"{location}: {key}: {problem}";
    }
}
