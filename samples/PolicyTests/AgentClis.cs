namespace PolicyTests;

/// <summary>
/// Where the agent CLIs are: <c>CONDUIT_AGENT_CLIS_DIR</c>, else the repository's <c>.tools/agent-clis</c> (installed by
/// scripts/install-agent-clis.sh), else <see langword="null"/> for the ones on <c>PATH</c>.
/// </summary>
internal static class AgentClis
{
    public static string? BinDirectory { get; } = Find();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("CONDUIT_AGENT_CLIS_DIR") is { Length: > 0 } custom)
        {
            return Path.Combine(custom, "node_modules", ".bin");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var bin = Path.Combine(directory.FullName, ".tools", "agent-clis", "node_modules", ".bin");
            if (Directory.Exists(bin))
            {
                return bin;
            }
        }

        return null;
    }
}
