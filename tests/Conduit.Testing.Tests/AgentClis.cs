namespace Conduit.Testing.Tests;

/// <summary>Finds the real agent CLIs that scripts/install-agent-clis.sh installs into .tools/agent-clis.</summary>
internal static class AgentClis
{
    private static readonly Lazy<string> RepositoryRootPath = new(FindRepositoryRoot);

    public static string RepositoryRoot => RepositoryRootPath.Value;

    public static string InstallDirectory =>
        Environment.GetEnvironmentVariable("CONDUIT_AGENT_CLIS_DIR") is { Length: > 0 } custom
            ? custom
            : Path.Combine(RepositoryRoot, ".tools", "agent-clis");

    /// <summary>The CLI's executable; fails the test (never skips it) when the CLIs are not installed.</summary>
    public static string Executable(string provider)
    {
        var path = Path.Combine(InstallDirectory, "node_modules", ".bin", provider);
        if (!File.Exists(path))
        {
            Assert.Fail(
                $"The {provider} CLI is not installed at {path}. These tests run the real agent CLIs: "
                + "run scripts/install-agent-clis.sh from the repository root first (it installs the pinned versions with npm into .tools/agent-clis).");
        }

        return path;
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
