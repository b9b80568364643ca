using System.Net;
using System.Text.RegularExpressions;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests;

/// <summary><c>conduit serve</c>, run in-process on a free loopback port.</summary>
public sealed partial class ServeCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("conduit-cli-serve-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private CliEnvironment Environment(TextWriter output, TextWriter error)
    {
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        var conduitHome = Directory.CreateDirectory(Path.Combine(root, "conduit-home")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        File.WriteAllText(Path.Combine(conduitHome, "config.yaml"), $"conduit:\n  projects:\n    billing:\n      path: {work}\n");
        return new CliEnvironment
        {
            Out = output,
            Error = error,
            WorkingDirectory = work,
            GetEnvironmentVariable = name => name switch
            {
                "HOME" => home,
                "CONDUIT_HOME" => conduitHome,
                _ => null,
            },
        };
    }

    [Fact]
    public async Task Serve_prints_its_url_and_token_file_serves_until_cancelled_and_exits_0()
    {
        var output = new LineSignallingWriter("Auth:");
        using var error = new StringWriter();
        var tokenFile = Path.Combine(root, "token");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serve = ConduitCli.InvokeAsync(["serve", "--port", "0", "--token-file", tokenFile], Environment(output, error), stop.Token);

        await Task.WhenAny(output.Seen, serve).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(serve.IsCompleted, $"serve ended early: {error}");
        var text = output.ToString();
        var url = UrlPattern().Match(text);
        Assert.True(url.Success, text);
        Assert.Contains($"the token is in {tokenFile}", text);

        using var client = new HttpClient { BaseAddress = new Uri(url.Value) };
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var runs = await client.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, runs.StatusCode);

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await serve.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }

    [Fact]
    public async Task Serve_refuses_a_non_loopback_host_without_allow_non_loopback()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ConduitCli.InvokeAsync(["serve", "--host", "0.0.0.0", "--port", "0"], Environment(output, error));
        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("Error: conduit.server.host: refusing to listen on non-loopback address 0.0.0.0", error.ToString());
        Assert.Contains("--allow-non-loopback", error.ToString());
    }

    [Fact]
    public async Task Serve_runs_a_policy_submitted_over_http_with_the_real_orchestrator_and_runner()
    {
        var output = new LineSignallingWriter("listening");
        using var error = new StringWriter();
        var environment = Environment(output, error);
        var work = environment.WorkingDirectory;
        var conduitHome = Path.Combine(root, "conduit-home");
        var fakeAgent = Path.Combine(AppContext.BaseDirectory, "fake-agent");
        var capture = Path.Combine(AppContext.BaseDirectory, "Captures", "claude-text.jsonl");
        File.WriteAllText(Path.Combine(conduitHome, "config.yaml"), $"""
            conduit:
              stateDir: {Path.Combine(root, "state")}
              projects:
                billing: {"{"} path: "{work}" {"}"}
              runners:
                claude: {"{"} executable: "{fakeAgent}", env: {"{"} FAKE_AGENT_REPLAY: "{capture}" {"}"} {"}"}
            """);
        var policyDirectory = Directory.CreateDirectory(Path.Combine(work, ".conduit", "policies", "fix_bug.v1")).FullName;
        File.WriteAllText(Path.Combine(policyDirectory, "policy.yaml"), """
            policy_id: fix_bug.v1
            task_id: fix_bug
            runner:
              provider: claude
            checks:
              - name: marker
                command: echo checked > check-ran.txt
                on_fail: retry
            """);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var serve = ConduitCli.InvokeAsync(["serve", "--port", "0"], environment, stop.Token);
        await Task.WhenAny(output.Seen, serve).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(serve.IsCompleted, $"serve ended early: {error}");
        using var client = new HttpClient { BaseAddress = new Uri(UrlPattern().Match(output.ToString()).Value) };

        using var created = await client.PostAsync("/runs", new StringContent("""{"project_id":"billing","policy_id":"fix_bug.v1","input":{"issue":"rounding"}}""", System.Text.Encoding.UTF8, "application/json"));
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, createdBody);
        var runId = System.Text.Json.JsonDocument.Parse(createdBody).RootElement.GetProperty("run_id").GetString();

        string? status = null;
        for (var i = 0; i < 120 && status is not ("succeeded" or "failed" or "canceled" or "timed_out"); i++)
        {
            await Task.Delay(500);
            using var run = await client.GetAsync($"/runs/{runId}?include=attempts");
            status = System.Text.Json.JsonDocument.Parse(await run.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
        }

        Assert.Equal("succeeded", status);
        Assert.True(File.Exists(Path.Combine(work, "check-ran.txt")));
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await serve.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex UrlPattern();

    /// <summary>A thread-safe writer that completes <see cref="Seen"/> once a line containing a marker was written.</summary>
    private sealed class LineSignallingWriter(string marker) : TextWriter
    {
        private readonly System.Text.StringBuilder text = new();
        private readonly TaskCompletionSource seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => seen.Task;

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (text)
            {
                text.Append(value);
                if (value == '\n' && text.ToString().Contains(marker, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        }

        public override string ToString()
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }
}
