using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Testing.Tests;

// The fake model API on its own, over HTTP, without a CLI: fast checks of routing, scripting, recording and rendering.
public sealed class FakeModelServerTests
{
    private static readonly string ClaudeBody = """{"model":"claude-fake","stream":true,"system":[{"type":"text","text":"# Environment\n - Primary working directory: /work/project\n - Is a git repository: false"}],"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task An_unknown_path_is_answered_404_and_recorded_as_unexpected()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.PostAsync("/v1/chat/completions", Json("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var request = Assert.Single(server.UnexpectedRequests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Null(request.Provider);
        Assert.Empty(server.ModelRequests);
    }

    [Fact]
    public async Task The_provider_script_comes_before_the_shared_script_and_then_the_default_turn()
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelServerOptions { DefaultTurn = FakeTurn.Text("default") });
        server.Script.Enqueue(FakeTurn.Text("shared"));
        server.ScriptFor(AgentProviders.Claude).Enqueue(FakeTurn.Text("claude only"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        var first = await client.PostAsync("/v1/messages?beta=true", Json(ClaudeBody));
        var second = await client.PostAsync("/v1/messages?beta=true", Json(ClaudeBody));
        var third = await client.PostAsync("/v1/messages?beta=true", Json(ClaudeBody));

        Assert.Contains("claude only", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("shared", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("default", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["Text(\"claude only\")", "Text(\"shared\")", "Text(\"default\")"], server.ModelRequests.Select(r => r.Turn!.ToString()));
    }

    [Fact]
    public async Task Claude_text_is_streamed_as_anthropic_server_sent_events()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script.Enqueue(FakeTurn.Text("hello"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.PostAsync("/v1/messages?beta=true", Json(ClaudeBody));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = body.Split('\n').Where(line => line.StartsWith("event: ", StringComparison.Ordinal)).Select(line => line[7..]);
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], events);
        Assert.Contains("\"text_delta\",\"text\":\"hello\"", body, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"end_turn\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_write_path_is_resolved_against_the_working_directory_the_CLI_reports()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script.Enqueue(FakeTurn.WriteFile("notes/a.txt", "x"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.PostAsync("/v1/messages?beta=true", Json(ClaudeBody));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"name\":\"Write\"", body, StringComparison.Ordinal);
        Assert.Contains("/work/project/notes/a.txt", body, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"tool_use\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codex_gets_a_shell_write_as_an_exec_command_function_call()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script.Enqueue(FakeTurn.WriteFile("it's.txt", "a'b"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.PostAsync("/v1/responses", Json("""{"model":"m","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>\n  <cwd>/w</cwd>"}]}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        var done = body.Split('\n').Single(line => line.StartsWith("data: {\"type\":\"response.output_item.done\"", StringComparison.Ordinal));
        var item = JsonNode.Parse(done[6..])!["item"]!;
        Assert.Equal("function_call", item["type"]!.GetValue<string>());
        Assert.Equal("exec_command", item["name"]!.GetValue<string>());
        var command = JsonNode.Parse(item["arguments"]!.GetValue<string>())!["cmd"]!.GetValue<string>();
        Assert.Equal("printf '%s' 'a'\\''b' > '/w/it'\\''s.txt'", command);
    }

    [Fact]
    public async Task Auxiliary_requests_do_not_take_a_scripted_turn()
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script.Enqueue(FakeTurn.Text("only for the model"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var router = await client.PostAsync("/v1beta/models/gemini-lite:generateContent", Json("{}"));
        using var count = await client.PostAsync("/v1/messages/count_tokens", Json("{}"));
        using var probe = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        Assert.Contains("complexity_score", await router.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("input_tokens", await count.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, probe.StatusCode);
        Assert.Equal(1, server.Script.Count);
        Assert.Empty(server.UnexpectedRequests);
        Assert.Empty(server.ModelRequests);
    }

    [Theory]
    [InlineData("/v1/messages", "authentication_error")]
    [InlineData("/v1/responses", "invalid_api_key")]
    [InlineData("/v1beta/models/m:streamGenerateContent", "UNAUTHENTICATED")]
    public async Task An_error_turn_answers_its_status_in_the_provider_error_format(string path, string marker)
    {
        await using var server = await FakeModelServer.StartAsync();
        server.Script.Enqueue(FakeTurn.Error(401));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.PostAsync(path, Json("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(marker, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_are_redacted_in_recorded_requests()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = Json("{}") };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-secret");
        message.Headers.Add("x-api-key", "sk-ant-secret");

        using var response = await client.SendAsync(message);

        var request = Assert.Single(server.Requests);
        Assert.Equal("<redacted>", request.Headers["authorization"]);
        Assert.Equal("<redacted>", request.Headers["x-api-key"]);
        Assert.DoesNotContain(request.Headers.Values, value => value.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_through_the_proxy_is_refused_and_recorded()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var handler = new HttpClientHandler { Proxy = new WebProxy(server.ProxyAddress), UseProxy = true };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("https://example.invalid/")));

        Assert.NotEmpty(server.BlockedConnections);
        Assert.All(server.BlockedConnections, attempt => Assert.StartsWith("CONNECT example.invalid:443", attempt, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_gemini_environment_writes_settings_that_select_the_api_key_and_switch_retries_off()
    {
        await using var server = await FakeModelServer.StartAsync();
        string home;
        using (var environment = server.CreateEnvironment(AgentProviders.Gemini, new FakeModelEnvironmentOptions { GeminiMaxSessionTurns = 3 }))
        {
            home = environment.HomeDirectory;
            var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(home, ".gemini", "settings.json")))!;
            Assert.Equal("gemini-api-key", settings["security"]!["auth"]!["selectedType"]!.GetValue<string>());
            Assert.Equal(1, settings["general"]!["maxAttempts"]!.GetValue<int>());
            Assert.Equal(3, settings["model"]!["maxSessionTurns"]!.GetValue<int>());
            Assert.Equal(server.BaseAddress.GetLeftPart(UriPartial.Authority), environment.EnvironmentVariables["GOOGLE_GEMINI_BASE_URL"]);
            Assert.Equal(server.ProxyAddress.GetLeftPart(UriPartial.Authority), environment.EnvironmentVariables["HTTPS_PROXY"]);
            Assert.Null(environment.EnvironmentVariables["GOOGLE_API_KEY"]);
        }

        Assert.False(Directory.Exists(home));
    }

    [Fact]
    public async Task Cursor_has_no_fake_model_environment()
    {
        await using var server = await FakeModelServer.StartAsync();

        Assert.Throws<UnknownProviderException>(() => server.CreateEnvironment(AgentProviders.Cursor));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
