using Conduit.Runners.Providers;

namespace Conduit.Runners.Tests.Providers;

public sealed class ArgumentMappingTests
{
    private static AgentRequest Request(string provider, string prompt = "say hello") => new() { Prompt = prompt, Runner = new RunnerSpec(provider) };

    [Fact]
    public void Claude_minimal()
    {
        var invocation = new ClaudeCli().BuildInvocation(Request("claude"), []);

        Assert.Equal(["-p", "say hello", "--output-format", "stream-json", "--verbose"], invocation.Arguments);
        Assert.Null(invocation.StandardInput);
    }

    [Fact]
    public void Claude_with_everything()
    {
        var request = new AgentRequest
        {
            Prompt = "fix it",
            Runner = RunnerSpec.Parse("claude/sonnet"),
            Model = "claude-sonnet-4-5",
            ResumeSessionId = "s-1",
            PermissionMode = AgentPermissionMode.AcceptEdits,
            MaxTurns = 5,
        };

        var invocation = new ClaudeCli().BuildInvocation(request, ["--append-system-prompt", "be brief"]);

        Assert.Equal(
            ["-p", "fix it", "--output-format", "stream-json", "--verbose", "--model", "claude-sonnet-4-5", "--resume", "s-1",
             "--permission-mode", "acceptEdits", "--max-turns", "5", "--append-system-prompt", "be brief"],
            invocation.Arguments);
        Assert.Empty(invocation.Warnings);
    }

    [Theory]
    [InlineData(AgentPermissionMode.Default, "default")]
    [InlineData(AgentPermissionMode.ReadOnly, "plan")]
    [InlineData(AgentPermissionMode.AcceptEdits, "acceptEdits")]
    [InlineData(AgentPermissionMode.FullAccess, "bypassPermissions")]
    public void Claude_permission_modes(AgentPermissionMode mode, string flag) => Assert.Equal(flag, ClaudeCli.PermissionModeFlag(mode));

    [Fact]
    public void Claude_prompt_starting_with_a_dash_goes_on_stdin()
    {
        var invocation = new ClaudeCli().BuildInvocation(Request("claude", "--help me"), []);

        Assert.Equal(["-p", "--output-format", "stream-json", "--verbose"], invocation.Arguments);
        Assert.Equal("--help me", invocation.StandardInput);
    }

    [Fact]
    public void A_very_long_prompt_goes_on_stdin()
    {
        var prompt = new string('x', 200_000);

        Assert.Equal(prompt, new ClaudeCli().BuildInvocation(Request("claude", prompt), []).StandardInput);
        Assert.Equal(prompt, new GeminiCli().BuildInvocation(Request("gemini", prompt), []).StandardInput);
        var codex = new CodexCli().BuildInvocation(Request("codex", prompt), []);
        Assert.Equal(prompt, codex.StandardInput);
        Assert.Equal("-", codex.Arguments[^1]);
    }

    [Fact]
    public void Codex_minimal()
    {
        var invocation = new CodexCli().BuildInvocation(Request("codex"), []);

        Assert.Equal(["exec", "--json", "--skip-git-repo-check", "say hello"], invocation.Arguments);
    }

    [Fact]
    public void Codex_with_model_cwd_sandbox_and_args_before_the_prompt()
    {
        var request = new AgentRequest
        {
            Prompt = "create hello.txt",
            Runner = RunnerSpec.Parse("codex/gpt-5"),
            WorkingDirectory = "/work/x",
            PermissionMode = AgentPermissionMode.AcceptEdits,
        };

        var invocation = new CodexCli().BuildInvocation(request, ["-c", "analytics.enabled=false"]);

        Assert.Equal(
            ["exec", "--json", "--skip-git-repo-check", "-m", "gpt-5", "-C", "/work/x", "-s", "workspace-write", "-c", "analytics.enabled=false", "create hello.txt"],
            invocation.Arguments);
    }

    [Theory]
    [InlineData(AgentPermissionMode.ReadOnly, new[] { "-s", "read-only" })]
    [InlineData(AgentPermissionMode.FullAccess, new[] { "--dangerously-bypass-approvals-and-sandbox" })]
    [InlineData(AgentPermissionMode.Default, new string[0])]
    public void Codex_permission_modes(AgentPermissionMode mode, string[] flags)
    {
        var invocation = new CodexCli().BuildInvocation(new AgentRequest { Prompt = "p", Runner = new RunnerSpec("codex"), PermissionMode = mode }, []);

        Assert.Equal(["exec", "--json", "--skip-git-repo-check", .. flags, "p"], invocation.Arguments);
    }

