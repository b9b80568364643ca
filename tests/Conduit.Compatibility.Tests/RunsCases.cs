using System.Net;
using System.Text.Json.Nodes;

namespace Conduit.Compatibility.Tests;

/// <summary>
/// Section 9, cases 13 to 22: the runs lane through our daemon (<c>POST /runs</c>, <c>GET /runs/{id}</c>, cancel) with
/// the original's policy form and snake_case field names; the fake agent is the provider.
/// </summary>
public sealed class RunsCases : IDisposable
{
    private const string Input = "\"input\":{\"issue\":\"rounding\"}";
    private static readonly Dictionary<string, IReadOnlyDictionary<string, string>> HangingAgents = new()
    {
        ["*"] = new Dictionary<string, string> { ["FAKE_AGENT_HANG"] = "1" },
    };

    private readonly CompatibilitySandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Case13_post_runs_queues_a_run_and_writes_its_run_json()
    {
        _sandbox.WritePolicy("fix_bug.v1", "policy_id: fix_bug.v1\ntask_id: fix_bug\nrunner: {provider: codex}\n");
        await using var daemon = await _sandbox.StartDaemonAsync();

        using var response = await daemon.PostJsonAsync("/runs", $$"""{"project_id":"p","policy_id":"fix_bug.v1",{{Input}}}""");
        var body = await RunningDaemon.JsonAsync(response);

        // Deliberate difference: 202 Accepted (the original: 200), with url/events_url and Location added.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = body["run_id"]!.GetValue<string>();
        Assert.Matches("^run_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", runId);
        Assert.Equal("queued", body["status"]!.GetValue<string>());
        Assert.Equal("p", body["project_id"]!.GetValue<string>());
        Assert.Equal("fix_bug.v1", body["policy_id"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_sandbox.StateDirectory, "runs", runId, "run.json")));

