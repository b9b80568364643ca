using System.Net;
using System.Text.Json;

namespace Conduit.Compatibility.Tests;

/// <summary>
/// Section 8 of the original's reference: where it answered wrongly, we answer correctly. One test per bug the
/// section 9 cases do not already cover (bug 3 is in cases 9 and 22, bug 6's model and session id in cases 3 and 6,
/// bug 9's codex flag in case 1).
/// </summary>
public sealed class CorrectedBugCases : IDisposable
{
    private readonly CompatibilitySandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Bug04_a_missing_provider_is_a_clear_503_and_the_daemon_keeps_serving()
    {
        _sandbox.WriteConfig(missingProvider: "gemini");
        await using var daemon = await _sandbox.StartDaemonAsync();

        using var missing = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi","runner":{"provider":"gemini"}}""");
        var problem = await RunningDaemon.JsonAsync(missing);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, missing.StatusCode);
        Assert.Contains("gemini", problem["error"]!.GetValue<string>());
        using var next = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi"}""");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Bug05_concurrent_chats_on_different_runners_each_run_their_own_prompt()
    {
        var codexArgv = Path.Combine(_sandbox.Scratch, "codex-argv.json");
        var claudeArgv = Path.Combine(_sandbox.Scratch, "claude-argv.json");
        _sandbox.WriteConfig(agentSettings: new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["*"] = new Dictionary<string, string> { ["FAKE_AGENT_DELAY_MS"] = "150" },
            ["codex"] = new Dictionary<string, string> { ["FAKE_AGENT_RECORD_ARGV"] = codexArgv },
            ["claude"] = new Dictionary<string, string> { ["FAKE_AGENT_RECORD_ARGV"] = claudeArgv },
        });
        await using var daemon = await _sandbox.StartDaemonAsync();

        var codex = daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"alpha","runner":{"provider":"codex"}}""");
        var claude = daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"beta","runner":{"provider":"claude"}}""");
        using var codexResponse = await codex;
        using var claudeResponse = await claude;

        Assert.Equal("completed", (await RunningDaemon.JsonAsync(codexResponse))["exit"]!["finalState"]!.GetValue<string>());
        Assert.Equal("completed", (await RunningDaemon.JsonAsync(claudeResponse))["exit"]!["finalState"]!.GetValue<string>());
        Assert.Equal("alpha", Argv(codexArgv)[^1]);
        Assert.Equal("beta", Argv(claudeArgv)[1]);
    }

    [Fact]
    public async Task Bug06_a_run_timeout_is_enforced_and_kills_the_agent()
    {
        _sandbox.WriteConfig(agentSettings: new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["codex"] = new Dictionary<string, string> { ["FAKE_AGENT_HANG"] = "1" },
        });
        _sandbox.WritePolicy("fix_bug.v1", "policy_id: fix_bug.v1\ntask_id: fix_bug\nrunner: {provider: codex}\n");
        await using var daemon = await _sandbox.StartDaemonAsync();

        var runId = await daemon.CreateRunAsync("""{"project_id":"p","policy_id":"fix_bug.v1","input":{},"timeout_seconds":1}""");
        var run = await daemon.WaitForRunAsync(runId, TimeSpan.FromSeconds(30));

        // The original ignored timeout_seconds: a hanging agent kept the run `running` forever.
        Assert.Equal("timed_out", run["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bug06_a_chat_timeout_is_enforced_and_exits_124()
    {
        _sandbox.WriteConfig(agentSettings: new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["codex"] = new Dictionary<string, string> { ["FAKE_AGENT_HANG"] = "1" },
        });

        var result = await _sandbox.RunCliAsync("chat", "hi", "--runner", "codex", "--timeout", "1s");

        Assert.Equal(124, result.ExitCode);
        Assert.Contains("[conduit] timed_out", result.Error);
    }

    [Fact]
    public async Task Bug07_a_policy_script_command_keeps_its_arguments()
    {
        var marker = Path.Combine(_sandbox.Scratch, "complete.txt");
        var policy = _sandbox.WritePolicy("fix_bug.v1", """
            policy_id: fix_bug.v1
            task_id: fix_bug
            runner: {provider: codex}
            hooks: {on_failure: ["./scripts/complete.sh failure"]}
            checks: [{name: tests, command: "exit 1", on_fail: fail}]
            """);
        Directory.CreateDirectory(Path.Combine(policy, "scripts"));
        CompatibilitySandbox.WriteScript(policy, "scripts/complete.sh", $"echo \"$1\" >> '{marker}'");
        await using var daemon = await _sandbox.StartDaemonAsync();

        var run = await daemon.WaitForRunAsync(await daemon.CreateRunAsync("""{"project_id":"p","policy_id":"fix_bug.v1","input":{}}"""));

        // The original quoted `./scripts/complete.sh failure` as one path: exit 127, and on_failure ran twice.
        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Equal("Policy check requested terminal failure", run["failure_summary"]!.GetValue<string>());
        Assert.Equal(["failure"], File.ReadAllLines(marker));
    }

    private static string[] Argv(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return [.. document.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!)];
    }
}
