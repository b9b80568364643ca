namespace Conduit.Runners.Tests.Infrastructure;

/// <summary>
/// The fake agent (tests/Conduit.FakeAgent), built and copied next to the test assembly through a ProjectReference.
/// It replays files, exits with a chosen code, hangs, ignores signals and leaves grandchildren on request, configured
/// by arguments or FAKE_AGENT_* environment variables (see docs/processes.md); unknown arguments are ignored, so it
/// accepts the real CLIs' flags.
/// </summary>
internal static class FakeAgent
{
    /// <summary>The <c>fake-agent</c> apphost next to the test assembly.</summary>
    public static string ExecutablePath { get; } = Locate();

    /// <summary>
    /// Makes the fake agent answer to <paramref name="name"/> (e.g. <c>claude</c>) in <paramref name="directory"/>,
    /// through a symbolic link, so a runner that looks its CLI up on <c>PATH</c> starts the fake agent.
    /// </summary>
    /// <returns>The path of the link.</returns>
    public static string InstallAs(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var link = Path.Combine(directory, name);
        File.CreateSymbolicLink(link, ExecutablePath);
        return link;
    }

    private static string Locate()
    {
        var path = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fake-agent.exe" : "fake-agent");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"fake-agent was not built next to the tests: {path}. Is the ProjectReference to Conduit.FakeAgent in place?", path);
    }
}
