namespace Conduit;

/// <summary>A runner spec or configuration named a provider Conduit does not know.</summary>
public sealed class UnknownProviderException : ConduitException
{
    /// <summary>Creates the exception for <paramref name="provider"/>.</summary>
    public UnknownProviderException(string provider)
        : base($"Unsupported runner provider \"{provider}\". Known providers: {string.Join(", ", AgentProviders.All)}.")
    {
        Provider = provider;
    }

    /// <summary>The provider that was asked for.</summary>
    public string Provider { get; }
}
