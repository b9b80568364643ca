namespace Conduit.Runners.Tests.Infrastructure;

/// <summary>
/// The fake agent (tests/Conduit.FakeAgent), built and copied next to the test assembly through a ProjectReference.
/// It replays files, exits with a chosen code, hangs, ignores signals and leaves grandchildren on request, configured
/// by arguments or FAKE_AGENT_* environment variables (see FakeAgentOptions there).
/// </summary>
internal static class FakeAgent
{
    /// <summary>The <c>fake-agent</c> apphost next to the test assembly.</summary>
    public static string ExecutablePath { get; } = Locate();

    private static string Locate()
    {
        var path = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fake-agent.exe" : "fake-agent");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"fake-agent was not built next to the tests: {path}. Is the ProjectReference to Conduit.FakeAgent in place?", path);
    }
}
