namespace Conduit;

/// <summary>Runs one agent CLI headless and streams its output as normalized events.</summary>
/// <remarks>
/// The stream always ends with exactly one <see cref="CompletedEvent"/>, also when the run fails, times out or
/// is cancelled through the token passed to <see cref="StreamAsync"/> (the process tree is
/// killed first). Expected endings are data on that event; exceptions are reserved for misuse and for a CLI that
/// cannot be found (<see cref="ProviderNotInstalledException"/>).
/// </remarks>
public interface IAgentRunner
{
    /// <summary>Starts the agent for <paramref name="request"/> and yields its events as they arrive.</summary>
    IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, CancellationToken cancellationToken = default);
}