    [Fact]
    public void Codex_resume_puts_id_and_prompt_after_resume_as_the_captured_run_did()
    {
        var request = new AgentRequest
        {
            Prompt = "say hello again",
            Runner = RunnerSpec.Parse("codex/gpt-5.2-codex"),
            ResumeSessionId = "01a20598-63f4-7130-af64-fb8a6a8af12b",
            PermissionMode = AgentPermissionMode.ReadOnly,
        };

        var invocation = new CodexCli().BuildInvocation(request, ["--disable", "plugins"]);

        Assert.Equal(
            ["exec", "resume", "01a20598-63f4-7130-af64-fb8a6a8af12b", "say hello again", "--json", "--skip-git-repo-check",
             "-m", "gpt-5.2-codex", "-c", "sandbox_mode=\"read-only\"", "--disable", "plugins"],
            invocation.Arguments);
    }

    [Fact]
    public void Codex_prompt_starting_with_a_dash_goes_on_stdin_as_dash()
    {
        var invocation = new CodexCli().BuildInvocation(Request("codex", "-rf everything"), []);

        Assert.Equal(["exec", "--json", "--skip-git-repo-check", "-"], invocation.Arguments);
        Assert.Equal("-rf everything", invocation.StandardInput);
    }

    [Fact]
    public void Codex_max_turns_is_a_warning_not_silence()
    {
        var invocation = new CodexCli().BuildInvocation(new AgentRequest { Prompt = "p", Runner = new RunnerSpec("codex"), MaxTurns = 3 }, []);

        Assert.Contains("MaxTurns=3", Assert.Single(invocation.Warnings), StringComparison.Ordinal);
        Assert.DoesNotContain("3", invocation.Arguments);
    }

    [Fact]
    public void Gemini_minimal_and_full()
    {
        Assert.Equal(["-p", "say hello", "-o", "stream-json", "--skip-trust"], new GeminiCli().BuildInvocation(Request("gemini"), []).Arguments);

        var request = new AgentRequest
        {
            Prompt = "create hello.txt",
            Runner = RunnerSpec.Parse("gemini/gemini-2.5-flash"),
            ResumeSessionId = "g-1",
            PermissionMode = AgentPermissionMode.FullAccess,
            MaxTurns = 2,
        };
        var invocation = new GeminiCli().BuildInvocation(request, ["--debug"]);

        Assert.Equal(
            ["-p", "create hello.txt", "-o", "stream-json", "--skip-trust", "-m", "gemini-2.5-flash", "-r", "g-1", "--approval-mode", "yolo", "--debug"],
            invocation.Arguments);
        Assert.Contains("maxSessionTurns", Assert.Single(invocation.Warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AgentPermissionMode.Default, "default")]
    [InlineData(AgentPermissionMode.ReadOnly, "plan")]
    [InlineData(AgentPermissionMode.AcceptEdits, "auto_edit")]
    [InlineData(AgentPermissionMode.FullAccess, "yolo")]
    public void Gemini_approval_modes(AgentPermissionMode mode, string flag) => Assert.Equal(flag, GeminiCli.ApprovalMode(mode));

    [Fact]
    public void Gemini_prompt_starting_with_a_dash_goes_on_stdin_without_p()
    {
        var invocation = new GeminiCli().BuildInvocation(Request("gemini", "-x"), []);

        Assert.Equal(["-o", "stream-json", "--skip-trust"], invocation.Arguments);
        Assert.Equal("-x", invocation.StandardInput);
    }

    [Fact]
    public void Cursor_minimal_and_full()
    {
        Assert.Equal(["-p", "say hello", "--output-format", "stream-json"], new CursorCli().BuildInvocation(Request("cursor"), []).Arguments);

        var request = new AgentRequest
        {
            Prompt = "create hello.txt",
            Runner = RunnerSpec.Parse("cursor/gpt-5"),
            ResumeSessionId = "c-1",
            WorkingDirectory = "/w",
            PermissionMode = AgentPermissionMode.FullAccess,
        };
        Assert.Equal(
            ["-p", "create hello.txt", "--output-format", "stream-json", "--model", "gpt-5", "--resume", "c-1", "--force", "--workspace", "/w", "--x"],
            new CursorCli().BuildInvocation(request, ["--x"]).Arguments);
    }

    [Fact]
    public void Cursor_prompt_starting_with_a_dash_comes_last_after_the_end_of_options_marker()
    {
        var invocation = new CursorCli().BuildInvocation(Request("cursor", "-v"), ["--a"]);

        Assert.Equal(["-p", "--output-format", "stream-json", "--a", "--", "-v"], invocation.Arguments);
        Assert.Null(invocation.StandardInput);
    }

    [Fact]
    public void No_permission_mode_passes_no_permission_flag()
    {
        foreach (var (cli, provider) in new (AgentCli, string)[] { (new ClaudeCli(), "claude"), (new GeminiCli(), "gemini"), (new CursorCli(), "cursor") })
        {
            var args = cli.BuildInvocation(Request(provider), []).Arguments;
            Assert.DoesNotContain(args, a => a is "--permission-mode" or "--approval-mode" or "--force");
        }
    }
}
