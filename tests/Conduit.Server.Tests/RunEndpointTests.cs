using System.Net;
using System.Text.Json.Nodes;
using Conduit.Server.Tests.Fakes;

namespace Conduit.Server.Tests;

public sealed class RunEndpointTests
{
    [Fact]
    public async Task Post_runs_answers_202_with_the_run_id_and_its_url_and_passes_everything_to_the_orchestrator()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var request = daemon.Request(HttpMethod.Post, "/runs", """
            {"project_id":"billing","policy_id":"fix_bug.v1","input":{"issue":"rounding"},"requested_runner":{"provider":"codex","model":"gpt-5"},
             "timeout_seconds":600,"max_attempts":2,"external_ref":"JIRA-1","metadata":{"by":"ci"}}
            """);
        request.Headers.Add("Idempotency-Key", "key-1");
        using var response = await daemon.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("""{"run_id":"run_0001","status":"queued","project_id":"billing","policy_id":"fix_bug.v1","url":"/runs/run_0001","events_url":"/runs/run_0001/events"}""", text);
        Assert.Equal("/runs/run_0001", response.Headers.Location?.OriginalString);

        var submission = Assert.Single(daemon.Runs.Submissions);
        Assert.Equal("billing", submission.ProjectId);
        Assert.Equal("fix_bug.v1", submission.PolicyId);
        Assert.Equal("""{"issue":"rounding"}""", submission.Input.ToJsonString());
        Assert.Equal("key-1", submission.IdempotencyKey);
        Assert.Equal("JIRA-1", submission.ExternalRef);
        Assert.Equal("""{"by":"ci"}""", submission.Metadata?.ToJsonString());
        Assert.Equal(new RunnerSpec("codex", "gpt-5"), submission.RequestedRunner);
        Assert.Equal(TimeSpan.FromMinutes(10), submission.Timeout);
        Assert.Equal(2, submission.MaxAttempts);
    }

    [Theory]
    [InlineData("""{"policy_id":"p"}""", "project_id")]
    [InlineData("""{"project_id":"billing","policy_id":"p","input":[1]}""", "input")]
    [InlineData("""{"project_id":"billing","policy_id":"p","input":"x"}""", "input")]
    [InlineData("""{"project_id":"billing","policy_id":"p","timeout_seconds":"10"}""", "timeout_seconds")]
    [InlineData("""{"project_id":"billing","policy_id":"p","timeout_seconds":0}""", "timeout_seconds")]
    [InlineData("""{"project_id":"billing","policy_id":"p","requested_runner":{"provider":"bogus"}}""", "requested_runner.provider")]
    [InlineData("""{"project_id":"billing","policy_id":"p","priority":1}""", "priority")]
    [InlineData("""{"project_id":"billing","policy_id":"  "}""", "policy_id")]
    public async Task Post_runs_with_an_invalid_body_is_400_naming_the_field_and_submits_nothing(string json, string field)
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var response = await daemon.PostJsonAsync("/runs", json);
        await Problems.AssertProblemAsync(response, 400, field);
        Assert.Empty(daemon.Runs.Submissions);
    }

    [Fact]
    public async Task A_full_run_queue_answers_429_with_retry_after()
    {
        await using var daemon = await TestDaemon.StartAsync();
        daemon.Runs.Submit = (_, _) => throw new Conduit.Policies.QueueFullException(1);
        using var response = await daemon.PostJsonAsync("/runs", """{"project_id":"billing","policy_id":"p"}""");
        var body = await Problems.AssertProblemAsync(response, 429);
        Assert.StartsWith("Queue capacity exceeded", (string?)body["error"]);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
    }

    public static TheoryData<string, int, string> OrchestratorErrors => new()
    {
        { "project", 404, "project_id" },
        { "policy", 404, "policy_id" },
        { "invalid", 400, "policy_id" },
    };

    [Theory]
    [MemberData(nameof(OrchestratorErrors))]
    public async Task Orchestrator_errors_map_to_their_status_by_type(string kind, int status, string field)
    {
        await using var daemon = await TestDaemon.StartAsync();
        ConduitException error = kind switch
        {
            "project" => new Conduit.Configuration.ProjectNotFoundException("nope", ["billing"]),
            "policy" => new Conduit.Policies.PolicyNotFoundException("p", "billing"),
            _ => new Conduit.Policies.PolicyInvalidException("/x/policy.yaml", 3, 5, "retry.max_attempts", "must be an integer"),
        };
        daemon.Runs.Submit = (_, _) => throw error;
        using var response = await daemon.PostJsonAsync("/runs", """{"project_id":"billing","policy_id":"p"}""");
        var body = await Problems.AssertProblemAsync(response, status, field);
        Assert.Equal(error.Message, (string?)body["error"]);
    }

    [Fact]
    public async Task Get_runs_passes_filters_and_paging_and_answers_runs_and_next_cursor()
    {
        await using var daemon = await TestDaemon.StartAsync();
        daemon.Runs.List = (query, _) => Task.FromResult(new RunPage { Runs = [], NextCursor = "c2" });
        var page = await daemon.GetJsonAsync("/runs?status=queued,cancelled&project_id=billing&policy_id=p&limit=10&cursor=c1");
        Assert.Equal("""{"runs":[],"next_cursor":"c2"}""", page.ToJsonString());
        var query = Assert.Single(daemon.Runs.Queries);
        Assert.Equal([RunStatus.Queued, RunStatus.Cancelled], query.Statuses);
        Assert.Equal("billing", query.ProjectId);
        Assert.Equal("p", query.PolicyId);
        Assert.Equal(10, query.Limit);
        Assert.Equal("c1", query.Cursor);

        using var badStatus = await daemon.Client.GetAsync("/runs?status=done");
        await Problems.AssertProblemAsync(badStatus, 400, "status");
        using var badLimit = await daemon.Client.GetAsync("/runs?limit=0");
        await Problems.AssertProblemAsync(badLimit, 400, "limit");
    }

    [Fact]
    public async Task Get_run_answers_the_snake_case_record_and_adds_attempts_on_request()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var run = daemon.Runs.AddRun(new RunSubmission { ProjectId = "billing", PolicyId = "p" });
        daemon.Runs.Attempts = (_, _) => Task.FromResult<IReadOnlyList<AttemptRecord>>(
        [
            new AttemptRecord { AttemptId = $"{run.RunId}:attempt:1", RunId = run.RunId, AttemptIndex = 1, Status = RunStatus.Failed, Runner = new RunnerRef { Provider = "claude" } },
        ]);

        var plain = await daemon.GetJsonAsync($"/runs/{run.RunId}");
        Assert.Equal(run.RunId, (string?)plain["run_id"]);
        Assert.Equal("queued", (string?)plain["status"]);
        Assert.Equal(0, (int)plain["current_attempt_index"]!);
        Assert.False(plain.ContainsKey("attempts"));

        var withAttempts = await daemon.GetJsonAsync($"/runs/{run.RunId}?include=attempts");
        var attempt = Assert.Single(withAttempts["attempts"]!.AsArray())!;
        Assert.Equal($"{run.RunId}:attempt:1", (string?)attempt["attempt_id"]);
        Assert.Equal("failed", (string?)attempt["status"]);

        using var missing = await daemon.Client.GetAsync("/runs/run_nope");
        var problem = await Problems.AssertProblemAsync(missing, 404);
        Assert.Equal("Run \"run_nope\" not found", (string?)problem["error"]);
    }

    [Fact]
    public async Task Cancel_works_with_an_empty_body_or_json_and_unknown_runs_are_404()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var run = daemon.Runs.AddRun(new RunSubmission { ProjectId = "billing", PolicyId = "p" });
        using var empty = await daemon.PostJsonAsync($"/runs/{run.RunId}/cancel", string.Empty);
        Assert.Equal($$"""{"run_id":"{{run.RunId}}","canceled":true}""", await empty.Content.ReadAsStringAsync());

        daemon.Runs.Cancel = (_, _) => Task.FromResult(false);
        using var again = await daemon.PostJsonAsync($"/runs/{run.RunId}/cancel", "{}");
        Assert.Equal($$"""{"run_id":"{{run.RunId}}","canceled":false}""", await again.Content.ReadAsStringAsync());

        daemon.Runs.Cancel = (id, _) => throw new RunNotFoundException(id);
        using var unknown = await daemon.PostJsonAsync("/runs/run_nope/cancel", "{}");
        await Problems.AssertProblemAsync(unknown, 404);
    }

    [Fact]
    public async Task Run_events_replay_the_log_then_follow_live_events_until_the_run_ends()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var run = daemon.Runs.AddRun(new RunSubmission { ProjectId = "billing", PolicyId = "p" });
        daemon.Runs.Append(run.RunId, "run.status", new { status = "running" });
        daemon.Runs.Append(run.RunId, "attempt.started", new { attempt_index = 1 });

        using var response = await daemon.Client.GetAsync($"/runs/{run.RunId}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        var first = await ReadEventsAsync(reader, 2);
        Assert.Equal(["1", "2"], first.Select(e => e.Id!));
        Assert.Equal(["run.status", "attempt.started"], first.Select(e => e.Name!));
        var data = JsonNode.Parse(first[0].Data)!;
        Assert.Equal(1, (long)data["seq"]!);
        Assert.Equal(run.RunId, (string?)data["run_id"]);
        Assert.Equal("running", (string?)data["data"]!["status"]);

        daemon.Runs.Append(run.RunId, "run.status", new { status = "succeeded" });
        var live = await ReadEventsAsync(reader, 1);
        Assert.Equal("3", live[0].Id);
        daemon.Runs.End(run.RunId);
        var rest = await reader.ReadToEndAsync();
        Assert.Contains("event: end", rest);
    }

    [Fact]
    public async Task Run_events_resume_after_last_event_id_on_reconnect()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var run = daemon.Runs.AddRun(new RunSubmission { ProjectId = "billing", PolicyId = "p" });
        for (var i = 0; i < 4; i++)
        {
            daemon.Runs.Append(run.RunId, "log", new { line = i });
        }

        daemon.Runs.End(run.RunId);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/runs/{run.RunId}/events");
        request.Headers.Add("Last-Event-ID", "2");
        using var response = await daemon.Client.SendAsync(request);
        var events = SseParser.Parse(await response.Content.ReadAsStringAsync()).Where(e => e.Id is not null).ToArray();
        Assert.Equal(["3", "4"], events.Select(e => e.Id!));

        var viaQuery = SseParser.Parse(await daemon.Client.GetStringAsync($"/runs/{run.RunId}/events?after=3")).Where(e => e.Id is not null).ToArray();
        Assert.Equal(["4"], viaQuery.Select(e => e.Id!));

        using var bad = new HttpRequestMessage(HttpMethod.Get, $"/runs/{run.RunId}/events");
        bad.Headers.Add("Last-Event-ID", "abc");
        using var badResponse = await daemon.Client.SendAsync(bad);
        await Problems.AssertProblemAsync(badResponse, 400, "Last-Event-ID");

        using var unknown = await daemon.Client.GetAsync("/runs/run_nope/events");
        await Problems.AssertProblemAsync(unknown, 404);
    }

    [Fact]
    public async Task Without_an_orchestrator_the_runs_routes_fail_clearly_and_chat_still_works()
    {
        await using var daemon = await TestDaemon.StartAsync(withOrchestrator: false);
        using var response = await daemon.PostJsonAsync("/runs", """{"project_id":"billing","policy_id":"p"}""");
        Assert.True((int)response.StatusCode >= 500, $"got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var chat = await daemon.PostJsonAsync("/chat", """{"project_id":"billing","prompt":"hi"}""");
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    private static async Task<List<SseEvent>> ReadEventsAsync(StreamReader reader, int count)
    {
        var events = new List<SseEvent>();
        var frame = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (events.Count < count)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("stream ended");
            if (line.Length == 0)
            {
                var parsed = SseParser.Parse(frame.ToString());
                events.AddRange(parsed.Where(e => e.Comment is null));
                frame.Clear();
            }
            else
            {
                frame.Append(line).Append('\n');
            }
        }

        return events;
    }
}

public sealed class RunEventShutdownTests
{
    [Fact]
    public async Task Stopping_the_daemon_ends_open_run_event_streams_so_they_do_not_hold_it_open()
    {
        var daemon = await TestDaemon.StartAsync(o => o.ShutdownGracePeriod = TimeSpan.FromSeconds(1));
        try
        {
            var run = daemon.Runs.AddRun(new RunSubmission { ProjectId = "billing", PolicyId = "p" });
            daemon.Runs.Append(run.RunId, "run.status", new { status = "running" });
            using var response = await daemon.Client.GetAsync($"/runs/{run.RunId}/events", HttpCompletionOption.ResponseHeadersRead);
            var body = response.Content.ReadAsStringAsync();
            var started = DateTime.UtcNow;
            await daemon.App.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "shutdown waited for the event stream");
            var text = await body.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains("id: 1", text);
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }
}
