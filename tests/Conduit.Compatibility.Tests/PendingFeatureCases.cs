using System.Diagnostics;
using System.Net;
using Conduit.Policies;

namespace Conduit.Compatibility.Tests;

/// <summary>
/// Section 9 cases 23 to 25 and <c>conduit runs create</c>, written against the documented interface (original-conduit.md
/// sections 1, 2, 6 and 9) before those features existed: the attempt/check output routes (23), <c>conduit init</c> (24),
/// <c>conduit runs watch --attempts</c> (25) and <c>runs create</c>. All of them pass now.
/// </summary>
public sealed class PendingFeatureCases : IDisposable
{
    private const string Input = "\"input\":{\"issue\":\"rounding\"}";
    private readonly CompatibilitySandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Case23_attempts_carry_output_urls_that_serve_the_logs()
    {
        _sandbox.WritePolicy("fix_bug.v1", """
            policy_id: fix_bug.v1
            task_id: fix_bug
            runner: {provider: codex}
            checks: [{name: tests, command: "echo all green", on_fail: retry}]
            """);
        await using var daemon = await _sandbox.StartDaemonAsync();
        var runId = await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"fix_bug.v1",{{Input}}}""");
        await daemon.WaitForRunAsync(runId);

        var run = await daemon.GetJsonAsync($"/runs/{runId}?include=attempts");

        var attempt = run["attempts"]![0]!;
        Assert.Equal($"/runs/{runId}/attempts/1/output/agent/final", attempt["agent_final_url"]!.GetValue<string>());
        Assert.Equal($"/runs/{runId}/attempts/1/output/agent?stream=stdout", attempt["agent_stdout_url"]!.GetValue<string>());
        Assert.Equal($"/runs/{runId}/attempts/1/output/agent?stream=stderr", attempt["agent_stderr_url"]!.GetValue<string>());
        var check = attempt["check_results"]![0]!;
        var stdoutUrl = check["stdout_url"]!.GetValue<string>();
        Assert.Equal($"/runs/{runId}/attempts/1/output/checks/tests?stream=stdout", stdoutUrl);
        Assert.Equal($"/runs/{runId}/attempts/1/output/checks/tests?stream=stderr", check["stderr_url"]!.GetValue<string>());

        using var log = await daemon.Client.GetAsync(stdoutUrl);
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
        Assert.Equal("text/plain", log.Content.Headers.ContentType?.MediaType);
        Assert.Equal("all green\n", await log.Content.ReadAsStringAsync());
        using var final = await daemon.Client.GetAsync(attempt["agent_final_url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Equal("hello from fake model", (await final.Content.ReadAsStringAsync()).Trim());
        using var agentStdout = await daemon.Client.GetAsync(attempt["agent_stdout_url"]!.GetValue<string>());
        Assert.Contains("\"thread.started\"", await agentStdout.Content.ReadAsStringAsync());

        using var attempts = await daemon.Client.GetAsync($"/runs/{runId}/attempts");
        Assert.Equal(HttpStatusCode.NotFound, attempts.StatusCode);
    }

    [Fact]
    public async Task Case24_init_writes_the_default_policy_with_the_worktree_hook_only_in_a_git_repository()
    {
        await RunGitAsync("init", "-q");
        var result = await _sandbox.RunCliAsync("init", "--yes", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var json = System.Text.Json.Nodes.JsonNode.Parse(result.Out)!;
        Assert.Equal("default.v1", json["policy_id"]!.GetValue<string>());
        Assert.Equal(_sandbox.Project, json["project_path"]!.GetValue<string>());
        Assert.Equal("project", json["project_id"]!.GetValue<string>());
        var policy = PolicyLoader.LoadFile(Path.Combine(_sandbox.Project, ".conduit", "policies", "default.v1", "policy.yaml"));
        Assert.Empty(policy.Checks);
        Assert.Contains(policy.HooksFor(PolicyHookStage.BeforeAttempt), hook => hook.Text.Contains("worktree-from-main", StringComparison.Ordinal));

        var again = await _sandbox.RunCliAsync("init", "--yes", "--json");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Error);

        var plain = Directory.CreateDirectory(Path.Combine(_sandbox.Scratch, "plain")).FullName;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = _sandbox.Environment(output, error);
        var exitCode = await Cli.ConduitCli.InvokeAsync(["init", "--yes", "--json"], new Cli.Hosting.CliEnvironment
        {
            Out = output,
            Error = error,
            In = new StringReader(""),
            WorkingDirectory = plain,
            GetEnvironmentVariable = environment.GetEnvironmentVariable,
        });
        Assert.True(exitCode == 0, error.ToString());
        var plainPolicy = PolicyLoader.LoadFile(Path.Combine(plain, ".conduit", "policies", "default.v1", "policy.yaml"));
        Assert.Empty(plainPolicy.HooksFor(PolicyHookStage.BeforeAttempt));
    }

    [Fact]
    public async Task Case25_runs_watch_with_attempts_prints_the_failed_check_and_exits_1()
    {
        _sandbox.WritePolicy("fix_bug.v1", """
            policy_id: fix_bug.v1
            task_id: fix_bug
            runner: {provider: codex}
            checks: [{name: tests, command: "exit 1", on_fail: fail}]
            """);
        await using var daemon = await _sandbox.StartDaemonAsync();
        var runId = await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"fix_bug.v1",{{Input}}}""");
        await daemon.WaitForRunAsync(runId);

        var result = await _sandbox.RunCliAsync("runs", "watch", runId, "--attempts", "--base-url", daemon.BaseAddress.ToString().TrimEnd('/'));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("status: failed", result.Out);
        Assert.Contains("check 1/tests: failed", result.Out);
    }

    [Fact]
    public async Task Runs_create_queues_a_run_on_the_daemon_and_prints_created()
    {
        _sandbox.WritePolicy("fix_bug.v1", "policy_id: fix_bug.v1\ntask_id: fix_bug\nrunner: {provider: codex}\n");
        await using var daemon = await _sandbox.StartDaemonAsync();

        var result = await _sandbox.RunCliAsync(
            "runs", "create", "--project", "p", "--policy", "fix_bug.v1", "--input", """{"issue":"rounding"}""",
            "--base-url", daemon.BaseAddress.ToString().TrimEnd('/'));

        Assert.True(result.ExitCode == 0, result.Error);
        var match = System.Text.RegularExpressions.Regex.Match(result.Out, @"^created (run_[0-9a-f-]{36}) status=queued project=p policy=fix_bug\.v1$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, result.Out);
        Assert.Equal("succeeded", (await daemon.WaitForRunAsync(match.Groups[1].Value))["status"]!.GetValue<string>());
    }

    private async Task RunGitAsync(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _sandbox.Project };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        await git.WaitForExitAsync();
        Assert.Equal(0, git.ExitCode);
    }
}
