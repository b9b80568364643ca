using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Conduit.Cli.Hosting;
using Conduit.Cli.Tests.Chat;
using Xunit;

namespace Conduit.Cli.Tests;

/// <summary>
/// The original Conduit's <c>runs create|get|watch|cancel</c>, <c>projects policies|policy</c> and
/// <c>runtime status|start|stop</c>: against a real daemon on a free loopback port, and in-process when none answers.
/// </summary>
public sealed partial class CompatibleRunsCommandsTests : IDisposable
{
    private readonly ChatSandbox _sandbox = new();
    private readonly int _port = FreePort();

    public CompatibleRunsCommandsTests()
    {
        File.WriteAllText(Path.Combine(_sandbox.ConduitHome, "config.yaml"), $"""
            conduit:
              stateDir: "{StateDirectory}"
              server: {"{"} port: {_port} {"}"}
              projects:
                billing: {"{"} path: "{_sandbox.Work}" {"}"}
              runners:
                claude: {"{"} executable: "{ChatSandbox.FakeAgentPath}", env: {"{"} FAKE_AGENT_REPLAY: "{ChatSandbox.Capture("claude-text.jsonl")}", CONDUIT_TEST_TAG: "{_sandbox.Tag}" {"}"} {"}"}
            """);
        WritePolicy("ok.v1", "true");
        WritePolicy("broken.v1", "echo no >&2; exit 3");
    }

    private string StateDirectory => Path.Combine(_sandbox.Home, "state");

