using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests.Chat;

/// <summary><c>conduit chat --fake-model</c>: the REAL codex and claude CLIs (installed by scripts/install-agent-clis.sh) against the built-in fake model API.</summary>
public sealed class FakeModelChatTests : IDisposable
{
    private readonly ChatSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Theory]
    [InlineData("codex")]
    [InlineData("claude")]
    public async Task Fake_model_runs_the_real_cli_offline_and_prints_the_scripted_reply(string provider)
    {
        var executable = Path.Combine(AgentClisDirectory(), provider);
        File.WriteAllText(Path.Combine(sandbox.ConduitHome, "config.yaml"), $"conduit:\n  runners:\n    {provider}: {{ executable: \"{executable}\" }}\n");

        var (exitCode, output, error) = await sandbox.RunAsync(["chat", "Say hello", "--runner", provider, "--fake-model", "hello via conduit"]);

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Equal("hello via conduit", output.Trim());
        Assert.Contains($"[conduit] succeeded runner={provider} session=", error, StringComparison.Ordinal);
    }

    private static string AgentClisDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Conduit.Sdk.sln")))
            {
                var bin = Path.Combine(directory.FullName, ".tools", "agent-clis", "node_modules", ".bin");
                return Directory.Exists(bin)
                    ? bin
                    : throw new InvalidOperationException($"The agent CLIs are not installed in {bin}: run scripts/install-agent-clis.sh (./test.sh does).");
            }
        }

        throw new InvalidOperationException("Conduit.Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}
