namespace Conduit;

/// <summary>No run has the given id.</summary>
public sealed class RunNotFoundException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    public RunNotFoundException(string runId)
        : base($"Run \"{runId}\" not found")
    {
        RunId = runId;
    }

    /// <summary>The id asked for.</summary>
    public string RunId { get; }
}
