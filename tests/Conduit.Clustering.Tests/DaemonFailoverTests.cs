using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Conduit.Policies;

namespace Conduit.Clustering.Tests;

/// <summary>A real <c>conduit serve</c> process in the cluster, killed with SIGKILL while it executes a run.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class DaemonFailoverTests(PostgresServer server)
{
    [Fact]
    public async Task A_daemon_killed_mid_run_has_its_run_recovered_on_a_survivor_with_the_interrupted_attempt_recorded()
    {
        await using var cluster = await TestCluster.CreateAsync(server);
        var (client, _) = await cluster.StartNodeAsync("client", o => o.ExecuteRuns = false);
        using var daemon = StartDaemon(cluster);
        cluster.WritePolicy("once.v1", """
            policy_id: once.v1
            task_id: once
            runner:
              provider: claude
            max_attempts: 1
            """);
        string? runId = null;
        string? lastAttemptRunId = null;
        try
        {
            var url = await daemon.ListeningAsync();
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            runId = await SubmitAsync(http, "work.v1"); // two attempts allowed
            lastAttemptRunId = await SubmitAsync(http, "once.v1"); // one attempt allowed

            // The daemon executes attempt 1 of both (its fake agent hangs) before any other node exists.
            foreach (var id in new[] { runId, lastAttemptRunId })
            {
                Assert.True(await Eventually.TrueAsync(async () => (await client.GetAttemptsAsync(id)).Any(a => a.Status == RunStatus.Running), TimeSpan.FromSeconds(60)), daemon.Output);
            }

            var daemonNode = (await client.GetNodesAsync()).Single(n => n.ActiveRunIds.Contains(runId)).NodeId;
            var (survivor, survivorAgent) = await cluster.StartNodeAsync("survivor");

            // The daemon's dashboard shows the cluster: itself with the run, and the survivor once it checked in.
            Assert.True(await Eventually.TrueAsync(async () =>
            {
                var status = JsonDocument.Parse(await http.GetStringAsync("/status/data")).RootElement.GetProperty("cluster").GetProperty("nodes");
                var nodes = status.EnumerateArray().ToDictionary(n => n.GetProperty("node_id").GetString()!, n => n);
                return nodes.TryGetValue(daemonNode, out var self) && self.GetProperty("is_current").GetBoolean()
                    && self.GetProperty("active_run_ids").EnumerateArray().Select(r => r.GetString()).Order().SequenceEqual(new[] { runId, lastAttemptRunId }.Order())
                    && nodes.TryGetValue("survivor", out var other) && other.GetProperty("state").GetString() == "alive";
            }, TimeSpan.FromSeconds(20)));

            daemon.Process.Kill(); // SIGKILL: no shutdown code runs, the check-ins just stop
            await daemon.Process.WaitForExitAsync();

            var finished = await survivor.FinishedAsync(runId, seconds: 60);
            Assert.Equal(RunStatus.Succeeded, finished.Status);
            var attempts = await survivor.GetAttemptsAsync(runId);
            Assert.Equal(2, attempts.Count);
            Assert.Equal(RunStatus.Interrupted, attempts[0].Status);
            Assert.Contains($"The daemon {daemonNode} executing this attempt stopped checking in to the cluster; the run was recovered on survivor", attempts[0].FailureSummary);
            Assert.Equal(RunStatus.Succeeded, attempts[1].Status);

            var failed = await survivor.FinishedAsync(lastAttemptRunId, seconds: 30);
            Assert.Equal(RunStatus.Failed, failed.Status);
            Assert.Equal($"The run's daemon {daemonNode} stopped during its last allowed attempt (1); the attempt was interrupted", failed.FailureSummary);
            Assert.Equal(RunStatus.Interrupted, Assert.Single(await survivor.GetAttemptsAsync(lastAttemptRunId)).Status);
            Assert.Single(survivorAgent.Requests); // only the retry of the first run executed here
        }
        finally
        {
            if (!daemon.Process.HasExited)
            {
                daemon.Process.Kill(entireProcessTree: true);
            }

            foreach (var id in new[] { runId, lastAttemptRunId })
            {
                if (id is not null)
                {
                    ProcessReaper.KillRunProcesses(id, []); // the killed daemon's agents outlived it (nobody else may kill them)
                }
            }
        }
    }

    private static async Task<string> SubmitAsync(HttpClient http, string policyId)
    {
        using var created = await http.PostAsync("/runs", new StringContent("{\"project_id\":\"demo\",\"policy_id\":\"" + policyId + "\",\"input\":{}}", Encoding.UTF8, "application/json"));
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("run_id").GetString()!;
    }

    private static DaemonProcess StartDaemon(TestCluster cluster)
    {
        var home = Directory.CreateDirectory(Path.Combine(cluster.Root, "daemon-home")).FullName;
        var fakeAgent = Path.Combine(AppContext.BaseDirectory, "fake-agent");
        var capture = Path.Combine(AppContext.BaseDirectory, "Captures", "claude-text.jsonl");
        File.WriteAllText(Path.Combine(home, "config.yaml"), $$"""
            conduit:
              stateDir: {{Path.Combine(cluster.Root, "state-daemon")}}
              projects:
                demo: { path: "{{cluster.ProjectPath}}" }
              runners:
                claude: { executable: "{{fakeAgent}}", env: { FAKE_AGENT_REPLAY: "{{capture}}", FAKE_AGENT_HANG: "1" } }
              store: { provider: postgres, connectionString: "{{cluster.ConnectionString}}" }
              cluster: { checkinInterval: 500ms }
            """);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = cluster.ProjectPath,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "conduit.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        start.Environment["HOME"] = home;
        start.Environment["CONDUIT_HOME"] = home;
        return new DaemonProcess(Process.Start(start)!);
    }

    private sealed partial class DaemonProcess : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DaemonProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Seen(e.Data);
            process.ErrorDataReceived += (_, e) => Seen(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public async Task<string> ListeningAsync()
        {
            var exited = Process.WaitForExitAsync();
            var first = await Task.WhenAny(_url.Task, exited).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first == _url.Task, $"conduit serve ended early: {Output}");
            return await _url.Task;
        }

        public void Dispose() => Process.Dispose();

        private void Seen(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (UrlPattern().Match(line) is { Success: true } match)
            {
                _url.TrySetResult(match.Value);
            }
        }

        [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
        private static partial Regex UrlPattern();
    }
}
