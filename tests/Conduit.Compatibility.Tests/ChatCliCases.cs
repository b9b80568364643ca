namespace Conduit.Compatibility.Tests;

/// <summary>
/// Section 9, cases 1 to 4: <c>conduit chat</c> (and the bare-prompt shorthand) with the fake agent as the provider.
/// Argv is ours where section 8 says the original's was wrong (bug 6: the model is passed; bug 9: codex gets
/// <c>--skip-git-repo-check</c> and <c>-C</c> so it runs outside git).
/// </summary>
public sealed class ChatCliCases : IDisposable
{
    private readonly CompatibilitySandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Case01_bare_prompt_runs_codex_with_exec_json()
    {
        // The built `conduit` executable as a real child process: argv, stdout and exit code as a shell sees them.
        var result = await _sandbox.RunConduitProcessAsync("hi", "--runner", "codex", "--raw");

        Assert.True(result.ExitCode == 0, result.Error);
        // Bug 9: the original passed `exec --json hi` only, so codex refused to run outside a git repository.
        Assert.Equal(["exec", "--json", "--skip-git-repo-check", "-C", _sandbox.Project, "hi"], _sandbox.RecordedArgv());
        // --raw prints the provider's own stdout lines verbatim, as the original did.
        Assert.Equal(File.ReadAllText(CompatibilitySandbox.Capture("codex-text.jsonl")).TrimEnd('\n'), result.Out.TrimEnd('\n'));
    }

    [Fact]
    public async Task Case01_without_raw_prints_our_normalized_text_and_a_failed_agent_exits_1()
    {
        var text = await _sandbox.RunCliAsync("hi", "--runner", "codex");
        Assert.Equal(0, text.ExitCode);
        Assert.Equal("hello from fake model\n", text.Out);
        Assert.Contains("[conduit] succeeded runner=codex session=01a20597-c407-73e3-817e-dd610882dfc4", text.Error);

        _sandbox.WriteConfig(agentSettings: new Dictionary<string, IReadOnlyDictionary<string, string>> { ["codex"] = new Dictionary<string, string> { ["FAKE_AGENT_EXIT_CODE"] = "3" } });
        var failed = await _sandbox.RunCliAsync("hi", "--runner", "codex", "--raw");
        // Deliberate difference: the exit code says how the run ended (docs/cli.md, "Exit codes": 1 = the agent failed)
        // instead of repeating the provider's own code.
        Assert.Equal(1, failed.ExitCode);
    }

    [Fact]
    public async Task Case02_args_after_double_dash_replace_the_configured_claude_args()
    {
        _sandbox.WriteConfig(claudeArgs: "[\"--from-config\"]");

        var result = await _sandbox.RunCliAsync("chat", "x", "--runner", "claude", "--", "--foo");

        Assert.True(result.ExitCode == 0, result.Error);
        // The original also added --include-partial-messages (token deltas); we do not need them to stream text.
        Assert.Equal(["-p", "x", "--output-format", "stream-json", "--verbose", "--foo"], _sandbox.RecordedArgv());
    }

    [Fact]
    public async Task Case03_resume_runs_codex_exec_resume_with_the_session_id_and_keeps_the_turn_under_chats_S()
    {
        var warnings = Path.Combine(_sandbox.Scratch, "stderr.txt");
        File.WriteAllText(warnings, "agent warning\n");
        _sandbox.WriteConfig(agentSettings: new Dictionary<string, IReadOnlyDictionary<string, string>> { ["codex"] = new Dictionary<string, string> { ["FAKE_AGENT_STDERR_FILE"] = warnings } });
        var result = await _sandbox.RunCliAsync("chat", "x", "--runner", "codex", "--resume", "S");

        Assert.True(result.ExitCode == 0, result.Error);
        // Same words as the original's `exec resume --json S x`, in the order the real codex resume capture uses.
        Assert.Equal(["exec", "resume", "S", "x", "--json", "--skip-git-repo-check"], _sandbox.RecordedArgv());
        // Bug 6: the session id to resume next time is printed (the original left clients to parse stdout).
        Assert.Contains("session=01a20597-c407-73e3-817e-dd610882dfc4", result.Error);

        // Section 5: the turn's files under chats/S/<item>/.
        var item = Assert.Single(Directory.GetDirectories(Path.Combine(_sandbox.StateDirectory, "chats", "S")));
        Assert.Equal("x", File.ReadAllText(Path.Combine(item, "prompt.txt")));
        Assert.Equal(File.ReadAllText(CompatibilitySandbox.Capture("codex-text.jsonl")).TrimEnd('\n'), File.ReadAllText(Path.Combine(item, "stdout.log")).TrimEnd('\n'));
        Assert.Equal("agent warning\n", File.ReadAllText(Path.Combine(item, "stderr.log")));
        Assert.Equal("hello from fake model", File.ReadAllText(Path.Combine(item, "final.txt")));
        var saved = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(item, "result.json")))!;
        Assert.Equal("S", saved["threadId"]!.GetValue<string>());
        Assert.Equal(Path.GetFileName(item), saved["queueItemId"]!.GetValue<string>());
        Assert.Equal("hello from fake model", saved["finalMessage"]!.GetValue<string>());
        // Codex reports a resumed thread's usage cumulatively; with no earlier figure in this process the turn's own usage
        // is unknown, so it is null (as the answer's usage would be).
        Assert.True(saved.AsObject().ContainsKey("usage"));
        Assert.Null(saved["usage"]);
        Assert.Equal(0, saved["exit"]!["code"]!.GetValue<int>());
        Assert.Equal("completed", saved["exit"]!["finalState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case04_an_unknown_provider_is_an_error_naming_it()
    {
        var result = await _sandbox.RunCliAsync("chat", "x", "--runner", "bogus");

        Assert.StartsWith("Error: Unsupported runner provider \"bogus\"", result.Error);
        // Deliberate difference: a bad runner spec is a usage error, exit 2 (docs/cli.md); the original used 1 for every error.
        Assert.Equal(2, result.ExitCode);
        Assert.False(File.Exists(_sandbox.ArgvFile));
    }

    [Fact]
    public async Task Unknown_flags_are_a_usage_error_instead_of_being_ignored()
    {
        var result = await _sandbox.RunCliAsync("chat", "x", "--runner", "codex", "--colour", "red");

        // Deliberate difference: the original silently ignored unknown flags, so a typo changed what ran.
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--colour", result.Error);
        Assert.False(File.Exists(_sandbox.ArgvFile));
    }
}
