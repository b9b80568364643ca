using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Conduit.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Server.Tests;

/// <summary>
/// The attempt output routes and the URLs of <c>GET /runs/{id}?include=attempts</c>, against the real orchestrator running
/// real checks and the real Claude runner starting the fake agent.
/// </summary>
public sealed class RunOutputEndpointTests : IAsyncDisposable
{
    private static readonly string FakeAgentPath = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fake-agent.exe" : "fake-agent");
    private static readonly string Capture = Path.Combine(AppContext.BaseDirectory, "Captures", "claude-text.jsonl");

    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("conduit-server-state-").FullName;
    private readonly string _agentStderr;

    public RunOutputEndpointTests()
    {
        _agentStderr = Path.Combine(_stateDirectory, "agent-stderr.txt");
        File.WriteAllText(_agentStderr, "warning: agent-stderr-line\n");
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private Task<TestDaemon> StartAsync() => TestDaemon.StartAsync(
        services: services =>
        {
            services.AddConduit(b => b.ConfigureRunner("claude", o =>
            {
                o.ExecutablePath = FakeAgentPath;
                o.ProbeVersion = false;
                o.Environment["FAKE_AGENT_REPLAY"] = Capture;
                o.Environment["FAKE_AGENT_STDERR_FILE"] = _agentStderr;
            }));
            services.AddSingleton<IProjectResolver>(sp => new DaemonProjects(sp.GetRequiredService<Projects.IProjectDirectoryResolver>()));
            services.AddConduitRuns(o => { o.StateDirectory = _stateDirectory; o.LoginShell = false; });
        },
        withOrchestrator: false,
        withFakeRunners: false);

    private static void WritePolicy(TestDaemon daemon, string policyId, string yaml)
    {
        var directory = Path.Combine(daemon.ProjectDirectory, ".conduit", "policies", policyId);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "policy.yaml"), yaml);
    }

    private static async Task<JsonObject> SubmitAndFinishAsync(TestDaemon daemon, string policyId)
    {
        using var created = await daemon.PostJsonAsync("/runs", new JsonObject { ["project_id"] = "billing", ["policy_id"] = policyId, ["input"] = new JsonObject { ["issue"] = "x" } }.ToJsonString());
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, createdText);
        var runId = (string)JsonNode.Parse(createdText)!["run_id"]!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var run = await daemon.GetJsonAsync($"/runs/{runId}?include=attempts");
            if ((string?)run["status"] is not ("queued" or "running"))
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, "the run did not finish: " + run.ToJsonString());
            await Task.Delay(100);
        }
    }

    private static async Task<string> GetTextAsync(TestDaemon daemon, string url)
    {
        using var response = await daemon.Client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {text}");
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return text;
    }

    [Fact]
    public async Task Include_attempts_gives_output_urls_that_serve_the_agent_and_check_logs_of_a_failed_run()
    {
        await using var daemon = await StartAsync();
        WritePolicy(daemon, "fix.v1", """
            policy_id: fix.v1
            task_id: fix
            runner: {provider: claude}
            checks:
              - {name: lint ok, command: "echo lint-out; echo lint-err >&2", on_fail: retry}
              - {name: unit/tests, command: "echo tests-out; echo tests-err >&2; exit 3", on_fail: fail}
            retry: {max_attempts: 2}
            """);

        var run = await SubmitAndFinishAsync(daemon, "fix.v1");

        Assert.Equal("failed", (string?)run["status"]);
        Assert.Equal("Policy check requested terminal failure", (string?)run["failure_summary"]);
        Assert.Equal(1, (int)run["current_attempt_index"]!);
        Assert.EndsWith("run.json", (string?)run["run_record_path"]);
        Assert.Equal("billing", (string?)run["resolved_project"]!["project_id"]);
        Assert.Equal(daemon.ProjectDirectory, (string?)run["resolved_project"]!["path"]);
        Assert.Null(run["resolved_project"]!["baseline_ref"]);
        Assert.Null(run["requested_runner"]);
        var runId = (string)run["run_id"]!;
        var attempt = Assert.Single(run["attempts"]!.AsArray())!.AsObject();
        Assert.Equal($"{runId}:attempt:1", (string?)attempt["attempt_id"]);
        Assert.NotNull(attempt["duration_ms"]);
        Assert.Equal($"/runs/{runId}/attempts/1/output/agent/final", (string?)attempt["agent_final_url"]);

        Assert.False(string.IsNullOrWhiteSpace(await GetTextAsync(daemon, (string)attempt["agent_final_url"]!)));
        var agentStdout = await GetTextAsync(daemon, (string)attempt["agent_stdout_url"]!);
        // The raw CLI lines, each once, as the CLI printed them.
        Assert.Equal(File.ReadAllLines(Capture).Where(l => l.Length > 0), agentStdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("warning: agent-stderr-line\n", await GetTextAsync(daemon, (string)attempt["agent_stderr_url"]!));

        var checks = attempt["check_results"]!.AsArray().Select(c => c!.AsObject()).ToArray();
        Assert.Equal(2, checks.Length);
        Assert.Equal([1, 2], checks.Select(c => (int)c["check_order"]!));
        Assert.Equal([false, true], checks.Select(c => (bool)c["failure_effective"]!));
        Assert.All(checks, c => Assert.Null(c["output_ref"]));
        Assert.All(checks, c => Assert.Equal($"{runId}:attempt:1", (string?)c["attempt_id"]));
        Assert.Equal($"{runId}:attempt:1:check:2", (string?)checks[1]["id"]);
        Assert.Equal(3, (int)checks[1]["exit_code"]!);
        Assert.Equal($"/runs/{runId}/attempts/1/output/checks/unit%2Ftests?stream=stdout", (string?)checks[1]["stdout_url"]);
        Assert.Equal("lint-out\n", await GetTextAsync(daemon, (string)checks[0]["stdout_url"]!));
        Assert.Equal("lint-err\n", await GetTextAsync(daemon, (string)checks[0]["stderr_url"]!));
        Assert.Equal("tests-out\n", await GetTextAsync(daemon, (string)checks[1]["stdout_url"]!));
        Assert.Equal("tests-err\n", await GetTextAsync(daemon, (string)checks[1]["stderr_url"]!));
    }

    [Fact]
    public async Task Output_routes_say_what_is_missing_and_refuse_a_missing_stream()
    {
        await using var daemon = await StartAsync();
        WritePolicy(daemon, "ok.v1", "policy_id: ok.v1\ntask_id: ok\nrunner: {provider: claude}\n");
        var run = await SubmitAndFinishAsync(daemon, "ok.v1");
        Assert.Equal("succeeded", (string?)run["status"]);
        var runId = (string)run["run_id"]!;

        using (var response = await daemon.Client.GetAsync($"/runs/{runId}/attempts/1/output/agent"))
        {
            var body = await Problems.AssertProblemAsync(response, 400, "stream");
            Assert.Contains("\"stream\"", (string?)body["error"]);
        }

        using (var response = await daemon.Client.GetAsync($"/runs/{runId}/attempts/2/output/agent?stream=stdout"))
        {
            var body = await Problems.AssertProblemAsync(response, 404);
            Assert.StartsWith($"Attempt output not found for run \"{runId}\"", (string?)body["error"]);
        }

        using (var response = await daemon.Client.GetAsync($"/runs/{runId}/attempts/2/output/agent/final"))
        {
            var body = await Problems.AssertProblemAsync(response, 404);
            Assert.StartsWith($"Attempt 2 not found", (string?)body["error"]);
        }

        using (var response = await daemon.Client.GetAsync($"/runs/{runId}/attempts/1/output/checks/..%2F..%2Frun.json?stream=stdout"))
        {
            var body = await Problems.AssertProblemAsync(response, 404);
            Assert.StartsWith($"Check output not found for run \"{runId}\"", (string?)body["error"]);
        }

        using (var response = await daemon.Client.GetAsync($"/runs/{runId}/attempts"))
        {
            await Problems.AssertProblemAsync(response, 404);
        }

        using (var response = await daemon.Client.GetAsync("/runs/run_nope/attempts/1/output/agent/final"))
        {
            var body = await Problems.AssertProblemAsync(response, 404);
            Assert.Equal("Run \"run_nope\" not found", (string?)body["error"]);
        }
    }

    [Fact]
    public async Task Text_outputs_are_gzipped_when_the_client_accepts_gzip()
    {
        await using var daemon = await StartAsync();
        WritePolicy(daemon, "ok.v1", "policy_id: ok.v1\ntask_id: ok\nrunner: {provider: claude}\n");
        var run = await SubmitAndFinishAsync(daemon, "ok.v1");
        var url = (string)run["attempts"]![0]!["agent_stdout_url"]!;
        var plain = await GetTextAsync(daemon, url);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await daemon.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        Assert.Equal(plain, await reader.ReadToEndAsync());
    }

    /// <summary>The orchestrator's project lookup over the daemon's registry.</summary>
    private sealed class DaemonProjects(Projects.IProjectDirectoryResolver projects) : IProjectResolver
    {
        public ValueTask<string?> ResolveAsync(string projectId, CancellationToken cancellationToken = default) => projects.ResolveAsync(projectId, cancellationToken);
    }
}
