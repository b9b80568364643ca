using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Server.Tests;

/// <summary>The daemon with the real runners (AddConduit) starting the fake agent, which replays a real Claude Code capture.</summary>
public sealed class EndToEndTests
{
    private static readonly string FakeAgentPath = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fake-agent.exe" : "fake-agent");
    private static readonly string Capture = Path.Combine(AppContext.BaseDirectory, "Captures", "claude-text.jsonl");

    private static Task<TestDaemon> StartAsync(Action<Conduit.Runners.AgentRunnerOptions>? configure = null) => TestDaemon.StartAsync(
        services: services => services.AddConduit(b => b.ConfigureRunner("claude", o =>
        {
            o.ExecutablePath = FakeAgentPath;
            o.Environment["FAKE_AGENT_REPLAY"] = Capture;
            configure?.Invoke(o);
        })),
        withFakeRunners: false);

    [Fact]
    public async Task Chat_runs_the_real_claude_runner_in_the_project_directory_and_answers_its_result()
    {
        Assert.True(File.Exists(FakeAgentPath), FakeAgentPath);
        await using var daemon = await StartAsync();
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"say hello","runner":{"provider":"claude"}}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(text)!;
        Assert.Equal("succeeded", (string?)body["outcome"]);
        Assert.Equal("completed", (string?)body["exit"]!["finalState"]);
        Assert.Equal(0, (int)body["exit"]!["code"]!);
        Assert.False(string.IsNullOrEmpty((string?)body["finalMessage"]), text);
        Assert.False(string.IsNullOrEmpty((string?)body["sessionId"]), text);
        Assert.True((long)body["usage"]!["outputTokens"]! > 0, text);
        Assert.NotEmpty(body["stdout"]!.AsArray());
    }

    [Fact]
    public async Task Chat_stream_with_the_real_runner_ends_with_exit_and_the_thread_is_visible()
    {
        await using var daemon = await StartAsync();
        using var request = daemon.Request(HttpMethod.Post, "/chat", """{"project_id":"billing","prompt":"say hello"}""");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await daemon.Client.SendAsync(request);
        var events = SseParser.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("exit", events[^1].Name);
        Assert.Contains(events, e => e.Name == "agent" && e.Data.Contains("\"type\":\"session_started\"", StringComparison.Ordinal));
        var threadId = (string)JsonNode.Parse(events[^1].Data)!["threadId"]!;
        var thread = await daemon.GetJsonAsync($"/chat/threads/{threadId}");
        Assert.Equal("completed", (string?)thread["thread"]!["state"]);
    }

    [Fact]
    public async Task A_missing_cli_is_a_clear_error_and_the_daemon_keeps_serving()
    {
        await using var daemon = await StartAsync(o => o.ExecutablePath = "/nonexistent/claude");
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi"}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable, text);
        Assert.Contains("/nonexistent/claude", (string?)JsonNode.Parse(text)!["error"]);

        using var health = await daemon.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
