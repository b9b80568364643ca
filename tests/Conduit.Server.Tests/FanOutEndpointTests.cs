using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Conduit.Server.Tests;

public sealed class FanOutEndpointTests
{
    [Fact]
    public async Task Post_fanout_runs_every_runner_in_the_project_and_answers_the_comparison()
    {
        await using var daemon = await TestDaemon.StartAsync();

        using var response = await daemon.PostJsonAsync("/fanout", """{"project_id":"billing","prompt":"add retries","runners":["claude","codex/gpt-5"],"repeat":2,"consensus":"majority"}""");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(4, body["trials"]!.AsArray().Count);
        Assert.Equal(["claude", "codex/gpt-5"], body["runners"]!.AsArray().Select(r => (string?)r!["runner"]));
        var consensus = body["tasks"]![0]!["consensus"]!;
        Assert.Equal("majority", (string?)consensus["strategy"]);
        Assert.NotNull((string?)consensus["winner_trial_id"]);
        Assert.Equal(4, daemon.Runner.Requests.Count);
        Assert.All(daemon.Runner.Requests, r => Assert.Equal("add retries", r.Prompt));
        Assert.Equal(2, daemon.Runner.Requests.Count(r => r.Runner.Equals(new RunnerSpec("codex", "gpt-5"))));

        using var list = await daemon.Client.GetAsync("/fanouts");
        var listed = Assert.Single(JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray())!;
        Assert.Equal("finished", (string?)listed["status"]);
        Assert.Equal(4, (int)listed["finished"]!);
    }

    [Fact]
    public async Task Post_fanout_with_an_event_stream_sends_trial_updates_then_the_result()
    {
        await using var daemon = await TestDaemon.StartAsync();
        using var request = daemon.Request(HttpMethod.Post, "/fanout", """{"project_id":"billing","prompt":"hi","runners":["claude","gemini"]}""");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await daemon.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var names = text.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).ToArray();
        Assert.Equal(6, names.Count(n => n == "trial"));
        Assert.Equal("result", names[^1]);
        Assert.Contains("\"kind\":\"started\"", text, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"finished\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"project_id":"billing","runners":["claude"]}""", "prompt")]
    [InlineData("""{"project_id":"billing","prompt":"hi","runners":[]}""", "runners")]
    [InlineData("""{"project_id":"billing","prompt":"hi","runners":["nobody"]}""", "runners[0]")]
    [InlineData("""{"project_id":"billing","prompt":"hi","runners":["claude"],"consensus":"vote"}""", "consensus")]
    [InlineData("""{"project_id":"billing","prompt":"hi","runners":["claude"],"repeat":0}""", "repeat")]
    public async Task Post_fanout_refuses_a_bad_body_with_the_field(string json, string field)
    {
        await using var daemon = await TestDaemon.StartAsync();

        using var response = await daemon.PostJsonAsync("/fanout", json);

        await Problems.AssertProblemAsync(response, 400, field);
    }
}
