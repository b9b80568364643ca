namespace Conduit.Runners.Providers;

/// <summary>The CLI definition of each provider.</summary>
internal static class AgentClis
{
    private static readonly Dictionary<string, AgentCli> ByProvider = new(StringComparer.Ordinal)
    {
        [AgentProviders.Claude] = new ClaudeCli(),
        [AgentProviders.Codex] = new CodexCli(),
        [AgentProviders.Gemini] = new GeminiCli(),
        [AgentProviders.Cursor] = new CursorCli(),
    };

    /// <exception cref="UnknownProviderException">The provider is unknown.</exception>
    public static AgentCli For(string provider) =>
        ByProvider.TryGetValue(provider, out var cli) ? cli : throw new UnknownProviderException(provider);
}
