using System.Text.Json;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests.Chat;

/// <summary><c>conduit chat</c> end to end: the CLI, the configured runner, and the fake agent replaying real captures.</summary>
public sealed class ChatCommandTests : IDisposable
{
    private readonly ChatSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    public static TheoryData<string, string, string, string> TextCaptures => new()
    {
        { "claude", "claude-text.jsonl", "hello from fake model", "session=" },
        { "codex", "codex-text.jsonl", "hello from fake model", "session=" },
        { "gemini", "gemini-text.jsonl", "hello from fake model", "session=" },
        { "cursor", "cursor-text.jsonl", "", "session=" },
    };

    [Theory]
    [MemberData(nameof(TextCaptures))]
    public async Task Chat_streams_the_text_and_ends_with_a_one_line_summary(string provider, string capture, string text, string session)
    {
        sandbox.UseFakeAgent(provider, capture);

        var (exitCode, output, error) = await sandbox.RunAsync(["chat", "say hello", "--runner", provider]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains(text, output, StringComparison.Ordinal);
        var summary = Assert.Single(error.Split('\n'), l => l.StartsWith("[conduit] ", StringComparison.Ordinal));
        Assert.StartsWith($"[conduit] succeeded runner={provider} ", summary, StringComparison.Ordinal);
        Assert.Contains(session, summary, StringComparison.Ordinal);
        Assert.DoesNotContain("session=- ", summary, StringComparison.Ordinal);
        Assert.Contains("tokens=in ", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bare_prompt_shorthand_runs_chat()
    {
        sandbox.UseFakeAgent("codex", "codex-text.jsonl");

        var (exitCode, output, _) = await sandbox.RunAsync(["say hello", "--runner", "codex"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("hello from fake model", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_prints_one_normalized_event_a_line_ending_with_completed()
    {
        sandbox.UseFakeAgent("claude", "claude-tool.jsonl");

        var (exitCode, output, _) = await sandbox.RunAsync(["chat", "write hello.txt", "--runner", "claude", "--json"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        var types = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("type").GetString())
            .ToList();
        Assert.Equal("session_started", types[0]);
        Assert.Contains("tool_call_started", types);
        Assert.Contains("usage", types);
        Assert.Equal("completed", types[^1]);
    }

    [Fact]
    public async Task Raw_prints_the_providers_own_lines_verbatim()
    {
        sandbox.UseFakeAgent("codex", "codex-tool.jsonl");

        var (exitCode, output, _) = await sandbox.RunAsync(["chat", "hi", "--runner", "codex", "--raw"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        var expected = File.ReadAllLines(ChatSandbox.Capture("codex-tool.jsonl")).Where(l => l.Length > 0);
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Args_after_double_dash_replace_the_configured_args_and_reach_the_cli_verbatim()
    {
        sandbox.UseFakeAgent("claude", "claude-text.jsonl", args: "[\"--from-config\"]");

        var (exitCode, _, _) = await sandbox.RunAsync(["chat", "hi", "--runner", "claude/sonnet-4", "--", "--foo", "bar"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        var argv = RecordedArgv();
        Assert.Equal(["--foo", "bar"], argv[^2..]);
        Assert.DoesNotContain("--from-config", argv);
        Assert.Contains("sonnet-4", argv);
    }

    [Fact]
    public async Task Configured_args_apply_when_none_are_given()
    {
        sandbox.UseFakeAgent("claude", "claude-text.jsonl", args: "[\"--from-config\"]");

        await sandbox.RunAsync(["chat", "hi", "--runner", "claude"]);

        Assert.Contains("--from-config", RecordedArgv());
    }

    [Fact]
    public async Task A_dash_prompt_is_read_from_stdin()
    {
        sandbox.UseFakeAgent("codex", "codex-text.jsonl");

        var (exitCode, _, _) = await sandbox.RunAsync(["chat", "-", "--runner", "codex"], stdin: "prompt from stdin");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var record = JsonDocument.Parse(File.ReadAllText(sandbox.ArgvFile));
        var argv = record.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()).ToList();
        var stdin = record.RootElement.TryGetProperty("stdin", out var s) ? s.GetString() : null;
        Assert.True(argv.Contains("prompt from stdin") || stdin == "prompt from stdin");
    }

    [Fact]
    public async Task An_unknown_provider_is_a_usage_error_naming_the_known_ones()
    {
        var (exitCode, _, error) = await sandbox.RunAsync(["chat", "hi", "--runner", "bogus"]);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("Unsupported runner provider \"bogus\". Known providers: claude, codex, cursor, gemini.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_cli_says_how_to_install_it()
    {
        File.WriteAllText(Path.Combine(sandbox.ConduitHome, "config.yaml"), "conduit:\n  runners:\n    gemini: { executable: /nonexistent/gemini }\n");

        var (exitCode, _, error) = await sandbox.RunAsync(["chat", "hi", "--runner", "gemini"]);

        Assert.Equal(ExitCodes.ProviderNotInstalled, exitCode);
        Assert.Contains("npm install -g @google/gemini-cli", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_that_fails_exits_with_the_agent_failed_code()
    {
        sandbox.UseFakeAgent("claude", "claude-err500.jsonl", new Dictionary<string, string> { ["FAKE_AGENT_EXIT_CODE"] = "1" });

        var (exitCode, _, error) = await sandbox.RunAsync(["chat", "hi", "--runner", "claude"]);

        Assert.Equal(ExitCodes.AgentFailed, exitCode);
        Assert.Contains("[conduit] api_error runner=claude", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idle_agent_times_out_and_leaves_no_process()
    {
        sandbox.UseFakeAgent("codex", "codex-text-quiet.jsonl", new Dictionary<string, string> { ["FAKE_AGENT_HANG"] = "1" });

        var (exitCode, _, error) = await sandbox.RunAsync(["chat", "hi", "--runner", "codex", "--idle-timeout", "1s"]);

        Assert.Equal(ExitCodes.TimedOut, exitCode);
        Assert.Contains("[conduit] timed_out", error, StringComparison.Ordinal);
        Assert.Empty(sandbox.SurvivingProcesses());
    }

    [Fact]
    public async Task Cancelling_kills_the_agent_tree_and_exits_with_the_cancelled_code()
    {
        sandbox.UseFakeAgent("claude", "claude-text.jsonl", new Dictionary<string, string>
        {
            ["FAKE_AGENT_HANG"] = "1",
            ["FAKE_AGENT_SPAWN_GRANDCHILD"] = "both",
        });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        var (exitCode, _, error) = await sandbox.RunAsync(["chat", "hi", "--runner", "claude"], cancellationToken: cancellation.Token);

        Assert.Equal(ExitCodes.Cancelled, exitCode);
        Assert.Contains("[conduit] cancelled", error, StringComparison.Ordinal);
        Assert.Empty(sandbox.SurvivingProcesses());
    }

    [Fact]
    public async Task A_bad_timeout_is_a_usage_error_naming_the_option()
    {
        var (exitCode, _, error) = await sandbox.RunAsync(["chat", "hi", "--runner", "claude", "--timeout", "soon"]);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--timeout \"soon\" is not a duration", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_lists_every_provider_with_its_path_or_install_hint()
    {
        sandbox.UseFakeAgent("claude", "claude-text.jsonl");
        File.AppendAllText(Path.Combine(sandbox.ConduitHome, "config.yaml"), "\n    cursor: { executable: /nonexistent/cursor-agent }\n");

        var (exitCode, output, _) = await sandbox.RunAsync(["doctor"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains($"claude  ok        {ChatSandbox.FakeAgentPath}", output, StringComparison.Ordinal);
        Assert.Contains("cursor  missing   /nonexistent/cursor-agent: install with", output, StringComparison.Ordinal);
    }

    private List<string> RecordedArgv()
    {
        using var record = JsonDocument.Parse(File.ReadAllText(sandbox.ArgvFile));
        return record.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToList();
    }
}