        var run = await daemon.WaitForRunAsync(runId);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("fix_bug", run["task_id"]!.GetValue<string>());
        Assert.Equal("rounding", run["input"]!["issue"]!.GetValue<string>());
        Assert.Equal(1, run["max_attempts"]!.GetValue<int>());
        Assert.Equal(1, run["current_attempt_index"]!.GetValue<int>());
        Assert.Equal($"{runId}:attempt:1", run["attempts"]![0]!["attempt_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case14_the_same_external_ref_returns_the_same_run_and_starts_one_agent()
    {
        var times = Path.Combine(_sandbox.Scratch, "agent-times.txt");
        _sandbox.WriteConfig(agentSettings: new Dictionary<string, IReadOnlyDictionary<string, string>> { ["*"] = new Dictionary<string, string> { ["FAKE_AGENT_RECORD_TIMES"] = times } });
        _sandbox.WritePolicy("fix_bug.v1", "policy_id: fix_bug.v1\ntask_id: fix_bug\nrunner: {provider: codex}\n");
        await using var daemon = await _sandbox.StartDaemonAsync();
        var body = $$"""{"project_id":"p","policy_id":"fix_bug.v1",{{Input}},"external_ref":"JIRA-42"}""";

        var first = await daemon.CreateRunAsync(body);
        await daemon.WaitForRunAsync(first);
        var second = await daemon.CreateRunAsync(body);

        Assert.Equal(first, second);
        Assert.Equal("JIRA-42", (await daemon.GetJsonAsync($"/runs/{first}"))["external_ref"]!.GetValue<string>());
        Assert.Single(File.ReadAllLines(times), line => line.EndsWith(" start", StringComparison.Ordinal) || line.Contains(" start ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Case15_with_one_active_and_one_queued_slot_the_second_run_waits_and_the_third_is_429()
    {
        _sandbox.WriteConfig("  server: { queue: { maxActiveRuns: 1, maxQueuedRuns: 1 } }\n", HangingAgents);
        _sandbox.WritePolicy("fix_bug.v1", "policy_id: fix_bug.v1\ntask_id: fix_bug\nrunner: {provider: codex}\n");
        await using var daemon = await _sandbox.StartDaemonAsync();
        var body = $$"""{"project_id":"p","policy_id":"fix_bug.v1",{{Input}}}""";

        var first = await daemon.CreateRunAsync(body);
        await WaitForStatusAsync(daemon, first, "running");
        var second = await daemon.CreateRunAsync(body);
        using var third = await daemon.PostJsonAsync("/runs", body);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        // The original's message, followed by the numbers (ours): "Queue capacity exceeded: 1 run(s) already queued ...".
        Assert.StartsWith("Queue capacity exceeded", (await RunningDaemon.JsonAsync(third))["error"]!.GetValue<string>());
        Assert.Equal("queued", (await daemon.GetJsonAsync($"/runs/{second}"))["status"]!.GetValue<string>());

        await CancelAsync(daemon, second);
        await CancelAsync(daemon, first);
        Assert.Equal("canceled", (await daemon.WaitForRunAsync(first))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case16_a_failing_retry_check_is_retried_with_the_feedback_in_the_next_prompt()
    {
        _sandbox.WritePolicy("retry.v1", """
            policy_id: retry.v1
            task_id: retry
            runner: {provider: codex}
            checks: [{name: unit_tests, command: "echo 3 tests failed; exit 1", on_fail: retry}]
            retry: {max_attempts: 2}
            """);
        await using var daemon = await _sandbox.StartDaemonAsync();

        var runId = await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"retry.v1",{{Input}}}""");
        var run = await daemon.WaitForRunAsync(runId);

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        var attempts = run["attempts"]!.AsArray();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal("failed", a!["status"]!.GetValue<string>()));
        var check = attempts[0]!["check_results"]![0]!;
        Assert.Equal("unit_tests", check["name"]!.GetValue<string>());
        Assert.Equal(1, check["exit_code"]!.GetValue<int>());
        Assert.False(check["passed"]!.GetValue<bool>());
        Assert.Equal(1, check["check_order"]!.GetValue<int>());
        var secondPrompt = File.ReadAllText(Path.Combine(_sandbox.StateDirectory, "runs", runId, "attempts", "2", "agent.prompt.txt"));
        Assert.Contains("Retry feedback:", secondPrompt);
        Assert.Contains("Check: unit_tests", secondPrompt);
        Assert.Contains("3 tests failed", secondPrompt);
        Assert.DoesNotContain("Retry feedback:", File.ReadAllText(Path.Combine(_sandbox.StateDirectory, "runs", runId, "attempts", "1", "agent.prompt.txt")));
    }

    [Fact]
    public async Task Case17_on_fail_fail_stops_at_once_and_on_fail_ignore_still_succeeds()
    {
        _sandbox.WritePolicy("fail.v1", """
            policy_id: fail.v1
            task_id: fail
            runner: {provider: codex}
            checks: [{name: lint, command: "exit 2", on_fail: fail}]
            retry: {max_attempts: 3}
            """);
        _sandbox.WritePolicy("ignore.v1", """
            policy_id: ignore.v1
            task_id: ignore
            runner: {provider: codex}
            checks: [{name: lint, command: "exit 2", on_fail: ignore}]
            retry: {max_attempts: 3}
            """);
        await using var daemon = await _sandbox.StartDaemonAsync();

        var failed = await daemon.WaitForRunAsync(await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"fail.v1",{{Input}}}"""));
        var ignored = await daemon.WaitForRunAsync(await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"ignore.v1",{{Input}}}"""));

        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        var failedCheck = Assert.Single(Assert.Single(failed["attempts"]!.AsArray())!["check_results"]!.AsArray())!;
        Assert.True(failedCheck["failure_effective"]!.GetValue<bool>());
        Assert.Equal("fail", failedCheck["on_fail"]!.GetValue<string>());
        Assert.Equal(2, failedCheck["exit_code"]!.GetValue<int>());

        Assert.Equal("succeeded", ignored["status"]!.GetValue<string>());
        var ignoredCheck = Assert.Single(Assert.Single(ignored["attempts"]!.AsArray())!["check_results"]!.AsArray())!;
        Assert.False(ignoredCheck["passed"]!.GetValue<bool>());
        Assert.False(ignoredCheck["failure_effective"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Case18_escalation_switches_the_attempt_runner_and_keeps_the_run_runner()
    {
        _sandbox.WritePolicy("escalate.v1", """
            policy_id: escalate.v1
            task_id: escalate
            runner: {provider: claude}
            checks: [{name: tests, command: "exit 1", on_fail: retry}]
            retry: {max_attempts: 3, escalation: [{runner: {provider: codex}}]}
            """);
        await using var daemon = await _sandbox.StartDaemonAsync();

        var run = await daemon.WaitForRunAsync(await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"escalate.v1",{{Input}}}"""));

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Equal(["claude", "codex", "codex"], run["attempts"]!.AsArray().Select(a => a!["runner"]!["provider"]!.GetValue<string>()));
        Assert.Equal("claude", run["runner"]!["provider"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case19_a_check_timeout_ends_the_run_timed_out_without_a_retry()
    {
        _sandbox.WritePolicy("slow.v1", """
            policy_id: slow.v1
            task_id: slow
            runner: {provider: codex}
            checks: [{name: slow, command: "sleep 5", timeout_seconds: 1, on_fail: retry}]
            retry: {max_attempts: 2}
            """);
        await using var daemon = await _sandbox.StartDaemonAsync();

        var run = await daemon.WaitForRunAsync(await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"slow.v1",{{Input}}}"""));

        Assert.Equal("timed_out", run["status"]!.GetValue<string>());
        Assert.Equal("Command timed out", run["failure_summary"]!.GetValue<string>());
        var attempt = Assert.Single(run["attempts"]!.AsArray())!;
        Assert.Equal("timed_out", attempt["status"]!.GetValue<string>());
        var check = Assert.Single(attempt["check_results"]!.AsArray())!;
        Assert.Null(check["exit_code"]);
    }

    [Fact]
    public async Task Case20_an_init_hook_can_move_the_run_into_another_workspace()
    {
        var workspace = Directory.CreateDirectory(Path.Combine(_sandbox.Scratch, "workspace")).FullName;
        var checkCwd = Path.Combine(_sandbox.Scratch, "check-cwd.txt");
        var policy = _sandbox.WritePolicy("workspace.v1", """
            policy_id: workspace.v1
            task_id: workspace
            runner: {provider: codex}
            hooks: {init: [./use-workspace.sh]}
            checks: [{name: cwd, command: ./record-cwd.sh}]
            """);
        CompatibilitySandbox.WriteScript(policy, "use-workspace.sh", $$"""printf '{"workspace_path":"{{workspace}}"}' > "$CONDUIT_HOOK_OUTPUT_PATH" """);
        CompatibilitySandbox.WriteScript(policy, "record-cwd.sh", $"pwd > '{checkCwd}'");
        await using var daemon = await _sandbox.StartDaemonAsync();

        var run = await daemon.WaitForRunAsync(await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"workspace.v1",{{Input}}}"""));

        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        using var agent = _sandbox.RecordedInvocation();
        Assert.Equal(workspace, agent.RootElement.GetProperty("cwd").GetString());
        Assert.Equal(workspace, File.ReadAllText(checkCwd).Trim());
        Assert.Equal(workspace, run["attempts"]![0]!["workspace_path"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case21_hooks_and_checks_get_the_original_conduit_environment()
    {
        var policy = _sandbox.WritePolicy("env.v1", """
            policy_id: env.v1
            task_id: env
            runner: {provider: codex}
            hooks: {init: [./dump-env.sh init], before_attempt: [./dump-env.sh before_attempt]}
            checks: [{name: env, command: ./dump-env.sh check}]
            """);
        CompatibilitySandbox.WriteScript(policy, "dump-env.sh", $"env | grep '^CONDUIT_' | sort > '{_sandbox.Scratch}/env-'\"$1\"'.txt'");
        await using var daemon = await _sandbox.StartDaemonAsync();

        var runId = await daemon.CreateRunAsync($$"""{"project_id":"p","policy_id":"env.v1",{{Input}}}""");
        var run = await daemon.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        string[] original =
        [
            "CONDUIT_RUN_ID", "CONDUIT_PROJECT_ID", "CONDUIT_POLICY_ID", "CONDUIT_TASK_ID", "CONDUIT_ATTEMPT_INDEX",
            "CONDUIT_ATTEMPT_ID", "CONDUIT_PROJECT_PATH", "CONDUIT_WORKSPACE", "CONDUIT_WORKSPACE_PATH",
            "CONDUIT_ATTEMPT_OUTPUT", "CONDUIT_HOOK_OUTPUT_PATH", "CONDUIT_BASELINE_REF", "CONDUIT_RUN_INPUT_JSON",
        ];
        var init = ReadEnvironment("init");
        var beforeAttempt = ReadEnvironment("before_attempt");
        var check = ReadEnvironment("check");
        foreach (var environment in new[] { init, beforeAttempt, check })
        {
            Assert.All(original, name => Assert.True(environment.ContainsKey(name), $"{name} missing"));
            Assert.Equal(runId, environment["CONDUIT_RUN_ID"]);
            Assert.Equal("p", environment["CONDUIT_PROJECT_ID"]);
            Assert.Equal("env.v1", environment["CONDUIT_POLICY_ID"]);
            Assert.Equal("env", environment["CONDUIT_TASK_ID"]);
            Assert.Equal(_sandbox.Project, environment["CONDUIT_PROJECT_PATH"]);
            Assert.Equal("""{"issue":"rounding"}""", environment["CONDUIT_RUN_INPUT_JSON"]);
        }

        Assert.Equal("0", init["CONDUIT_ATTEMPT_INDEX"]);
        Assert.Equal("", init["CONDUIT_ATTEMPT_ID"]);
        Assert.Equal("1", beforeAttempt["CONDUIT_ATTEMPT_INDEX"]);
        Assert.Equal($"{runId}:attempt:1", beforeAttempt["CONDUIT_ATTEMPT_ID"]);
        Assert.Equal($"{runId}:attempt:1", check["CONDUIT_ATTEMPT_ID"]);
        Assert.Equal("", check["CONDUIT_HOOK_OUTPUT_PATH"]);
        Assert.NotEqual("", beforeAttempt["CONDUIT_HOOK_OUTPUT_PATH"]);
    }

    [Fact]
    public async Task Case22_cancelling_a_queued_run_cancels_it_once_and_an_unknown_run_is_404()
    {
        _sandbox.WriteConfig("  server: { queue: { maxActiveRuns: 1 } }\n", HangingAgents);
        _sandbox.WritePolicy("fix_bug.v1", "policy_id: fix_bug.v1\ntask_id: fix_bug\nrunner: {provider: codex}\n");
        await using var daemon = await _sandbox.StartDaemonAsync();
        var body = $$"""{"project_id":"p","policy_id":"fix_bug.v1",{{Input}}}""";
        var active = await daemon.CreateRunAsync(body);
        await WaitForStatusAsync(daemon, active, "running");
        var queued = await daemon.CreateRunAsync(body);

        Assert.Equal($$"""{"run_id":"{{queued}}","canceled":true}""", (await CancelAsync(daemon, queued)).ToJsonString());
        var run = await daemon.GetJsonAsync($"/runs/{queued}");
        Assert.Equal("canceled", run["status"]!.GetValue<string>());
        Assert.Equal("Run canceled", run["failure_summary"]!.GetValue<string>());
        Assert.False((await CancelAsync(daemon, queued))["canceled"]!.GetValue<bool>());

        using var unknown = await daemon.PostJsonAsync("/runs/run_nope/cancel", "");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Run \"run_nope\" not found", (await RunningDaemon.JsonAsync(unknown))["error"]!.GetValue<string>());

        await CancelAsync(daemon, active);
        Assert.Equal("canceled", (await daemon.WaitForRunAsync(active))["status"]!.GetValue<string>());
    }

    private Dictionary<string, string> ReadEnvironment(string stage) =>
        File.ReadAllLines(Path.Combine(_sandbox.Scratch, $"env-{stage}.txt"))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);

    private static async Task<JsonObject> CancelAsync(RunningDaemon daemon, string runId)
    {
        // Bug 3: the original's own CLI sent a JSON content type with an empty body and got 500; an empty body is fine here.
        using var response = await daemon.PostJsonAsync($"/runs/{runId}/cancel", "");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await RunningDaemon.JsonAsync(response);
    }

    private static async Task WaitForStatusAsync(RunningDaemon daemon, string runId, string status)
    {
        for (var i = 0; i < 300; i++)
        {
            if ((await daemon.GetJsonAsync($"/runs/{runId}"))["status"]!.GetValue<string>() == status)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"run {runId} never became {status}");
    }
}
