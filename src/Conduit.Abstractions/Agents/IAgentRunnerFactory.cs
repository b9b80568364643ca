namespace Conduit;

/// <summary>Resolves the runner for a provider.</summary>
public interface IAgentRunnerFactory
{
    /// <summary>The providers this factory can resolve.</summary>
    IReadOnlyList<string> Providers { get; }

    /// <summary>Returns the runner for <paramref name="spec"/>'s provider.</summary>
    /// <exception cref="UnknownProviderException">No runner is registered for the provider.</exception>
    IAgentRunner GetRunner(RunnerSpec spec);
}
