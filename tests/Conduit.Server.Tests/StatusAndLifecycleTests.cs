using System.Net;
using System.Text.Json.Nodes;
using Conduit.Server.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Server.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StatusAndLifecycleTests
{
    [Fact]
    public async Task Status_data_shows_queue_depth_active_and_recent_runs_chats_and_providers()
    {
        var probe = new FakeProbe();
        await using var daemon = await TestDaemon.StartAsync(
            o => o.Queue.MaxActiveRuns = 4,
            services => services.AddSingleton<IAgentProviderProbe>(probe));
        daemon.Runners.Providers = ["claude", "codex"];
        var queued = daemon.Runs.AddRun(new RunSubmission { ProjectId = "billing", PolicyId = "p" });
        var running = daemon.Runs.AddRun(new RunSubmission { ProjectId = "billing", PolicyId = "p" }, RunStatus.Running);
        daemon.Runs.Replace(new RunRecord
        {
            RunId = running.RunId,
            ProjectId = "billing",
            PolicyId = "p",
            Status = RunStatus.Running,
            CreatedAt = running.CreatedAt,
            StartedAt = DateTimeOffset.UtcNow.AddSeconds(-5),
            MaxAttempts = 3,
            CurrentAttemptIndex = 2,
            Usage = new AgentUsage { InputTokens = 100, OutputTokens = 20, CostUsd = 0.5m },
        });
        daemon.Runs.List = (query, _) =>
        {
            var all = new[] { daemon.Runs.Get(running.RunId, default).Result!, queued };
            return Task.FromResult(new RunPage { Runs = query.Statuses is null ? all : all.Where(r => query.Statuses.Contains(r.Status)).ToArray() });
        };
        using var chat = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi"}""");

        var data = await daemon.GetJsonAsync("/status/data");
        var runs = data["runs"]!;
        Assert.True((bool)runs["available"]!);
        Assert.Equal(1, (int)runs["queued"]!);
        Assert.Equal(1, (int)runs["running"]!);
        var active = runs["active"]!.AsArray().Single(r => (string?)r!["run_id"] == running.RunId)!;
        Assert.Equal("2/3", (string?)active["attempt"]);
        Assert.Equal(120, (long)active["total_tokens"]!);
        Assert.Equal(0.5m, (decimal)active["cost_usd"]!);
        Assert.InRange((long)active["duration_ms"]!, 4000, 60_000);
        Assert.Equal(2, runs["recent"]!.AsArray().Count);

        var chats = data["chats"]!;
        Assert.Equal(4, (int)chats["max_active"]!);
        var chatRow = chats["items"]!.AsArray().Single()!;
        Assert.Equal("completed", (string?)chatRow["state"]);
        Assert.Equal("succeeded", (string?)chatRow["outcome"]);
        Assert.Equal(15, (long)chatRow["total_tokens"]!);

        var providers = data["providers"]!.AsArray();
        Assert.Equal(["claude", "codex"], providers.Select(p => (string)p!["provider"]!));
        Assert.True((bool)providers[0]!["installed"]!);
        Assert.False((bool)providers[1]!["installed"]!);
        Assert.Equal("npm install -g codex", (string?)providers[1]!["install_hint"]);

        _ = await daemon.GetJsonAsync("/status/data");
        Assert.Equal(2, probe.Calls);
    }

    [Fact]
    public async Task Stopping_the_daemon_gives_an_in_flight_chat_its_grace_period_then_cancels_it()
    {
        var daemon = await TestDaemon.StartAsync(o => o.ShutdownGracePeriod = TimeSpan.FromMilliseconds(300));
        var started = new TaskCompletionSource();
        daemon.Runner.Stream = (_, token) => Script.RunsUntilCancelled(started, token);
        var stopRequestedAt = DateTimeOffset.MinValue;
        try
        {
            using var request = daemon.Request(HttpMethod.Post, "/chat", """{"project_id":"billing","prompt":"long"}""");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await daemon.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var body = response.Content.ReadAsStringAsync();

            stopRequestedAt = DateTimeOffset.UtcNow;
            var stop = daemon.App.StopAsync();
            var text = await body.WaitAsync(TimeSpan.FromSeconds(20));
            await stop.WaitAsync(TimeSpan.FromSeconds(20));

            var events = SseParser.Parse(text);
            var exit = JsonNode.Parse(events.Single(e => e.Name == "exit").Data)!;
            Assert.Equal("cancelled", (string?)exit["finalState"]);
            Assert.True(DateTimeOffset.UtcNow - stopRequestedAt >= TimeSpan.FromMilliseconds(300), "the chat was cancelled before its grace period ended");
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => new HttpClient().GetAsync(daemon.BaseAddress + "healthz"));
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_chat_that_finishes_within_the_grace_period_completes_normally_on_shutdown()
    {
        var daemon = await TestDaemon.StartAsync(o => o.ShutdownGracePeriod = TimeSpan.FromSeconds(10));
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        daemon.Runner.Stream = (_, token) => FinishesWhenReleased(started, release.Task);
        try
        {
            var chat = daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"short"}""");
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var stop = daemon.App.StopAsync();
            await Task.Delay(200);
            release.SetResult();
            using var response = await chat.WaitAsync(TimeSpan.FromSeconds(20));
            await stop.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("completed", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["exit"]!["finalState"]);
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    private static async IAsyncEnumerable<AgentEvent> FinishesWhenReleased(TaskCompletionSource started, Task release)
    {
        started.SetResult();
        await release;
        yield return new CompletedEvent { Outcome = AgentOutcome.Succeeded, FinalText = "ok", ExitCode = 0 };
    }

    private sealed class FakeProbe : IAgentProviderProbe
    {
        public int Calls { get; private set; }

        public Task<AgentProviderStatus> ProbeAsync(string provider, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new AgentProviderStatus
            {
                Provider = provider,
                Executable = provider,
                Installed = provider == "claude",
                Path = provider == "claude" ? "/usr/bin/claude" : null,
                InstallHint = provider == "claude" ? null : $"npm install -g {provider}",
            });
        }
    }
}

public sealed class OptionsFromConfigurationTests
{
    [Fact]
    public void Server_options_come_from_the_conduit_server_keys_and_the_default_runner()
    {
        var root = Directory.CreateTempSubdirectory("conduit-options-").FullName;
        try
        {
            var conduitHome = Directory.CreateDirectory(Path.Combine(root, "home", ".conduit")).FullName;
            File.WriteAllText(Path.Combine(conduitHome, "config.yaml"), """
                conduit:
                  defaultRunner: codex
                  server:
                    port: 9191
                    debug: false
                    enableDocs: false
                    allowInit: true
                    queue:
                      maxQueuedRuns: 3
                      maxActiveRuns: 2
                    throttling:
                      enabled: true
                      windowMs: 1000
                      maxRequests: 5
                      key: global
                    requestControls:
                      cwd: read_only
                      db: disabled
                      args: read_write
                """);
            var configuration = Conduit.Configuration.ConduitConfigurationLoader.Load(new Conduit.Configuration.ConfigurationLoadOptions
            {
                WorkingDirectory = root,
                ConduitHome = conduitHome,
                HomeDirectory = Path.Combine(root, "home"),
                IncludeProjectFile = false,
            });

            var options = ConduitServerOptions.FromSettings(configuration.Settings);

            Assert.Equal("127.0.0.1", options.Host);
            Assert.Equal(9191, options.Port);
            Assert.False(options.Debug);
            Assert.False(options.EnableDocs);
            Assert.True(options.AllowInit);
            Assert.Equal("codex", options.DefaultRunner);
            Assert.Equal(3, options.Queue.MaxQueuedRuns);
            Assert.Equal(2, options.Queue.MaxActiveRuns);
            Assert.True(options.Throttling.Enabled);
            Assert.Equal(1000, options.Throttling.WindowMs);
            Assert.Equal(5, options.Throttling.MaxRequests);
            Assert.Equal(Conduit.Configuration.ThrottlingKey.Global, options.Throttling.Key);
            Assert.Equal(Conduit.Configuration.RequestControlMode.ReadOnly, options.RequestControls.Cwd);
            Assert.Equal(Conduit.Configuration.RequestControlMode.Disabled, options.RequestControls.Db);
            Assert.Equal(Conduit.Configuration.RequestControlMode.ReadWrite, options.RequestControls.Args);
            Assert.True(new ConduitServerOptionsValidator().Validate(null, options).Succeeded);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
