namespace Conduit.Policies;

/// <summary>A policy file is missing, unreadable or invalid. The message names the file, line and field.</summary>
public sealed class PolicyInvalidException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    public PolicyInvalidException(string filePath, int? line, int? column, string? field, string problem, Exception? innerException = null)
        : base(Format(filePath, line, column, field, problem), innerException)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        Field = field;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line, when known.</summary>
    public int? Line { get; }

    /// <summary>The 1-based column, when known.</summary>
    public int? Column { get; }

    /// <summary>The field path (e.g. <c>checks[1].on_fail</c>), when known.</summary>
    public string? Field { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Format(string filePath, int? line, int? column, string? field, string problem)
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

        return field is null ? $"{location}: {problem}" : $"{location}: {field}: {problem}";
    }
}

/// <summary>No policy with that id exists in the project.</summary>
public sealed class PolicyNotFoundException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    public PolicyNotFoundException(string policyId, string projectId)
        : base($"Policy \"{policyId}\" not found for project \"{projectId}\"")
    {
        PolicyId = policyId;
        ProjectId = projectId;
    }

    /// <summary>The policy id asked for.</summary>
    public string PolicyId { get; }

    /// <summary>The project.</summary>
    public string ProjectId { get; }
}

/// <summary>The run queue already holds <c>maxQueuedRuns</c> runs.</summary>
public sealed class QueueFullException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    public QueueFullException(int maxQueuedRuns)
        : base($"Queue capacity exceeded: {maxQueuedRuns} run(s) already queued (queue.maxQueuedRuns).")
    {
        MaxQueuedRuns = maxQueuedRuns;
    }

    /// <summary>The limit.</summary>
    public int MaxQueuedRuns { get; }
}
