using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Conduit.Samples.Tests;

/// <summary>
/// Runs every sample the way its README says, with the real agent CLIs against Conduit's fake model API (one test at a
/// time: each starts real CLIs). The xunit sample (samples/PolicyTests) runs with the solution's tests.
/// </summary>
public sealed class SampleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task FanOutConsole_compares_the_three_real_clis_on_one_prompt()
    {
        var (exitCode, output) = await SampleProcess.RunAsync("FanOutConsole", ["Say hello", "--fake-model", "hello from the fake model"], Timeout);

        Assert.True(exitCode == 0, output);
        foreach (var runner in new[] { "claude", "codex", "gemini" })
        {
            Assert.Matches($@"(?m)^{runner}\s+Succeeded\s+[0-9.]+s\s+[1-9][0-9]*\s+\S+\s+hello from the fake model$", output);
        }

        Assert.Matches(@"(?m)^fastest: (claude|codex|gemini)$", output);
    }

    [Fact]
    public async Task OpenTelemetryConsole_exports_the_agent_run_activity_metrics_and_logs()
    {
        var (exitCode, output) = await SampleProcess.RunAsync("OpenTelemetryConsole", ["Say hello", "--runner", "codex", "--fake-model", "hello from the fake model"], Timeout);

        Assert.True(exitCode == 0, output);
        Assert.Contains("codex: Succeeded: hello from the fake model", output);
        Assert.Contains("Activity.DisplayName:        conduit.agent.run codex", output);
        Assert.Contains("conduit.agent.outcome: succeeded", output);
        Assert.Contains("Metric Name: conduit.agent.runs.finished", output);
        Assert.Contains("Metric Name: conduit.agent.tokens", output);
        Assert.Contains("Metric Name: conduit.agent.run.duration", output);
        // The runner's structured logs, through the OpenTelemetry log exporter: template and fields, in the run's trace.
        Assert.Contains("LogRecord.Body:                    Starting {Provider} run", output);
        Assert.Contains("LogRecord.EventName:               RunEnded", output);
        Assert.Contains("    Provider: codex", output);
        Assert.Contains("service.name: OpenTelemetryConsole", output);
    }

    [Fact]
    public async Task BenchmarkComparison_prints_one_row_per_runner_with_ratio_tokens_and_cost()
    {
        var (exitCode, output) = await SampleProcess.RunAsync("BenchmarkComparison", ["--fake-model", "42", "--iterations", "1"], Timeout);

        Assert.True(exitCode == 0, output);
        Assert.Matches(@"(?m)^\|\s*Method\s*\|.*\|\s*Ratio\s*\|\s*Tokens\s*\|\s*Cost\s*\|\s*Outcome\s*\|", output);
        foreach (var method in new[] { "Claude", "Codex", "Gemini" })
        {
            Assert.Matches($@"(?m)^\|\s*{method}\s*\|.*\|\s*[1-9][0-9]*\s*\|[^|]+\|\s*1x Succeeded\s*\|", output);
        }
    }

    [Fact]
    public async Task AspNetCoreAgentApi_starts_an_agent_run_per_request_and_streams_its_events()
    {
        var port = FreeLoopbackPort();
        using var api = await SampleProcess.StartAsync(
            "AspNetCoreAgentApi",
            ["--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string> { ["FakeModel__Reply"] = "hello from the fake model", ["AgentApi__DefaultRunner"] = "codex" },
            waitFor: "Now listening on",
            Timeout);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout };

        using var result = await http.PostAsJsonAsync("/agent-runs", new { prompt = "Say hello" });
        var body = await result.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("codex", body.GetProperty("runner").GetString());
        Assert.Equal("Succeeded", body.GetProperty("outcome").GetString());
        Assert.Equal("hello from the fake model", body.GetProperty("text").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("session_id").GetString()));

        using var events = await http.PostAsJsonAsync("/agent-runs/events", new { prompt = "Say hello", runner = "claude" });
        var stream = await events.Content.ReadAsStringAsync();
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        Assert.Contains("event: session_started", stream);
        Assert.Contains("event: text", stream);
        Assert.Contains("hello from the fake model", stream);
        Assert.Equal(stream.LastIndexOf("event: ", StringComparison.Ordinal), stream.IndexOf("event: completed", StringComparison.Ordinal)); // exactly one, last

        using var invalid = await http.PostAsJsonAsync("/agent-runs", new { prompt = "" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
