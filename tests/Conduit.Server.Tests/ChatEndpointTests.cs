using Conduit.Configuration;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Conduit.Server.Tests.Fakes;

namespace Conduit.Server.Tests;

public sealed class ChatEndpointTests
{
    [Fact]
    public async Task Healthz_answers_ok_true()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var response = await daemon.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"ok\":true}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Root_redirects_to_docs_when_docs_are_enabled_and_answers_ok_otherwise()
    {
        await using (var daemon = await TestDaemon.StartAsync())
        {
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = daemon.BaseAddress };
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/docs", response.Headers.Location?.OriginalString);
        }

        await using (var daemon = await TestDaemon.StartAsync(o => o.EnableDocs = false))
        {
            Assert.True((bool)(await daemon.GetJsonAsync("/"))["ok"]!);
            using var docs = await daemon.Client.GetAsync("/docs/json");
            await Problems.AssertProblemAsync(docs, 404);
        }
    }

    [Fact]
    public async Task Chat_answers_the_original_camelCase_result_plus_session_id_and_outcome()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"  add retries  ","runner":{"provider":"codex","model":"gpt-5"}}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(text)!.AsObject();

        Assert.True(Guid.TryParse((string?)body["threadId"], out _), text);
        Assert.True(Guid.TryParse((string?)body["queueItemId"], out _), text);
        Assert.Equal("done", (string?)body["finalMessage"]);
        Assert.Equal("done", (string?)body["text"]);
        Assert.Equal("sess-1", (string?)body["sessionId"]);
        Assert.Equal("succeeded", (string?)body["outcome"]);
        Assert.Equal(1234, (long)body["durationMs"]!);
        Assert.Equal("codex", (string?)body["runner"]!["provider"]);
        Assert.Equal("gpt-5", (string?)body["runner"]!["model"]);
        var usage = body["usage"]!.AsObject();
        Assert.Equal(10, (long)usage["inputTokens"]!);
        Assert.Equal(5, (long)usage["outputTokens"]!);
        Assert.Equal(3, (long)usage["cachedInputTokens"]!);
        Assert.Equal(0, (long)usage["cacheWriteTokens"]!);
        Assert.Equal(15, (long)usage["totalTokens"]!);
        Assert.Equal(0.0125m, (decimal)usage["costUsd"]!);
        var exit = body["exit"]!.AsObject();
        Assert.Equal(0, (int)exit["code"]!);
        Assert.Null(exit["signal"]);
        Assert.True(exit.ContainsKey("signal"));
        Assert.Equal("completed", (string?)exit["finalState"]);
        Assert.NotNull(exit["endedAt"]);
        Assert.Equal(3, body["stdout"]!.AsArray().Count);

        var request = Assert.Single(daemon.Runner.Requests);
        Assert.Equal("add retries", request.Prompt);
        Assert.Equal(new RunnerSpec("codex", "gpt-5"), request.Runner);
        Assert.Equal(daemon.ProjectDirectory, request.WorkingDirectory);
        Assert.Null(request.Args);
    }

    [Fact]
    public async Task Chat_without_runner_uses_the_default_runner_and_resume_becomes_the_thread_id()
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.DefaultRunner = "gemini/gemini-2.5-pro");
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"go on","resume":"sess-9"}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("sess-9", (string?)body["threadId"]);
        var request = Assert.Single(daemon.Runner.Requests);
        Assert.Equal(new RunnerSpec("gemini", "gemini-2.5-pro"), request.Runner);
        Assert.Equal("sess-9", request.ResumeSessionId);
    }

    [Fact]
    public async Task Chat_without_debug_leaves_out_the_raw_stdout_lines()
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.Debug = false);
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi"}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.False(body.ContainsKey("stdout"));
        Assert.False(body.ContainsKey("stderr"));
    }

    [Fact]
    public async Task Chat_with_an_event_stream_accept_header_streams_the_original_events_and_ours()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var request = daemon.Request(HttpMethod.Post, "/chat", """{"project_id":"billing","prompt":"hi"}""");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await daemon.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        var events = SseParser.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("connected", events[0].Comment);
        var names = events.Where(e => e.Comment is null).Select(e => e.Name).ToArray();
        Assert.Equal(new string?[] { "queued", "start", "stdout", "agent", "stdout", "agent", "stdout", "agent", "agent", "result", "exit" }, names);
        var queued = JsonNode.Parse(events.First(e => e.Name == "queued").Data)!.AsObject();
        Assert.NotNull(queued["threadId"]);
        Assert.NotNull(queued["queueItemId"]);
        Assert.NotNull(queued["emittedAt"]);
        Assert.False(queued.ContainsKey("pid"));
        var stdout = JsonNode.Parse(events.First(e => e.Name == "stdout").Data)!;
        Assert.Equal("stdout", (string?)stdout["stream"]);
        Assert.Equal("{\"type\":\"system\",\"session_id\":\"sess-1\"}", (string?)stdout["chunk"]);
        var agentTypes = events.Where(e => e.Name == "agent").Select(e => (string?)JsonNode.Parse(e.Data)!["type"]).ToArray();
        Assert.Equal(new string?[] { "session_started", "text", "usage", "completed" }, agentTypes);
        var exit = JsonNode.Parse(events.Last().Data)!;
        Assert.Equal("completed", (string?)exit["finalState"]);
        Assert.Equal(0, (int)exit["code"]!);
        var result = JsonNode.Parse(events.Single(e => e.Name == "result").Data)!;
        Assert.Equal("sess-1", (string?)result["sessionId"]);
    }

    [Fact]
    public async Task Chat_stream_without_debug_has_no_stdout_events()
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.Debug = false);
        using var request = daemon.Request(HttpMethod.Post, "/chat", """{"project_id":"billing","prompt":"hi"}""");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await daemon.Client.SendAsync(request);
        var events = SseParser.Parse(await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(events, e => e.Name == "stdout");
        Assert.Contains(events, e => e.Name == "exit");
    }

    [Fact]
    public async Task Chat_for_an_unknown_project_is_404_with_the_original_message()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"nope","prompt":"hi"}""");
        var body = await Problems.AssertProblemAsync(response, 404, "project_id");
        Assert.Equal("Unknown project_id \"nope\"", (string?)body["error"]);
        Assert.Empty(daemon.Runner.Requests);
    }

    [Fact]
    public async Task Chat_with_a_blank_prompt_is_400_prompt_cannot_be_empty()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"   "}""");
        var body = await Problems.AssertProblemAsync(response, 400, "prompt");
        Assert.Equal("Prompt cannot be empty", (string?)body["error"]);
    }

    [Theory]
    [InlineData("""{"project_id":"billing","prompt":"hi","colour":"blue"}""", "colour")]
    [InlineData("""{"project_id":"billing","prompt":5}""", "prompt")]
    [InlineData("""{"project_id":"billing"}""", "prompt")]
    [InlineData("""{"prompt":"hi"}""", "project_id")]
    [InlineData("""{"project_id":"billing","prompt":"hi","runner":"codex"}""", "runner")]
    [InlineData("""{"project_id":"billing","prompt":"hi","runner":{"model":"x"}}""", "runner.provider")]
    [InlineData("""{"project_id":"billing","prompt":"hi","runner":{"provider":"bogus"}}""", "runner.provider")]
    [InlineData("""{"project_id":"billing","prompt":"hi","runner":{"provider":"codex","temperature":1}}""", "runner.temperature")]
    [InlineData("""{"project_id":"billing",""", "body")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("", "body")]
    public async Task Chat_with_an_invalid_body_is_400_naming_the_field_and_runs_nothing(string json, string field)
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var response = await daemon.PostJsonAsync("/chat", json);
        await Problems.AssertProblemAsync(response, 400, field);
        Assert.Empty(daemon.Runner.Requests);
    }

    [Fact]
    public async Task Chat_with_an_unknown_provider_says_which_providers_exist()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi","runner":{"provider":"bogus"}}""");
        var body = await Problems.AssertProblemAsync(response, 400, "runner.provider");
        Assert.StartsWith("Unsupported runner provider \"bogus\"", (string?)body["error"]);
    }

    [Theory]
    [InlineData("db", "\"/tmp/x.sqlite\"")]
    [InlineData("args", "[\"--yolo\"]")]
    [InlineData("cwd", "\"/\"")]
    public async Task Chat_overriding_a_disabled_request_control_is_403_naming_the_field_and_nothing_runs(string field, string value)
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.RequestControls.Db = RequestControlMode.ReadOnly);
        using var response = await daemon.PostJsonAsync("/chat", $$"""{"project_id":"billing","prompt":"hi","{{field}}":{{value}}}""");
        var body = await Problems.AssertProblemAsync(response, 403, field);
        Assert.StartsWith($"Request override for \"{field}\" is not allowed", (string?)body["error"]);
        Assert.Empty(daemon.Runner.Requests);
    }

    [Fact]
    public async Task Chat_overrides_args_and_cwd_when_their_controls_are_read_write()
    {
        var cwd = Directory.CreateTempSubdirectory("conduit-cwd-").FullName;
        await using var daemon = await TestDaemon.StartAsync(o =>
        {
            o.RequestControls.Args = RequestControlMode.ReadWrite;
            o.RequestControls.Cwd = RequestControlMode.ReadWrite;
        });
        using var response = await daemon.PostJsonAsync("/chat", new JsonObject { ["project_id"] = "billing", ["prompt"] = "hi", ["args"] = new JsonArray("--foo", "bar"), ["cwd"] = cwd }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(daemon.Runner.Requests);
        Assert.Equal(["--foo", "bar"], request.Args);
        Assert.Equal(cwd, request.WorkingDirectory);
        Directory.Delete(cwd);
    }

    [Fact]
    public async Task Chat_accepts_a_db_override_when_its_control_is_read_write_and_runs_the_agent()
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.RequestControls.Db = RequestControlMode.ReadWrite);
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi","db":"/tmp/other.sqlite"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(daemon.Runner.Requests);
    }

    [Fact]
    public async Task A_missing_provider_cli_is_a_clear_503_and_the_daemon_keeps_serving()
    {
        await using var daemon = await TestDaemon.StartAsync();
        daemon.Runner.Stream = (_, _) => throw new ProviderNotInstalledException("codex", "codex", "npm install -g @openai/codex");
        using var response = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi","runner":{"provider":"codex"}}""");
        var body = await Problems.AssertProblemAsync(response, 503);
        Assert.Contains("npm install -g @openai/codex", (string?)body["error"]);
        using var health = await daemon.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Threads_show_the_newest_turn_its_final_output_and_unknown_threads_are_null()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var chat = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi"}""");
        var threadId = (string)JsonNode.Parse(await chat.Content.ReadAsStringAsync())!["threadId"]!;

        var thread = await daemon.GetJsonAsync($"/chat/threads/{threadId}");
        Assert.Equal(threadId, (string?)thread["threadId"]);
        Assert.False((bool)thread["running"]!);
        Assert.Equal("completed", (string?)thread["thread"]!["state"]);
        Assert.Equal(0, (int)thread["thread"]!["exitCode"]!);
        Assert.Equal("sess-1", (string?)thread["thread"]!["sessionId"]);

        using var final = await daemon.Client.GetAsync($"/chat/threads/{threadId}/output/final");
        Assert.Equal("text/plain", final.Content.Headers.ContentType?.MediaType);
        Assert.Equal("done", await final.Content.ReadAsStringAsync());
        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, $"/chat/threads/{threadId}/output/final");
        gzipRequest.Headers.AcceptEncoding.ParseAdd("gzip");
        using var gzipped = await daemon.Client.SendAsync(gzipRequest);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        await using (var gzip = new System.IO.Compression.GZipStream(await gzipped.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip))
        {
            Assert.Equal("done", await reader.ReadToEndAsync());
        }

        var unknown = await daemon.GetJsonAsync("/chat/threads/nope");
        Assert.Equal("""{"threadId":"nope","running":false,"thread":null}""", unknown.ToJsonString());
        using var missing = await daemon.Client.GetAsync("/chat/threads/nope/output/final");
        var problem = await Problems.AssertProblemAsync(missing, 404);
        Assert.Equal("Thread \"nope\" not found", (string?)problem["error"]);
    }

    [Fact]
    public async Task Cancel_by_thread_id_alone_stops_a_running_chat_with_or_without_a_body()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var started = new TaskCompletionSource();
        daemon.Runner.Stream = (_, token) => Script.RunsUntilCancelled(started, token);
        var chat = daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"long"}""");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var threadId = daemon.App.Services.GetChatThreadIds().Single();
        Assert.True((bool)(await daemon.GetJsonAsync($"/chat/threads/{threadId}"))["running"]!);

        using var cancel = await daemon.PostJsonAsync($"/chat/threads/{threadId}/cancel", string.Empty);
        Assert.Equal($$"""{"threadId":"{{threadId}}","cancelled":true}""", await cancel.Content.ReadAsStringAsync());

        using var result = await chat;
        var body = JsonNode.Parse(await result.Content.ReadAsStringAsync())!;
        Assert.Equal("cancelled", (string?)body["exit"]!["finalState"]);
        Assert.Equal("SIGTERM", (string?)body["exit"]!["signal"]);
        Assert.Equal("cancelled", (string?)body["outcome"]);

        using var again = await daemon.PostJsonAsync($"/chat/threads/{threadId}/cancel", "{}");
        Assert.Equal($$"""{"threadId":"{{threadId}}","cancelled":false}""", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_full_chat_queue_answers_429_with_retry_after_and_runs_nothing_more()
    {
        await using var daemon = await TestDaemon.StartAsync(o =>
        {
            o.Queue.MaxActiveRuns = 1;
            o.Queue.MaxQueuedRuns = 1;
        });
        var started = new TaskCompletionSource();
        daemon.Runner.Stream = (_, token) => Script.RunsUntilCancelled(started, token);
        var first = daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"one"}""");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"two"}""");
        await WaitUntilAsync(() => daemon.App.Services.GetChatQueueDepth() == 1);

        using var third = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"three"}""");
        var body = await Problems.AssertProblemAsync(third, 429);
        Assert.Equal("Queue capacity exceeded", (string?)body["error"]);
        Assert.Equal("5", third.Headers.GetValues("Retry-After").Single());
        Assert.Single(daemon.Runner.Requests);

        foreach (var threadId in daemon.App.Services.GetChatThreadIds())
        {
            using var _ = await daemon.PostJsonAsync($"/chat/threads/{threadId}/cancel", "{}");
        }

        (await first).Dispose();
        (await second).Dispose();
    }

    [Fact]
    public async Task Throttling_answers_429_with_retry_after_once_the_window_is_used_up()
    {
        await using var daemon = await TestDaemon.StartAsync(o =>
        {
            o.Throttling.Enabled = true;
            o.Throttling.MaxRequests = 2;
            o.Throttling.WindowMs = 60_000;
        });
        for (var i = 0; i < 2; i++)
        {
            using var ok = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi"}""");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi"}""");
        var body = await Problems.AssertProblemAsync(limited, 429);
        Assert.Equal("Rate limit exceeded", (string?)body["error"]);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(2, daemon.Runner.Requests.Count);

        using var health = await daemon.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }
}
