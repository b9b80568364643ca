using System.Net;
using System.Text.Json.Nodes;

namespace Conduit.Compatibility.Tests;

/// <summary>
/// Section 9, cases 5 to 12: our daemon (<c>conduit serve</c>) over real HTTP on 127.0.0.1, chat routes, with the fake
/// agent as the provider. Field names are the original's (camelCase for chat).
/// </summary>
public sealed class DaemonChatCases : IDisposable
{
    private static readonly Dictionary<string, IReadOnlyDictionary<string, string>> HangingCodex = new()
    {
        ["codex"] = new Dictionary<string, string> { ["FAKE_AGENT_HANG"] = "1" },
    };

    private readonly CompatibilitySandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Case05_healthz_is_ok_and_the_root_redirects_to_the_docs()
    {
        await using var daemon = await _sandbox.StartDaemonAsync();

        using var health = await daemon.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("""{"ok":true}""", await health.Content.ReadAsStringAsync());

        using var root = await daemon.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Found, root.StatusCode);
        Assert.Equal("/docs", root.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Case06_post_chat_answers_200_with_the_thread_final_message_usage_and_exit()
    {
        await using var daemon = await _sandbox.StartDaemonAsync();

        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi"}""");
        var body = await RunningDaemon.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Guid.TryParse(body["threadId"]!.GetValue<string>(), out _), body.ToJsonString());
        Assert.True(Guid.TryParse(body["queueItemId"]!.GetValue<string>(), out _));
        Assert.Equal("hello from fake model", body["finalMessage"]!.GetValue<string>());
        var usage = body["usage"]!.AsObject();
        Assert.Equal(100, usage["inputTokens"]!.GetValue<long>());
        Assert.Equal(7, usage["outputTokens"]!.GetValue<long>());
        Assert.Equal(20, usage["cachedInputTokens"]!.GetValue<long>());
        Assert.True(usage.ContainsKey("cacheWriteTokens") && usage.ContainsKey("totalTokens") && usage.ContainsKey("costUsd"));
        var exit = body["exit"]!.AsObject();
        Assert.Equal(0, exit["code"]!.GetValue<int>());
        Assert.Null(exit["signal"]);
        Assert.Equal("completed", exit["finalState"]!.GetValue<string>());
        Assert.NotNull(exit["endedAt"]);
        // debug (the default) adds the provider's raw lines.
        Assert.Equal(File.ReadAllLines(CompatibilitySandbox.Capture("codex-text.jsonl")).Length, body["stdout"]!.AsArray().Count);
        // Bug 6: the provider's session id is returned (the original never extracted it).
        Assert.Equal("01a20597-c407-73e3-817e-dd610882dfc4", body["sessionId"]!.GetValue<string>());
        // The agent ran in the project's directory.
        Assert.Equal(["exec", "--json", "--skip-git-repo-check", "-C", _sandbox.Project, "hi"], _sandbox.RecordedArgv());
    }

    [Fact]
    public async Task Post_chat_keeps_the_turn_under_chats_and_the_thread_is_found_after_a_restart()
    {
        var warnings = Path.Combine(_sandbox.Scratch, "stderr.txt");
        File.WriteAllText(warnings, "agent warning\n");
        _sandbox.WriteConfig(agentSettings: new Dictionary<string, IReadOnlyDictionary<string, string>> { ["codex"] = new Dictionary<string, string> { ["FAKE_AGENT_STDERR_FILE"] = warnings } });
        string threadId;
        await using (var daemon = await _sandbox.StartDaemonAsync())
        {
            using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi"}""");
            var body = await RunningDaemon.JsonAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            threadId = body["threadId"]!.GetValue<string>();
            // debug (the default) adds the provider's stderr lines, too.
            Assert.Equal(["agent warning"], body["stderr"]!.AsArray().Select(line => line!.GetValue<string>()));

            // Section 5: <stateDir>/chats/<thread>/<item>/, complete when the answer arrives.
            var item = Path.Combine(_sandbox.StateDirectory, "chats", threadId, body["queueItemId"]!.GetValue<string>());
            Assert.Equal("hi", File.ReadAllText(Path.Combine(item, "prompt.txt")));
            Assert.Equal(body["stdout"]!.AsArray().Count, File.ReadAllLines(Path.Combine(item, "stdout.log")).Length);
            Assert.Equal("agent warning\n", File.ReadAllText(Path.Combine(item, "stderr.log")));
            Assert.Equal("hello from fake model", File.ReadAllText(Path.Combine(item, "final.txt")));
            var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(item, "result.json")))!;
            Assert.Equal(threadId, saved["threadId"]!.GetValue<string>());
            Assert.Equal("hello from fake model", saved["finalMessage"]!.GetValue<string>());
            Assert.Equal(100, saved["usage"]!["inputTokens"]!.GetValue<long>());
            Assert.Equal("completed", saved["exit"]!["finalState"]!.GetValue<string>());

            // Over SSE, debug sends the stderr lines as `stderr` events, as the original did.
            using var streamed = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"again"}""", accept: "text/event-stream");
            using var sse = new SseStream(await streamed.Content.ReadAsStreamAsync());
            var stderr = (await sse.ReadToEndAsync()).Single(e => e.Name == "stderr");
            Assert.Equal("agent warning", JsonNode.Parse(stderr.Data)!["chunk"]!.GetValue<string>());
            Assert.Equal("stderr", JsonNode.Parse(stderr.Data)!["stream"]!.GetValue<string>());
        }

        // A new daemon does not hold the thread in memory: it reads the files.
        await using var restarted = await _sandbox.StartDaemonAsync();
        var thread = await restarted.GetJsonAsync($"/chat/threads/{threadId}");
        Assert.False(thread["running"]!.GetValue<bool>());
        Assert.Equal("completed", thread["thread"]!["state"]!.GetValue<string>());
        Assert.Equal("codex", thread["thread"]!["runner"]!["provider"]!.GetValue<string>());
        Assert.Equal("p", thread["thread"]!["projectId"]!.GetValue<string>());
        using var final = await restarted.Client.GetAsync($"/chat/threads/{threadId}/output/final");
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Equal("hello from fake model", await final.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Case06_the_requested_model_is_passed_to_the_provider()
    {
        await using var daemon = await _sandbox.StartDaemonAsync();

        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi","runner":{"provider":"codex","model":"gpt-5"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Bug 6: the original never passed the model.
        Assert.Equal(["exec", "--json", "--skip-git-repo-check", "-m", "gpt-5", "-C", _sandbox.Project, "hi"], _sandbox.RecordedArgv());
        // `runner` echoes the request; `model` is what the provider reported (this capture reports none).
        Assert.Equal("gpt-5", (await RunningDaemon.JsonAsync(response))["runner"]!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case07_chat_over_sse_sends_connected_queued_start_stdout_and_exit_without_pid()
    {
        await using (var daemon = await _sandbox.StartDaemonAsync())
        {
            var events = await ChatEventsAsync(daemon);

            Assert.Equal("connected", events[0].Comment);
            // Ours adds `agent` and `result` events; the original's clients ignore them.
            var original = events.Where(e => e.Name is "queued" or "start" or "stdout" or "stderr" or "exit" or "error").ToList();
            Assert.Equal("queued", original[0].Name);
            Assert.Equal("start", original[1].Name);
            Assert.Equal(File.ReadAllLines(CompatibilitySandbox.Capture("codex-text.jsonl")).Length, original.Count(e => e.Name == "stdout"));
            Assert.Equal("exit", original[^1].Name);
            Assert.Equal("exit", events[^1].Name);
            var exit = JsonNode.Parse(events[^1].Data)!.AsObject();
            Assert.Equal("completed", exit["finalState"]!.GetValue<string>());
            Assert.Equal(0, exit["code"]!.GetValue<int>());
            var stdout = JsonNode.Parse(original.First(e => e.Name == "stdout").Data)!.AsObject();
            Assert.Equal("stdout", stdout["stream"]!.GetValue<string>());
            Assert.StartsWith("{\"type\":\"thread.started\"", stdout["chunk"]!.GetValue<string>());
            Assert.All(original, e => Assert.False(JsonNode.Parse(e.Data)!.AsObject().ContainsKey("pid"), e.Data));
            Assert.All(original, e => Assert.NotNull(JsonNode.Parse(e.Data)!["threadId"]));
        }

        _sandbox.WriteConfig("  server: { debug: false }\n");
        await using (var quiet = await _sandbox.StartDaemonAsync())
        {
            var events = await ChatEventsAsync(quiet);
            Assert.DoesNotContain(events, e => e.Name is "stdout" or "stderr");
            Assert.Equal(["queued", "start", "exit"], events.Where(e => e.Name is "queued" or "start" or "exit").Select(e => e.Name));
        }
    }

    [Fact]
    public async Task Case08_an_unknown_project_is_404_and_a_blank_prompt_is_400()
    {
        await using var daemon = await _sandbox.StartDaemonAsync();

        using var unknown = await daemon.PostJsonAsync("/chat", """{"project_id":"x","prompt":"hi"}""");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Unknown project_id \"x\"", (await RunningDaemon.JsonAsync(unknown))["error"]!.GetValue<string>());

        using var blank = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"  "}""");
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Equal("Prompt cannot be empty", (await RunningDaemon.JsonAsync(blank))["error"]!.GetValue<string>());
        Assert.False(File.Exists(_sandbox.ArgvFile));
    }

    [Fact]
    public async Task Case09_db_while_its_request_control_is_disabled_is_403_and_nothing_runs()
    {
        await using var daemon = await _sandbox.StartDaemonAsync();

        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi","db":"/tmp/other.sqlite"}""");
        var body = await RunningDaemon.JsonAsync(response);

        // Bug 3: the original answered 500 (the key was unknown to its schema); 403 was its intended answer.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("Request override for \"db\" is not allowed", body["error"]!.GetValue<string>());
        Assert.Equal("db", body["field"]!.GetValue<string>());
        Assert.False(File.Exists(_sandbox.ArgvFile));
    }

    [Fact]
    public async Task Case09_an_unknown_body_member_is_400_problem_details_with_an_error_string()
    {
        await using var daemon = await _sandbox.StartDaemonAsync();

        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi","colour":"red"}""");
        var body = await RunningDaemon.JsonAsync(response);

        // Bug 3: schema errors were 500 in the original.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("colour", body["error"]!.GetValue<string>());
        Assert.Equal(400, body["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Case10_an_unknown_thread_is_200_with_a_null_thread()
    {
        await using var daemon = await _sandbox.StartDaemonAsync();

        var body = await daemon.GetJsonAsync("/chat/threads/nope");

        Assert.Equal("""{"threadId":"nope","running":false,"thread":null}""", body.ToJsonString());
    }

    [Fact]
    public async Task Case11_cancelling_a_running_chat_ends_it_cancelled_by_SIGTERM()
    {
        _sandbox.WriteConfig(agentSettings: HangingCodex);
        await using var daemon = await _sandbox.StartDaemonAsync();
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi"}""", accept: "text/event-stream");
        using var sse = new SseStream(await response.Content.ReadAsStreamAsync());
        SseEvent? started;
        do
        {
            started = await sse.ReadAsync();
        }
        while (started is not null && started.Name != "start");
        var threadId = JsonNode.Parse(started!.Data)!["threadId"]!.GetValue<string>();
        Assert.True((await daemon.GetJsonAsync($"/chat/threads/{threadId}"))["running"]!.GetValue<bool>());

        // The original's cancel body selects the runner instance that ran the thread; ours cancels by thread id alone
        // and accepts (ignores) that body.
        using var cancel = await daemon.PostJsonAsync($"/chat/threads/{threadId}/cancel", """{"runner":{"provider":"codex"}}""");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal($$"""{"threadId":"{{threadId}}","cancelled":true}""", (await RunningDaemon.JsonAsync(cancel)).ToJsonString());

        var rest = await sse.ReadToEndAsync();
        var exit = JsonNode.Parse(rest.Single(e => e.Name == "exit").Data)!.AsObject();
        Assert.Equal("cancelled", exit["finalState"]!.GetValue<string>());
        Assert.Equal("SIGTERM", exit["signal"]!.GetValue<string>());
        var thread = await daemon.GetJsonAsync($"/chat/threads/{threadId}");
        Assert.False(thread["running"]!.GetValue<bool>());
        Assert.Equal("cancelled", thread["thread"]!["state"]!.GetValue<string>());
        Assert.Equal("SIGTERM", thread["thread"]!["exitSignal"]!.GetValue<string>());

        // Nothing left to cancel: false, as the original answered for a thread it could not cancel.
        using var again = await daemon.PostJsonAsync($"/chat/threads/{threadId}/cancel", "{}");
        Assert.False((await RunningDaemon.JsonAsync(again))["cancelled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Case12_throttling_answers_the_request_after_max_requests_with_429()
    {
        _sandbox.WriteConfig("  server: { throttling: { enabled: true, windowMs: 60000, maxRequests: 2 } }\n");
        await using var daemon = await _sandbox.StartDaemonAsync();

        for (var i = 0; i < 2; i++)
        {
            using var allowed = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi"}""");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var third = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi"}""");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("Rate limit exceeded", (await RunningDaemon.JsonAsync(third))["error"]!.GetValue<string>());
    }

    private static async Task<List<SseEvent>> ChatEventsAsync(RunningDaemon daemon)
    {
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"p","prompt":"hi"}""", accept: "text/event-stream");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        using var sse = new SseStream(await response.Content.ReadAsStreamAsync());
        return await sse.ReadToEndAsync();
    }
}