    private string BaseUrl => $"http://127.0.0.1:{_port}";

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Runs_create_and_watch_go_through_a_running_daemon_and_print_the_original_lines()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var listening = new ListeningWriter();
        var serve = ConduitCli.InvokeAsync(["serve", "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture)], Environment(listening, TextWriter.Null), stop.Token);
        await Task.WhenAny(listening.Seen, serve).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(serve.IsCompleted, "serve ended early");
        try
        {
            var created = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--input", """{"issue":"rounding"}""", "--metadata", """{"ticket":42}""");
            Assert.Equal(0, created.Exit);
            Assert.DoesNotContain("No Conduit daemon", created.Error);
            var runId = CreatedPattern().Match(created.Out) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException(created.Out + created.Error);
            Assert.Matches(@"^created run_\S+ status=(queued|running) project=billing policy=ok\.v1\n$", created.Out);

            var watched = await RunAsync("runs", "watch", runId, "--interval", "100", "--attempts");

            Assert.Equal((0, ""), (watched.Exit, watched.Error));
            Assert.Contains("check 1/marker: passed\n", watched.Out);
            Assert.Contains("attempt 1: succeeded\n", watched.Out);
            Assert.Contains("status: succeeded\n", watched.Out);
            Assert.Contains("runner: claude\n", watched.Out);
            Assert.Contains("current_attempt_index: 1/1\n", watched.Out);
            Assert.Matches(@"- attempt 1: succeeded, runner=claude, output_dir=\S+", watched.Out);
            Assert.Contains("  check marker: passed [on_fail=retry, exit_code=0]\n", watched.Out);

            var json = await RunAsync("runs", "get", runId, "--attempts", "--json");
            using var document = JsonDocument.Parse(json.Out);
            var run = document.RootElement;
            Assert.Equal(runId, run.GetProperty("run_id").GetString());
            Assert.Equal("succeeded", run.GetProperty("status").GetString());
            Assert.Equal("billing", run.GetProperty("project_id").GetString());
            Assert.Equal("ok.v1", run.GetProperty("policy_id").GetString());
            Assert.Equal("rounding", run.GetProperty("input").GetProperty("issue").GetString());
            Assert.Equal(42, run.GetProperty("metadata").GetProperty("ticket").GetInt32());
            var check = run.GetProperty("attempts")[0].GetProperty("check_results")[0];
            Assert.Equal("marker", check.GetProperty("name").GetString());
            Assert.True(check.GetProperty("passed").GetBoolean());

            var canceled = await RunAsync("runs", "cancel", runId);
            Assert.Equal($"run_id: {runId}\ncanceled: false\n", canceled.Out);
            var unknown = await RunAsync("runs", "get", "run_nope");
            Assert.Equal((1, "Error: Run \"run_nope\" not found\n"), (unknown.Exit, unknown.Error));
        }
        finally
        {
            await stop.CancelAsync();
            await serve.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Runs_commands_send_the_token_from_token_file_to_a_daemon_that_requires_one()
    {
        var tokenFile = Path.Combine(_sandbox.Home, "daemon.token");
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var listening = new ListeningWriter();
        var serve = ConduitCli.InvokeAsync(["serve", "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--token-file", tokenFile], Environment(listening, TextWriter.Null), stop.Token);
        await Task.WhenAny(listening.Seen, serve).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(serve.IsCompleted, "serve ended early");
        try
        {
            var refused = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--input", "{}");
            var created = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--input", "{}", "--token-file", tokenFile);
            var missing = await RunAsync("runs", "get", "run_nope", "--token-file", Path.Combine(_sandbox.Home, "no-such.token"));

            Assert.Equal(1, refused.Exit);
            Assert.Contains("bearer token", refused.Error, StringComparison.OrdinalIgnoreCase);
            Assert.True(created.Exit == 0, created.Error);
            Assert.DoesNotContain("No Conduit daemon", created.Error);
            var runId = CreatedPattern().Match(created.Out).Groups[1].Value;
            var got = await RunAsync("runs", "get", runId, "--token-file", tokenFile);
            Assert.Equal(0, got.Exit);
            Assert.Contains($"run_id: {runId}\n", got.Out);
            Assert.Equal(1, missing.Exit);
            Assert.StartsWith("Error: Cannot read the daemon's token file", missing.Error);
        }
        finally
        {
            await stop.CancelAsync();
            await serve.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Runs_get_json_is_the_same_in_process_as_through_the_daemon()
    {
        var waited = await RunAsync("runs", "create", "--project", "billing", "--policy", "broken.v1", "--wait");
        var runId = CreatedPattern().Match(waited.Out).Groups[1].Value;
        var inProcess = await RunAsync("runs", "get", runId, "--attempts", "--json");

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var listening = new ListeningWriter();
        var serve = ConduitCli.InvokeAsync(["serve", "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture)], Environment(listening, TextWriter.Null), stop.Token);
        await Task.WhenAny(listening.Seen, serve).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(serve.IsCompleted, "serve ended early");
        (int Exit, string Out, string Error) throughDaemon;
        try
        {
            throughDaemon = await RunAsync("runs", "get", runId, "--attempts", "--json");
        }
        finally
        {
            await stop.CancelAsync();
            await serve.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal((0, 0), (inProcess.Exit, throughDaemon.Exit));
        Assert.Equal(throughDaemon.Out, inProcess.Out);
        using var document = JsonDocument.Parse(inProcess.Out);
        var attempt = document.RootElement.GetProperty("attempts")[0];
        Assert.Equal($"/runs/{runId}/attempts/1/output/agent/final", attempt.GetProperty("agent_final_url").GetString());
        Assert.Equal($"/runs/{runId}/attempts/1/output/checks/marker?stream=stderr", attempt.GetProperty("check_results")[0].GetProperty("stderr_url").GetString());
    }

    [Fact]
    public async Task Without_a_daemon_runs_create_queues_and_runs_watch_executes_the_run_in_process()
    {
        var created = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--input", "{}", "--json");
        using var answer = JsonDocument.Parse(created.Out);
        var runId = answer.RootElement.GetProperty("run_id").GetString()!;
        Assert.Equal("queued", answer.RootElement.GetProperty("status").GetString());
        Assert.Equal("billing", answer.RootElement.GetProperty("project_id").GetString());
        Assert.Equal("ok.v1", answer.RootElement.GetProperty("policy_id").GetString());

        var watched = await RunAsync("runs", "watch", runId, "--interval", "100", "--attempts");

        Assert.Equal(0, watched.Exit);
        Assert.Contains("status: succeeded\n", watched.Out);
        Assert.Contains("check 1/marker: passed\n", watched.Out);
        Assert.True(File.Exists(Path.Combine(_sandbox.Work, "check-ran.txt")));
        var got = await RunAsync("runs", "get", runId);
        Assert.Equal(0, got.Exit);
        Assert.Contains($"run_id: {runId}\nstatus: succeeded\n", got.Out);
    }

    [Fact]
    public async Task Runs_start_stores_metadata_and_a_leading_base_url_is_a_global_option()
    {
        var started = await RunAsync("runs", "start", "--project", "billing", "--policy", "ok.v1", "--metadata", """{"ticket":"BILL-7"}""");
        var runId = Regex.Match(started.Out, "run_id: (\\S+)").Groups[1].Value;

        var got = await RunAsync("--base-url", "http://127.0.0.1:1", "runs", "get", runId, "--json");
        var unknown = await RunAsync("--base-url", "http://127.0.0.1:1", "runs", "get", "run_nope");
        var badUrl = await RunAsync("runs", "get", runId, "--base-url", "ftp://x");

        Assert.Equal(0, started.Exit);
        using var document = JsonDocument.Parse(got.Out);
        Assert.Equal("BILL-7", document.RootElement.GetProperty("metadata").GetProperty("ticket").GetString());
        Assert.Equal((1, "Error: Run \"run_nope\" not found\n"), (unknown.Exit, unknown.Error));
        Assert.Equal((ExitCodes.UsageError, "Error: --base-url \"ftp://x\" is not an http:// or https:// URL.\n"), (badUrl.Exit, badUrl.Error));
    }

    [Fact]
    public async Task A_failing_check_ends_watch_with_status_failed_its_check_line_and_exit_1()
    {
        var waited = await RunAsync("runs", "create", "--project", "billing", "--policy", "broken.v1", "--wait", "--attempts");

        Assert.Equal(ExitCodes.AgentFailed, waited.Exit);
        Assert.StartsWith("created run_", waited.Out);
        Assert.Contains("check 1/marker: failed\n", waited.Out);
        Assert.Contains("status: failed\n", waited.Out);
        Assert.Contains("  check marker: failed [on_fail=retry, exit_code=3]\n", waited.Out);
        var runId = CreatedPattern().Match(waited.Out).Groups[1].Value;
        var watched = await RunAsync("runs", "watch", runId, "--attempts");
        Assert.Equal(ExitCodes.AgentFailed, watched.Exit);
        Assert.Contains("status: failed\n", watched.Out);
        Assert.Contains("check 1/marker: failed\n", watched.Out);
        var got = await RunAsync("runs", "get", runId);
        Assert.Equal(0, got.Exit);
    }

    [Fact]
    public async Task Bad_input_json_names_the_flag_and_for_a_file_its_path_line_and_position()
    {
        var file = Path.Combine(_sandbox.Work, "input.json");
        File.WriteAllText(file, "{\n  \"issue\": \"x\",\n  oops\n}\n");

        var inline = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--input", "{nope");
        var fromFile = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--input", "@input.json");
        var notObject = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--metadata", "[1]");
        var modelAlone = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--model", "opus");
        var bothForms = await RunAsync("runs", "create", "--project", "billing", "--policy", "ok.v1", "--runner", "claude/opus", "--model", "sonnet");

        Assert.True(inline.Exit == ExitCodes.UsageError, inline.Error);
        Assert.StartsWith("Error: --input: not valid JSON at line 1, position 2", inline.Error);
        Assert.Equal(ExitCodes.UsageError, fromFile.Exit);
        Assert.StartsWith($"Error: --input @input.json ({file}): not valid JSON at line 3, position 3", fromFile.Error);
        Assert.Equal("Error: --metadata: must be a JSON object ({...}), not array.\n", notObject.Error);
        Assert.Contains("--model \"opus\" needs --runner", modelAlone.Error);
        Assert.Contains("not both", bothForms.Error);
        Assert.False(Directory.Exists(Path.Combine(StateDirectory, "runs")) && Directory.EnumerateDirectories(Path.Combine(StateDirectory, "runs")).Any(), "no run may be created");
    }

    [Fact]
    public async Task Projects_policies_and_policy_print_the_original_shapes_and_errors()
    {
        var list = await RunAsync("projects", "policies", "billing");
        var listJson = await RunAsync("projects", "policies", "billing", "--json");
        var one = await RunAsync("projects", "policy", "billing", "ok.v1");
        var oneJson = await RunAsync("projects", "policy", "billing", "ok.v1", "--json");
        var noProject = await RunAsync("projects", "policies", "nope");
        var noPolicy = await RunAsync("projects", "policy", "billing", "nope");

        var policies = Path.Combine(_sandbox.Work, ".conduit", "policies");
        Assert.Equal($"broken.v1\tt\t{Path.Combine(policies, "broken.v1")}\nok.v1\tt\t{Path.Combine(policies, "ok.v1")}\n", list.Out);
        using (var document = JsonDocument.Parse(listJson.Out))
        {
            var first = document.RootElement[0];
            Assert.Equal(["policy_id", "task_id", "path"], first.EnumerateObject().Select(p => p.Name));
        }

        Assert.Contains("policy_id: ok.v1\n", one.Out);
        Assert.Contains("check marker: ", one.Out);
        using (var document = JsonDocument.Parse(oneJson.Out))
        {
            Assert.Equal(Path.Combine(policies, "ok.v1"), document.RootElement.GetProperty("policy_dir").GetString());
            Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("retry").GetProperty("escalation").ValueKind);
        }

        Assert.Equal(ExitCodes.UsageError, noProject.Exit);
        Assert.StartsWith("Error: Project \"nope\" not found", noProject.Error);
        Assert.Equal((ExitCodes.UsageError, "Error: Policy \"nope\" not found for project \"billing\"\n"), (noPolicy.Exit, noPolicy.Error));
    }

    [Fact]
    public async Task Runtime_start_launches_a_detached_daemon_that_runs_serve_and_stop_ends_that_process()
    {
        var before = await RunAsync("runtime", "status", "--json");
        using (var document = JsonDocument.Parse(before.Out))
        {
            Assert.Equal(BaseUrl, document.RootElement.GetProperty("base_url").GetString());
            Assert.False(document.RootElement.GetProperty("reachable").GetBoolean());
        }

        var started = await RunAsync("runtime", "start", "--json");
        int pid;
        try
        {
            Assert.True(started.Exit == 0, started.Error);
            using (var document = JsonDocument.Parse(started.Out))
            {
                var root = document.RootElement;
                Assert.Equal(["base_url", "pid", "started_at", "started", "already_running"], root.EnumerateObject().Select(p => p.Name));
                Assert.True(root.GetProperty("started").GetBoolean());
                Assert.False(root.GetProperty("already_running").GetBoolean());
                pid = root.GetProperty("pid").GetInt32();
            }

            // The recorded pid is the server itself, in a session of its own.
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            Assert.Contains("serve", arguments);
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[3]);
            Assert.True(File.Exists(Path.Combine(StateDirectory, "runtime.json")));

            var again = await RunAsync("runtime", "start");
            Assert.Equal($"base_url: {BaseUrl}\nstarted: false\nalready_running: true\npid: {pid}\n", again.Out);
            var status = await RunAsync("runtime", "status");
            Assert.Contains("reachable: true\n", status.Out);
            Assert.Contains($"pid: {pid}\n", status.Out);

            // The CLI's runs commands now go through it.
            var waited = await RunAsync("runs", "create", "--project", "billing", "--policy", "broken.v1", "--wait");
            Assert.Equal(ExitCodes.AgentFailed, waited.Exit);
            Assert.Contains("check 1/marker: failed\n", waited.Out);
            Assert.DoesNotContain("No Conduit daemon", waited.Error);
        }
        finally
        {
            var stopped = await RunAsync("runtime", "stop", "--json");
            Assert.True(stopped.Exit == 0, stopped.Out + stopped.Error);
        }

        // Stopped means exited: at most a zombie until its parent reaps it (here the test host, which started it;
        // after a real CLI exits, init).
        Assert.False(Running(pid), $"the daemon {pid} still runs");
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"the daemon {pid} is still in /proc");
        Assert.False(File.Exists(Path.Combine(StateDirectory, "runtime.json")));
        using var client = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(BaseUrl + "/healthz"));
        var stoppedAgain = await RunAsync("runtime", "stop");
        Assert.Equal($"base_url: {BaseUrl}\nstopped: false\nfound: false\n", stoppedAgain.Out);
    }

    private static bool Running(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void WritePolicy(string policyId, string checkCommand)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_sandbox.Work, ".conduit", "policies", policyId)).FullName;
        File.WriteAllText(Path.Combine(directory, "policy.yaml"), $"""
            policy_id: {policyId}
            task_id: t
            runner:
              provider: claude
            checks:
              - name: marker
                command: "echo checked > check-ran.txt; {checkCommand}"
            """);
    }

    private CliEnvironment Environment(TextWriter output, TextWriter error) => new()
    {
        Out = output,
        Error = error,
        WorkingDirectory = _sandbox.Work,
        GetEnvironmentVariable = name => name switch
        {
            "HOME" => _sandbox.Home,
            "CONDUIT_HOME" => _sandbox.ConduitHome,
            "CONDUIT_RUNTIME_START_TIMEOUT_SECONDS" => "90",
            _ => null,
        },
    };

    private async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ConduitCli.InvokeAsync(args, Environment(output, error)).WaitAsync(TimeSpan.FromMinutes(3));
        return (exit, output.ToString(), error.ToString());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^created (run_\S+) ", RegexOptions.Multiline)]
    private static partial Regex CreatedPattern();

    /// <summary>Completes <see cref="Seen"/> once serve printed where it listens.</summary>
    private sealed class ListeningWriter : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override void WriteLine(string? value)
        {
            lock (_seen)
            {
                base.WriteLine(value);
            }

            if (value?.Contains("listening", StringComparison.Ordinal) == true)
            {
                _seen.TrySetResult();
            }
        }
    }
}
