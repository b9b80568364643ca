using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Conduit.Cli.Hosting;
using Conduit.Cli.Tests.Chat;
using Conduit.Policies;
using Xunit;

namespace Conduit.Cli.Tests;

/// <summary>
/// <c>conduit install</c> and <c>conduit init</c>, in-process with a temporary HOME and CONDUIT_HOME, and runs of the
/// generated policy through the real in-process runs path (<c>runs start --wait</c>) with the fake agent as Codex.
/// </summary>
public sealed partial class InstallInitCommandTests : IDisposable
{
    private readonly ChatSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    private string GlobalFile => Path.Combine(sandbox.ConduitHome, "config.yaml");

    private string PolicyDirectory => Path.Combine(sandbox.Work, ".conduit", "policies", "default.v1");

    private string AgentOutput => Path.Combine(sandbox.Home, "agent.jsonl");

    [Fact]
    public async Task Install_creates_the_state_and_global_config_and_a_second_install_skips_what_exists_unless_forced()
    {
        var first = await sandbox.RunAsync(["install", "--json"]);
        var edited = Path.Combine(sandbox.ConduitHome, "components", "npm-test", "component.yaml");
        File.WriteAllText(edited, "# mine\n");
        var second = await sandbox.RunAsync(["install", "--json"]);
        var keptEdit = File.ReadAllText(edited);
        var forced = await sandbox.RunAsync(["install", "--force"]);
        var projects = await sandbox.RunAsync(["projects", "list"]);

        Assert.Equal(0, first.ExitCode);
        using var firstJson = JsonDocument.Parse(first.Out);
        var root = firstJson.RootElement;
        Assert.Equal(sandbox.ConduitHome, root.GetProperty("state_dir").GetString());
        Assert.Equal(GlobalFile, root.GetProperty("config_path").GetString());
        Assert.False(root.GetProperty("created_state_dir").GetBoolean());
        Assert.True(root.GetProperty("created_config").GetBoolean());
        Assert.True(root.GetProperty("created_runs_dir").GetBoolean());
        var components = root.GetProperty("assets").GetProperty("components");
        var componentFiles = components.GetProperty("copied_files").GetInt32();
        Assert.True(componentFiles >= 11, first.Out);
        Assert.Equal(0, components.GetProperty("skipped_existing_files").GetInt32());
        Assert.Equal(2, root.GetProperty("assets").GetProperty("presets").GetProperty("copied_files").GetInt32());
        Assert.Equal("conduit:\n  projects: {}\n", File.ReadAllText(GlobalFile));
        Assert.True(Directory.Exists(Path.Combine(sandbox.ConduitHome, "runs")));
        foreach (var folder in new[] { "presets", "components" })
        {
            using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(sandbox.ConduitHome, folder, ".bundle-meta.json")));
            Assert.Equal(root.GetProperty("assets").GetProperty("package_version").GetString(), meta.RootElement.GetProperty("package_version").GetString());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", meta.RootElement.GetProperty("installed_at").GetString());
        }

        var worktreeScript = Path.Combine(sandbox.ConduitHome, "components", "worktree-from-main", "scripts", "worktree.sh");
        Assert.True(IsExecutable(worktreeScript));

        Assert.Equal(0, second.ExitCode);
        using var secondJson = JsonDocument.Parse(second.Out);
        Assert.False(secondJson.RootElement.GetProperty("created_config").GetBoolean());
        Assert.False(secondJson.RootElement.GetProperty("created_runs_dir").GetBoolean());
        var secondComponents = secondJson.RootElement.GetProperty("assets").GetProperty("components");
        Assert.Equal((0, 0, componentFiles), (secondComponents.GetProperty("copied_files").GetInt32(), secondComponents.GetProperty("overwritten_files").GetInt32(), secondComponents.GetProperty("skipped_existing_files").GetInt32()));
        Assert.Equal("# mine\n", keptEdit);

        Assert.Equal(0, forced.ExitCode);
        Assert.Contains($"components: copied_files=0, overwritten_files={componentFiles}, skipped_existing_files=0\n", forced.Out);
        Assert.Contains("created_config: false\n", forced.Out);
        Assert.Contains("kind: check", File.ReadAllText(edited));

        // The global file install wrote is the one the loader reads, and it loads (the original's bugs 12 and 2).
        Assert.Equal((0, ""), (projects.ExitCode, projects.Error));
    }

    [Fact]
    public async Task Init_yes_json_in_a_git_repo_writes_default_v1_with_the_worktree_hook_and_no_checks()
    {
        CreateGitRepository(sandbox.Work);

        var result = await sandbox.RunAsync(["init", "--yes", "--json"]);

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("work", root.GetProperty("project_id").GetString());
        Assert.Equal(sandbox.Work, root.GetProperty("project_path").GetString());
        Assert.Equal("default.v1", root.GetProperty("policy_id").GetString());
        Assert.Equal(Path.Combine(sandbox.Work, ".conduit", "config.yaml"), root.GetProperty("local_config_path").GetString());
        Assert.Equal(GlobalFile, root.GetProperty("global_config_path").GetString());
        Assert.True(root.GetProperty("created_local_config").GetBoolean());
        Assert.True(root.GetProperty("created_policy").GetBoolean());
        Assert.True(root.GetProperty("installed_global_state").GetProperty("created_config").GetBoolean());

        var policyYaml = File.ReadAllText(Path.Combine(PolicyDirectory, "policy.yaml"));
        Assert.Contains("checks: []\n", policyYaml);
        Assert.Contains("retry:\n  max_attempts: 1\n", policyYaml);
        var policy = PolicyLoader.Load(sandbox.Work, "default.v1");
        Assert.Equal("default", policy.TaskId);
        Assert.Equal(new RunnerSpec("codex", "gpt-5.3-codex"), policy.Runner is { } r ? new RunnerSpec(r.Provider, r.Model) : null);
        Assert.Equal(["./hooks/worktree-from-main/scripts/worktree.sh"], policy.HooksFor(PolicyHookStage.BeforeAttempt).Select(h => h.Text));
        Assert.Empty(policy.Checks);
        Assert.Equal(1, policy.MaxAttempts);
        Assert.NotNull(policy.PromptTemplate);
        Assert.True(IsExecutable(Path.Combine(PolicyDirectory, "hooks", "worktree-from-main", "scripts", "worktree.sh")));

        Assert.Equal("conduit:\n  project:\n    id: work\n", File.ReadAllText(Path.Combine(sandbox.Work, ".conduit", "config.yaml")));
        Assert.Equal($"conduit:\n  projects:\n    work:\n      path: {sandbox.Work}\n", File.ReadAllText(GlobalFile));
        var get = await sandbox.RunAsync(["projects", "get", "work"]);
        // A git repository: `projects get` also prints the checked-out branch, as GET /projects/{id} gives it.
        Assert.Equal($"project_id: work\npath: {sandbox.Work}\ndefault_branch: {GitHead.Branch(sandbox.Work)}\n", get.Out.Replace(Environment.NewLine, "\n"));
    }

    [Fact]
    public async Task Init_again_needs_force_and_force_replaces_the_policy()
    {
        var first = await sandbox.RunAsync(["init", "--yes"]);
        File.WriteAllText(Path.Combine(PolicyDirectory, "policy.yaml"), "# edited\n");

        var again = await sandbox.RunAsync(["init", "--yes"]);
        var forced = await sandbox.RunAsync(["init", "--yes", "--force", "--json"]);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("project_id: work\n", first.Out);
        Assert.Contains("next: conduit runs start --project work --policy default.v1 --wait\n", first.Out);
        Assert.Equal(ExitCodes.AgentFailed, again.ExitCode);
        Assert.Contains($"Error: {Path.Combine(PolicyDirectory, "policy.yaml")} already exists; pass --force to overwrite it", again.Error);
        Assert.Equal(0, forced.ExitCode);
        using var json = JsonDocument.Parse(forced.Out);
        Assert.False(json.RootElement.GetProperty("created_policy").GetBoolean());
        Assert.False(json.RootElement.GetProperty("created_local_config").GetBoolean());
        Assert.StartsWith("# Written by `conduit init`", File.ReadAllText(Path.Combine(PolicyDirectory, "policy.yaml")));
    }

    [Fact]
    public async Task Outside_git_the_presets_git_hook_is_dropped_and_an_explicit_one_fails()
    {
        var explicitHook = await sandbox.RunAsync(["init", "--yes", "--hook", "worktree-from-main"]);
        var wroteNothing = !Directory.Exists(Path.Combine(sandbox.Work, ".conduit"));
        var plain = await sandbox.RunAsync(["init", "--yes"]);

        Assert.Equal(ExitCodes.AgentFailed, explicitHook.ExitCode);
        Assert.Contains("Hook \"worktree-from-main\" requires git", explicitHook.Error);
        Assert.True(wroteNothing);
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("hooks: (none)\n", plain.Out);
        var policy = PolicyLoader.Load(sandbox.Work, "default.v1");
        Assert.All(Enum.GetValues<PolicyHookStage>(), stage => Assert.Empty(policy.HooksFor(stage)));
        Assert.Contains("  before_attempt: []\n", File.ReadAllText(Path.Combine(PolicyDirectory, "policy.yaml")));
    }

    [Fact]
    public async Task Check_replaces_the_presets_checks_hook_adds_and_component_commands_point_into_the_policy_folder()
    {
        CreateGitRepository(sandbox.Work);

        var result = await sandbox.RunAsync(["init", "--yes", "--check", "npm-test", "--check", "ralph", "--hook", "jingle-failure", "--runner", "claude-sonnet-4-6", "--project-id", "shop"]);
        var byProvider = await sandbox.RunAsync(["init", "--yes", "--force", "--runner", "gemini/gemini-2.5-pro"]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("project_id: shop\n", result.Out);
        Assert.Contains("hooks: worktree-from-main, jingle-failure\n", result.Out);
        Assert.Contains("checks: npm-test, ralph\n", result.Out);
        Assert.True(File.Exists(Path.Combine(PolicyDirectory, "checks", "ralph", "scripts", "check.sh")));
        Assert.True(File.Exists(Path.Combine(PolicyDirectory, "hooks", "jingle-failure", "scripts", "complete.sh")));

        // The second init keeps the project id the first one wrote into .conduit/config.yaml.
        Assert.True(byProvider.ExitCode == 0, byProvider.Error);
        Assert.Contains("project_id: shop\n", byProvider.Out);
        Assert.Contains("runner: gemini/gemini-2.5-pro\n", byProvider.Out);
        var policy = PolicyLoader.Load(sandbox.Work, "default.v1");
        Assert.Equal("gemini", policy.Runner!.Provider);
        Assert.Empty(policy.Checks);
    }

    [Fact]
    public async Task Init_writes_the_original_policy_form_with_component_checks_and_hooks()
    {
        var result = await sandbox.RunAsync(["init", "--yes", "--check", "npm-test", "--check", "ralph", "--hook", "jingle-failure", "--hook", "jingle-success", "--runner", "claude-sonnet-4-6"]);

        Assert.True(result.ExitCode == 0, result.Error);
        var policy = PolicyLoader.Load(sandbox.Work, "default.v1");
        Assert.Equal(("claude", "claude-sonnet-4-6"), (policy.Runner!.Provider, policy.Runner.Model));
        Assert.Equal(["npm-test", "ralph"], policy.Checks.Select(c => c.Name));
        Assert.Equal("npm test", policy.Checks[0].Command.Text);
        Assert.Equal(TimeSpan.FromSeconds(900), policy.Checks[0].Timeout);
        Assert.Equal(CheckFailureAction.Retry, policy.Checks[0].OnFail);
        Assert.Equal("./checks/ralph/scripts/check.sh", policy.Checks[1].Command.Text);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.Checks[1].Timeout);
        Assert.Equal(["./hooks/jingle-failure/scripts/complete.sh failure"], policy.HooksFor(PolicyHookStage.OnFailure).Select(h => h.Text));
        Assert.Equal(["./hooks/jingle-success/scripts/complete.sh success"], policy.HooksFor(PolicyHookStage.OnSuccess).Select(h => h.Text));
    }

    [Fact]
    public async Task An_id_registered_for_another_folder_is_an_error_naming_both_folders()
    {
        var other = Path.Combine(sandbox.Home, "elsewhere");
        Directory.CreateDirectory(other);
        await sandbox.RunAsync(["projects", "add", "work", other]);

        var result = await sandbox.RunAsync(["init", "--yes"]);

        Assert.Equal(ExitCodes.AgentFailed, result.ExitCode);
        Assert.Contains($"Project id \"work\" is already registered for {other}", result.Error);
        Assert.Contains($"{sandbox.Work} needs another id", result.Error);
        Assert.False(File.Exists(Path.Combine(PolicyDirectory, "policy.yaml")));
    }

    [Fact]
    public async Task Unknown_components_and_kinds_are_errors_that_list_the_installed_ones()
    {
        var unknown = await sandbox.RunAsync(["init", "--yes", "--check", "lint"]);
        var wrongKind = await sandbox.RunAsync(["init", "--yes", "--hook", "npm-test"]);

        Assert.Equal(ExitCodes.AgentFailed, unknown.ExitCode);
        Assert.Contains("Unknown check component \"lint\"; installed: no-checks, npm-test, ralph", unknown.Error);
        Assert.Equal(ExitCodes.AgentFailed, wrongKind.ExitCode);
        Assert.Contains("Component \"npm-test\" is a check, not a hook", wrongKind.Error);
    }

    [Fact]
    public async Task On_a_terminal_without_yes_init_asks_and_an_empty_answer_takes_the_default()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            In = new StringReader("claude-sonnet-4-6\nnpm-test\n\nmine\n"),
            IsInputTerminal = true,
            WorkingDirectory = sandbox.Work,
            GetEnvironmentVariable = name => name switch { "HOME" => sandbox.Home, "CONDUIT_HOME" => sandbox.ConduitHome, _ => null },
        };

        var exitCode = await ConduitCli.InvokeAsync(["init"], environment);

        Assert.True(exitCode == 0, error.ToString());
        Assert.Contains("Runner (a component or provider/model) [codex-gpt-5-3]: ", error.ToString());
        Assert.Contains("Project id [work]: ", error.ToString());
        Assert.Contains("project_id: mine\n", output.ToString());
        Assert.Contains("runner: claude/claude-sonnet-4-6\n", output.ToString());
        Assert.Contains("checks: npm-test\n", output.ToString());
        Assert.Contains("hooks: (none)\n", output.ToString());
    }

    [Fact]
    public async Task A_run_of_the_generated_policy_succeeds_with_the_agent_working_in_the_hooks_worktree()
    {
        CreateGitRepository(sandbox.Work);
        File.WriteAllText(AgentOutput, CodexReply("Changed the file."));
        sandbox.UseFakeAgent("codex", AgentOutput, new Dictionary<string, string> { ["FAKE_AGENT_WRITE_FILE"] = "agent-was-here.txt=hello" });
        var init = await sandbox.RunAsync(["init", "--yes"]);

        var run = await sandbox.RunAsync(["runs", "start", "--project", "work", "--policy", "default.v1", "--input", "issue=rounding", "--wait"]);

        Assert.True(init.ExitCode == 0, init.Error);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("status: succeeded\n", run.Out);
        var runId = RunIdPattern().Match(run.Out).Groups[1].Value;
        var worktree = Path.Combine(sandbox.Work, ".conduit", "worktrees", runId, "attempt-1");
        Assert.True(File.Exists(Path.Combine(worktree, "README.md")), "the worktree holds the committed files");
        Assert.Equal("hello", File.ReadAllText(Path.Combine(worktree, "agent-was-here.txt")));
        Assert.False(File.Exists(Path.Combine(sandbox.Work, "agent-was-here.txt")));
        using var argv = JsonDocument.Parse(File.ReadAllText(sandbox.ArgvFile));
        Assert.Equal(worktree, argv.RootElement.GetProperty("cwd").GetString());
        Assert.Contains("gpt-5.3-codex", argv.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()));
        var worktrees = Git(sandbox.Work, "worktree", "list");
        Assert.Contains(worktree, worktrees);
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(sandbox.ConduitHome, "runs", runId, "run.json")));
        Assert.Equal("work", record.RootElement.GetProperty("project_id").GetString());
    }

    [Fact]
    public async Task Ralph_passes_only_when_the_agent_says_DONE_and_never_by_itself_on_a_retry()
    {
        File.WriteAllText(AgentOutput, CodexReply("Still working on it."));
        sandbox.UseFakeAgent("codex", AgentOutput);
        var init = await sandbox.RunAsync(["init", "--yes", "--check", "ralph", "--hook", "jingle-failure"]);
        var policyFile = Path.Combine(PolicyDirectory, "policy.yaml");
        File.WriteAllText(policyFile, File.ReadAllText(policyFile).Replace("max_attempts: 1", "max_attempts: 2", StringComparison.Ordinal));

        var notDone = await sandbox.RunAsync(["runs", "start", "--project", "work", "--policy", "default.v1", "--wait"]);
        File.WriteAllText(AgentOutput, CodexReply("The fix is in. DONE"));
        var done = await sandbox.RunAsync(["runs", "start", "--project", "work", "--policy", "default.v1", "--wait"]);

        Assert.True(init.ExitCode == 0, init.Error);
        Assert.Equal(1, notDone.ExitCode);
        Assert.Contains("status: failed\n", notDone.Out);
        Assert.Equal(2, Regex.Count(notDone.Out, @"  check ralph: failed \[on_fail=retry, exit_code=1\]"));
        var failedRun = RunIdPattern().Match(notDone.Out).Groups[1].Value;
        var runDirectory = Path.Combine(sandbox.ConduitHome, "runs", failedRun);
        Assert.Contains("ralph: DONE not found", File.ReadAllText(Path.Combine(runDirectory, "attempts", "2", "retry-feedback.txt")));
        Assert.Contains("ralph: DONE not found", File.ReadAllText(Path.Combine(runDirectory, "attempts", "2", "agent.prompt.txt")));

        // jingle-failure ran once, with its argument.
        var jingles = Directory.GetFiles(runDirectory, "on_failure-*.stdout.log", SearchOption.AllDirectories);
        var jingle = Assert.Single(jingles);
        Assert.Equal($"conduit: run {failedRun} failure (project work, policy default.v1)\n", File.ReadAllText(jingle));
        using var failed = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDirectory, "run.json")));
        Assert.DoesNotContain("Hook", failed.RootElement.GetProperty("failure_summary").GetString());

        Assert.Equal(0, done.ExitCode);
        Assert.Contains("status: succeeded\n", done.Out);
        Assert.Contains("  check ralph: passed", done.Out);
    }

    [Fact]
    public async Task A_project_id_in_the_project_file_names_the_project_for_runs()
    {
        File.WriteAllText(AgentOutput, CodexReply("ok"));
        sandbox.UseFakeAgent("codex", AgentOutput);
        Directory.CreateDirectory(Path.Combine(sandbox.Work, ".conduit", "policies", "p.v1"));
        File.WriteAllText(Path.Combine(sandbox.Work, ".conduit", "config.yaml"), "conduit:\n  project:\n    id: demo\n");
        File.WriteAllText(Path.Combine(sandbox.Work, ".conduit", "policies", "p.v1", "policy.yaml"), "policy_id: p.v1\ntask_id: p\nrunner: {provider: codex}\n");

        var list = await sandbox.RunAsync(["projects", "list"]);
        var run = await sandbox.RunAsync(["runs", "start", "--project", "demo", "--policy", "p.v1", "--wait"]);

        Assert.Equal($"demo\t{sandbox.Work}\n", list.Out.Replace(Environment.NewLine, "\n"));
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("project_id: demo\n", run.Out);
        Assert.Contains("status: succeeded\n", run.Out);
    }

    [Fact]
    public async Task Init_in_the_directory_holding_the_global_directory_is_refused()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            WorkingDirectory = sandbox.Home,
            GetEnvironmentVariable = name => name == "HOME" ? sandbox.Home : null,
        };

        var exitCode = await ConduitCli.InvokeAsync(["init", "--yes"], environment);

        Assert.Equal(ExitCodes.AgentFailed, exitCode);
        Assert.Contains("cannot also be a project's .conduit", error.ToString());
        Assert.Equal("conduit:\n  projects: {}\n", File.ReadAllText(Path.Combine(sandbox.Home, ".conduit", "config.yaml")));
        Assert.False(Directory.Exists(Path.Combine(sandbox.Home, ".conduit", "policies")));
    }

    [Fact]
    public async Task A_bare_prompt_that_starts_like_a_command_name_is_still_a_chat_prompt()
    {
        sandbox.UseFakeAgent("codex", "codex-text.jsonl");

        var (exitCode, output, _) = await sandbox.RunAsync(["init the repository", "--runner", "codex"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("hello from fake model", output);
        Assert.False(Directory.Exists(Path.Combine(sandbox.Work, ".conduit")));
        using var argv = JsonDocument.Parse(File.ReadAllText(sandbox.ArgvFile));
        Assert.Contains("init the repository", argv.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()));
    }

    private static string CodexReply(string text) => string.Join('\n',
        """{"type":"thread.started","thread_id":"0199a000-0000-7000-8000-000000000001"}""",
        """{"type":"turn.started"}""",
        JsonSerializer.Serialize(new { type = "item.completed", item = new { id = "item_1", type = "agent_message", text } }),
        """{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":3}}""") + "\n";

    private static bool IsExecutable(string path) => OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;

    private static void CreateGitRepository(string directory)
    {
        Git(directory, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(directory, "README.md"), "# work\n");
        Git(directory, "add", "README.md");
        Git(directory, "-c", "user.email=test@example.com", "-c", "user.name=Test", "commit", "-q", "-m", "initial");
    }

    private static string Git(string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo("git") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)}: {error}");
        return output;
    }

    [GeneratedRegex(@"^run_id: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex RunIdPattern();
}
