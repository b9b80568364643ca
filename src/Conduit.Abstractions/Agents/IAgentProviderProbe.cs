namespace Conduit;

/// <summary>Finds out which agent CLIs are installed: where, and which version (<c>conduit doctor</c>, the dashboard).</summary>
public interface IAgentProviderProbe
{
    /// <summary>Probes one provider's CLI, as its runner would start it (configured executable, else its name on <c>PATH</c>).</summary>
    Task<AgentProviderStatus> ProbeAsync(string provider, CancellationToken cancellationToken = default);
}

/// <summary>Whether a provider's CLI was found, where, and its version.</summary>
public sealed class AgentProviderStatus
{
    /// <summary>The provider.</summary>
    public required string Provider { get; init; }

    /// <summary>The executable looked for (a name or a configured path).</summary>
    public required string Executable { get; init; }

    /// <summary>Whether it was found and could be started.</summary>
    public required bool Installed { get; init; }

    /// <summary>The full path it resolved to.</summary>
    public string? Path { get; init; }

    /// <summary>What <c>--version</c> printed, when it printed something.</summary>
    public string? Version { get; init; }

    /// <summary>How to install it, when it is missing.</summary>
    public string? InstallHint { get; init; }

    /// <summary>Why it could not be used, when it could not.</summary>
    public string? Problem { get; init; }
}
