using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Conduit.Requests;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Server.Tests;

/// <summary>The request lane over real HTTP on loopback, with the real <see cref="RequestProcessor"/> on a temporary state dir.</summary>
public sealed class RequestEndpointTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("conduit-server-requests-").FullName;
    private TestDaemon? _daemon;

    private TestDaemon Daemon => _daemon!;

    private string Work => Path.Combine(_root, "work");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Work);
        File.WriteAllText(Path.Combine(Work, "README.md"), "hello readme\n");
        _daemon = await TestDaemon.StartAsync(services: s => s.AddConduitRequests(o =>
        {
            o.StateDirectory = Path.Combine(_root, "state");
            o.AllowedRoots = [Work];
        }));
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    private static string WriteRequest(string? sessionId = null, string? nonce = null) => $$"""
        { "schema": "conduit.request.v1", "source": { "kind": "docs" }, "permissions": [{ "kind": "filesystem", "access": "write" }],
          {{(sessionId is null ? "" : $"\"sessionId\": \"{sessionId}\", \"nonce\": \"{nonce}\",")}}
          "actions": [{ "id": "w", "tool": "file.write", "args": { "path": "marker.txt", "content": "ran" } }] }
        """;

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, string? json)
    {
        using var response = await Daemon.Client.SendAsync(Daemon.Request(HttpMethod.Post, path, json));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task An_untrusted_request_answers_202_with_the_review_and_runs_nothing_until_approved()
    {
        var (status, body) = await PostAsync("/requests", WriteRequest());

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("pending_review", (string)body["status"]!);
        Assert.Contains("marker.txt", (string)body["review"]!["text"]!, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Work, "marker.txt")));
        var runId = (string)body["runId"]!;
        var pending = await Daemon.GetJsonAsync("/requests");
        Assert.Equal(runId, (string)pending["pending"]![0]!["runId"]!);
        var dashboard = await Daemon.GetJsonAsync("/status/data");
        Assert.Equal(runId, (string)dashboard["pending_requests"]![0]!["run_id"]!);
        Assert.Contains("marker.txt", (string)dashboard["pending_requests"]![0]!["review"]!, StringComparison.Ordinal);

        var (approveStatus, approved) = await PostAsync($"/requests/{runId}/approve", """{"profile":"edit-with-confirmation","confirmActionIds":["w"]}""");

        Assert.Equal(HttpStatusCode.OK, approveStatus);
        Assert.Equal("completed", (string)approved["status"]!);
        Assert.Equal("ok", (string)approved["results"]!["status"]!);
        Assert.Equal("ran", File.ReadAllText(Path.Combine(Work, "marker.txt")));
        Assert.Equal("completed", (string)(await Daemon.GetJsonAsync($"/requests/{runId}"))["status"]!);
        Assert.Empty((JsonArray)(await Daemon.GetJsonAsync("/requests"))["pending"]!);

        var (againStatus, _) = await PostAsync($"/requests/{runId}/approve", "");
        Assert.Equal(HttpStatusCode.Conflict, againStatus);
    }

    [Fact]
    public async Task A_denied_request_runs_nothing()
    {
        var (_, body) = await PostAsync("/requests", WriteRequest());
        var runId = (string)body["runId"]!;

        var (status, denied) = await PostAsync($"/requests/{runId}/deny", "");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("refused", (string)denied["status"]!);
        Assert.Equal("denied", (string)denied["review"]!["decision"]!);
        Assert.False(File.Exists(Path.Combine(Work, "marker.txt")));
    }

    [Fact]
    public async Task A_request_in_an_api_session_runs_at_once_and_returns_the_next_nonce_and_a_replay_is_refused()
    {
        var (created, session) = await PostAsync("/requests/sessions", """{"label":"ci"}""");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("api", (string)session["transport"]!);
        Assert.StartsWith("CONDUIT PROTOCOL :: AGENT HANDSHAKE", (string)session["card"]!, StringComparison.Ordinal);
        var sessionId = (string)session["sessionId"]!;
        var nonce = (string)session["nonce"]!;
        var read = $$"""{ "v": "1", "source": { "kind": "chat" }, "permissions": [{ "kind": "filesystem", "access": "read" }], "session": "{{sessionId}}", "n": "{{nonce}}", "do": ["read README.md"] }""";

        var (status, body) = await PostAsync("/requests", read);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("completed", (string)body["status"]!);
        Assert.StartsWith("call_", (string)body["results"]!["nextNonce"]!, StringComparison.Ordinal);
        Assert.Contains("hello readme", body["results"]!["results"]![0]!["content"]!.ToJsonString(), StringComparison.Ordinal);

        var (replayStatus, replay) = await PostAsync("/requests", read);
        Assert.Equal(HttpStatusCode.OK, replayStatus);
        Assert.Equal("refused", (string)replay["status"]!);
        Assert.Equal("conduit.repair.v1", (string)replay["repair"]!["type"]!);
    }

    [Fact]
    public async Task Sessions_are_listed_and_revoked()
    {
        var (_, session) = await PostAsync("/requests/sessions", "");
        var sessionId = (string)session["sessionId"]!;

        Assert.Equal(sessionId, (string)(await Daemon.GetJsonAsync("/requests/sessions"))["sessions"]![0]!["sessionId"]!);
        using var revoke = await Daemon.Client.SendAsync(Daemon.Request(HttpMethod.Delete, $"/requests/sessions/{sessionId}", ""));
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal("revoked", (string)(await Daemon.GetJsonAsync("/requests/sessions"))["sessions"]![0]!["state"]!);
        using var unknown = await Daemon.Client.SendAsync(Daemon.Request(HttpMethod.Delete, "/requests/sessions/sess_nope", ""));
        await Problems.AssertProblemAsync(unknown, 404);
    }

    [Fact]
    public async Task A_session_root_outside_the_allowed_roots_is_refused()
    {
        using var response = await Daemon.Client.SendAsync(Daemon.Request(HttpMethod.Post, "/requests/sessions", """{"roots":["/"]}"""));

        await Problems.AssertProblemAsync(response, 400, "roots");
    }

    [Fact]
    public async Task A_rejected_request_answers_422_with_the_repair_envelope()
    {
        var (status, body) = await PostAsync("/requests", """{ "schema": "conduit.request.v1", "source": { "kind": "x" }, "permissions": [], "actions": [], "extra": 1 }""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("conduit.repair.v1", (string)body["type"]!);
    }

    [Fact]
    public async Task The_request_lane_needs_the_token_like_every_route()
    {
        var tokenFile = Path.Combine(_root, "token");
        await using var daemon = await TestDaemon.StartAsync(o => o.AuthTokenFile = tokenFile, s => s.AddConduitRequests(o => o.StateDirectory = Path.Combine(_root, "state2")));

        using var anonymous = await daemon.Client.PostAsync("/requests", TestDaemon.Json(WriteRequest()));
        await Problems.AssertProblemAsync(anonymous, 401);
        using var sessions = await daemon.Client.GetAsync("/requests/sessions");
        await Problems.AssertProblemAsync(sessions, 401);

        using var request = daemon.Request(HttpMethod.Post, "/requests", WriteRequest());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", daemon.App.Services.GetConduitAuthToken()!.Token);
        using var authorized = await daemon.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, authorized.StatusCode);
    }

    [Fact]
    public async Task Without_the_request_processor_the_lane_answers_503()
    {
        await using var daemon = await TestDaemon.StartAsync();

        using var response = await daemon.Client.PostAsync("/requests", TestDaemon.Json(WriteRequest()));

        await Problems.AssertProblemAsync(response, 503);
    }
}
