using System.Text.Json;

namespace Conduit.Testing.Tests;

/// <summary>How a test wants the CLI to behave; mapped onto each CLI's own flags by <see cref="AgentCliHarness"/>.</summary>
internal enum CliPermissions
{
    /// <summary>The CLI's headless default (writes need approval, which headless means refused).</summary>
    Default,

    /// <summary>Writes refused: claude --permission-mode default, codex -s read-only, gemini --approval-mode plan (as the runners map ReadOnly).</summary>
    ReadOnly,

    /// <summary>Writes allowed: claude --dangerously-skip-permissions, codex -s workspace-write, gemini --approval-mode yolo.</summary>
    Permissive,
}

internal sealed class CliInvocation
{
    public required string Prompt { get; init; }

    public string? ResumeSessionId { get; init; }

    public CliPermissions Permissions { get; init; } = CliPermissions.Default;

    public int? MaxTurns { get; init; }
}

/// <summary>
/// One test's world: its own fake model server, working directory and fake environment for one provider, and a
/// minimal command line per CLI (the runners own the real mapping; this only drives the CLIs directly).
/// </summary>
internal sealed class AgentCliHarness : IAsyncDisposable
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    private AgentCliHarness(string provider, FakeModelServer server, FakeModelEnvironment environment, string workingDirectory)
    {
        Provider = provider;
        Server = server;
        Environment = environment;
        WorkingDirectory = workingDirectory;
    }

    public string Provider { get; }

    public FakeModelServer Server { get; }

    public FakeModelEnvironment Environment { get; }

    public string WorkingDirectory { get; }

    public static async Task<AgentCliHarness> StartAsync(string provider, FakeModelEnvironmentOptions? environmentOptions = null)
    {
        AgentClis.Executable(provider);
        var server = await FakeModelServer.StartAsync();
        var environment = server.CreateEnvironment(provider, environmentOptions);
        var workingDirectory = Path.Combine(Path.GetTempPath(), "conduit-fake-work-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(workingDirectory);
        return new AgentCliHarness(provider, server, environment, workingDirectory);
    }

    public Task<CliRunResult> RunAsync(CliInvocation invocation) =>
        CliProcess.RunAsync(AgentClis.Executable(Provider), Arguments(invocation), WorkingDirectory, Environment.EnvironmentVariables, RunTimeout);

    public Task<CliRunResult> RunAsync(string prompt, CliPermissions permissions = CliPermissions.Default) =>
        RunAsync(new CliInvocation { Prompt = prompt, Permissions = permissions });

    private List<string> Arguments(CliInvocation invocation)
    {
        var arguments = new List<string>();
        switch (Provider)
        {
            case AgentProviders.Claude:
                arguments.AddRange(["-p", invocation.Prompt, "--output-format", "stream-json", "--verbose"]);
                if (invocation.ResumeSessionId is { } claudeSession)
                {
                    arguments.AddRange(["--resume", claudeSession]);
                }

                arguments.AddRange(invocation.Permissions switch
                {
                    CliPermissions.ReadOnly => ["--permission-mode", "default"],
                    CliPermissions.Permissive => ["--dangerously-skip-permissions"],
                    _ => [],
                });
                if (invocation.MaxTurns is { } claudeTurns)
                {
                    arguments.AddRange(["--max-turns", claudeTurns.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                }

                break;

            case AgentProviders.Codex:
                arguments.Add("exec");
                if (invocation.ResumeSessionId is { } thread)
                {
                    arguments.AddRange(["resume", thread]);
                }

                arguments.AddRange(["--json", "--skip-git-repo-check"]);
                if (invocation.ResumeSessionId is null)
                {
                    arguments.AddRange(invocation.Permissions switch
                    {
                        CliPermissions.ReadOnly => ["-s", "read-only"],
                        CliPermissions.Permissive => ["-s", "workspace-write"],
                        _ => [],
                    });
                }

                arguments.AddRange(Environment.Arguments);
                arguments.Add(invocation.Prompt);
                break;

            case AgentProviders.Gemini:
                arguments.AddRange(["-p", invocation.Prompt, "-o", "stream-json", "-m", "gemini-2.5-flash"]);
                if (invocation.ResumeSessionId is { } geminiSession)
                {
                    arguments.AddRange(["--resume", geminiSession]);
                }

                arguments.AddRange(invocation.Permissions switch
                {
                    CliPermissions.ReadOnly => ["--approval-mode", "plan"],
                    CliPermissions.Permissive => ["--approval-mode", "yolo"],
                    _ => [],
                });
                break;
        }

        return arguments;
    }

    /// <summary>The session (thread) id the CLI reported: claude system/init, codex thread.started, gemini init.</summary>
    public string? SessionId(CliRunResult result)
    {
        foreach (var line in result.JsonLines)
        {
            var type = line.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (Provider == AgentProviders.Codex && type == "thread.started")
            {
                return line.GetProperty("thread_id").GetString();
            }

            if (type is "system" or "init" && line.TryGetProperty("session_id", out var session))
            {
                return session.GetString();
            }
        }

        return null;
    }

    /// <summary>The final assistant text: claude result.result, codex last agent_message, gemini joined assistant deltas.</summary>
    public string? FinalText(CliRunResult result)
    {
        string? text = null;
        var geminiText = new System.Text.StringBuilder();
        foreach (var line in result.JsonLines)
        {
            var type = line.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (Provider)
            {
                case AgentProviders.Claude when type == "result" && line.TryGetProperty("result", out var value):
                    text = value.GetString();
                    break;
                case AgentProviders.Codex when type == "item.completed"
                    && line.GetProperty("item").GetProperty("type").GetString() == "agent_message":
                    text = line.GetProperty("item").GetProperty("text").GetString();
                    break;
                case AgentProviders.Gemini when type == "message" && line.GetProperty("role").GetString() == "assistant":
                    geminiText.Append(line.GetProperty("content").GetString());
                    text = geminiText.ToString();
                    break;
            }
        }

        return text;
    }

    /// <summary>The JSON lines of a given type.</summary>
    public static IReadOnlyList<JsonElement> Lines(CliRunResult result, string type) =>
        result.JsonLines.Where(line => line.TryGetProperty("type", out var t) && t.GetString() == type).ToArray();

    /// <summary>Asserts that only the fake model API was contacted: no unknown paths, nothing through the refusing proxy.</summary>
    public void AssertOnlyTheFakeModelApiWasContacted()
    {
        Assert.True(Server.UnexpectedRequests.Count == 0, "Unexpected requests: " + string.Join("; ", Server.UnexpectedRequests));
        Assert.True(Server.BlockedConnections.Count == 0, "Connections to other hosts: " + string.Join("; ", Server.BlockedConnections));
    }

    public async ValueTask DisposeAsync()
    {
        Environment.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
