namespace Conduit.Samples.Tests;

/// <summary>Finds the repository and the real agent CLIs that scripts/install-agent-clis.sh installs into .tools/agent-clis.</summary>
internal static class AgentClis
{
    private static readonly Lazy<string> RepositoryRootPath = new(FindRepositoryRoot);

    public static string RepositoryRoot => RepositoryRootPath.Value;

    /// <summary>The folder with <c>claude</c>, <c>codex</c> and <c>gemini</c>; fails the test (never skips it) when they are missing.</summary>
    public static string BinDirectory
    {
        get
        {
            var install = Environment.GetEnvironmentVariable("CONDUIT_AGENT_CLIS_DIR") is { Length: > 0 } custom
                ? custom
                : Path.Combine(RepositoryRoot, ".tools", "agent-clis");
            var bin = Path.Combine(install, "node_modules", ".bin");
            if (!File.Exists(Path.Combine(bin, "claude")))
            {
                Assert.Fail($"The agent CLIs are not installed in {bin}: run scripts/install-agent-clis.sh from the repository root first (./test.sh does).");
            }

            return bin;
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Conduit.Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Conduit.Sdk.sln above {AppContext.BaseDirectory}: cannot find the repository root.");
    }
}
