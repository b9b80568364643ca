namespace Conduit.Configuration;

/// <summary>A project id is not in the registry. The message lists the ids that are.</summary>
public sealed class ProjectNotFoundException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="projectId">The id asked for.</param>
    /// <param name="knownProjectIds">The registered ids.</param>
    public ProjectNotFoundException(string projectId, IReadOnlyList<string> knownProjectIds)
        : base(Format(projectId, knownProjectIds))
    {
        ProjectId = projectId;
        KnownProjectIds = knownProjectIds;
    }

    /// <summary>The id asked for.</summary>
    public string ProjectId { get; }

    /// <summary>The registered ids.</summary>
    public IReadOnlyList<string> KnownProjectIds { get; }

    private static string Format(string projectId, IReadOnlyList<string> known) => known.Count == 0
        ? $"Project \"{projectId}\" not found; no projects are registered (add one with: conduit projects add <id> <path>)"
        : $"Project \"{projectId}\" not found; known projects: {string.Join(", ", known)}";
}
