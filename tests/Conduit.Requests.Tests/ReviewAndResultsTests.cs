using System.Text.Json.Nodes;

namespace Conduit.Requests.Tests;

public sealed class ReviewAndResultsTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("\u202E", "<U+202E>")]
    [InlineData("\u200B", "<U+200B>")]
    [InlineData("\u2066", "<U+2066>")]
    [InlineData("\uFEFF", "<U+FEFF>")]
    [InlineData("\u00A0", "<U+00A0>")]
    [InlineData("\u0007", "<U+0007>")]
    [InlineData("\u3164", "<U+3164>")]
    public void Invisible_and_bidi_characters_are_spelled_out(string hidden, string shown)
    {
        Assert.Equal($"a{shown}b", VisibleText.MakeVisible($"a{hidden}b"));
    }

    [Fact]
    public void A_lone_surrogate_is_spelled_out()
    {
        Assert.Equal("a<U+D800>b", VisibleText.MakeVisible("a" + '\uD800' + "b"));
    }

    [Fact]
    public void Tag_characters_outside_the_basic_plane_are_spelled_out()
    {
        Assert.Equal("x<U+E0041>y", VisibleText.MakeVisible("x" + char.ConvertFromUtf32(0xE0041) + "y"));
        Assert.Equal("héllo 世界 😀", VisibleText.MakeVisible("héllo 世界 😀"));
    }

    [Fact]
    public async Task Review_shows_source_permissions_and_every_argument_untruncated_and_visible()
    {
        var processor = _workspace.Processor();
        var content = new string('z', 50_000) + "END";
        var request = Requests.Parse(new JsonObject
        {
            ["schema"] = "conduit.request.v1",
            ["source"] = new JsonObject { ["kind"] = "webpage", ["trust"] = "untrusted", ["url"] = "https://example.test" },
            ["permissions"] = new JsonArray(new JsonObject { ["kind"] = "filesystem", ["scope"] = "project", ["access"] = "write" }, new JsonObject { ["kind"] = "shell" }),
            ["title"] = "Fix \u202Etxt.exe",
            ["requestedCapabilities"] = new JsonArray("write-files"),
            ["actions"] = new JsonArray(
                new JsonObject { ["id"] = "w", ["tool"] = "file.write", ["args"] = new JsonObject { ["path"] = "a\u200B.txt", ["content"] = content }, ["reason"] = "needed" },
                new JsonObject { ["id"] = "s", ["tool"] = "shell.run", ["args"] = new JsonObject { ["command"] = "echo ok\u2067 # hidden" } }),
        }.ToJsonString());
        var review = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard));

        Assert.Contains("Source: webpage / untrusted", review.Text, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"https://example.test\"", review.Text, StringComparison.Ordinal);
        Assert.Contains("filesystem:project:write", review.Text, StringComparison.Ordinal);
        Assert.Contains("shell:*:*", review.Text, StringComparison.Ordinal);
        Assert.Contains("Requested capabilities: write-files", review.Text, StringComparison.Ordinal);
        Assert.Contains("Title: Fix <U+202E>txt.exe", review.Text, StringComparison.Ordinal);
        Assert.Contains("a<U+200B>.txt", review.Text, StringComparison.Ordinal);
        Assert.Contains("echo ok<U+2067> # hidden", review.Text, StringComparison.Ordinal);
        Assert.Contains(content, review.Text, StringComparison.Ordinal);
        Assert.Contains("[1] w:file.write", review.Text, StringComparison.Ordinal);
        Assert.Contains("[2] s:shell.run", review.Text, StringComparison.Ordinal);
        Assert.Contains(request.Hash, review.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", review.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u200B", review.Text, StringComparison.Ordinal);
        Assert.Equal("review_untrusted_request", (string?)review.ReviewAction["id"]);
        Assert.Equal("conduit.review", (string?)review.ReviewAction["tool"]);
        Assert.Equal("high", (string?)review.ReviewAction["risk"]);
        Assert.False((bool)review.ReviewAction["args"]!["noncePresent"]!);
        Assert.Equal(review.CreatedAt + TimeSpan.FromMinutes(10), review.ExpiresAt);
        Assert.StartsWith("approval_", review.ApprovalId, StringComparison.Ordinal);
    }

    [Fact]
    public void Results_render_with_markers_and_overall_status()
    {
        var results = new RequestResults
        {
            RunId = "run1",
            SessionId = "sess_a",
            NextNonce = "call_b",
            Results = [new ActionResult { Id = "a", Tool = "file.read", Status = "ok", Content = "hi" }],
        };
        var text = results.RenderForClipboard();
        Assert.StartsWith("Conduit results:\n\n<<<CONDUIT_RESULTS_JSON\n{\n  \"type\": \"conduit.results.v1\",", text, StringComparison.Ordinal);
        Assert.EndsWith("}\nCONDUIT_RESULTS_JSON>>>\n", text, StringComparison.Ordinal);
        Assert.Contains("\"nextNonce\": \"call_b\"", text, StringComparison.Ordinal);
        Assert.Equal("ok", (string?)JsonNode.Parse(results.ToJsonString())!["status"]);
    }

    [Theory]
    [InlineData(new[] { "ok", "ok" }, "ok")]
    [InlineData(new[] { "ok", "error" }, "error")]
    [InlineData(new[] { "denied", "requires_confirmation" }, "denied")]
    [InlineData(new[] { "ok", "denied" }, "partial")]
    [InlineData(new[] { "error", "denied" }, "error")]
    public void Overall_status_follows_the_documented_rule(string[] statuses, string overall)
    {
        var results = statuses.Select((s, i) => new ActionResult { Id = $"a{i}", Tool = "t", Status = s }).ToArray();
        Assert.Equal(overall, new RequestResults { RunId = "r", Results = results }.Status);
    }

    [Fact]
    public void Clipboard_results_are_compacted_to_the_cap_and_say_so()
    {
        var results = new RequestResults
        {
            RunId = "r",
            Results =
            [
                new ActionResult { Id = "big", Tool = "file.read", Status = "ok", Content = new string('a', 80_000) },
                new ActionResult { Id = "small", Tool = "file.read", Status = "ok", Content = "tiny" },
            ],
        };
        var text = results.RenderForClipboard(30_000);
        Assert.True(text.Length <= 30_000, $"{text.Length}");
        var json = JsonNode.Parse(text[(text.IndexOf('{', StringComparison.Ordinal))..text.LastIndexOf("CONDUIT_RESULTS_JSON>>>", StringComparison.Ordinal)])!;
        var big = json["results"]![0]!;
        Assert.True((bool)big["metadata"]!["conduitTransportTruncated"]!);
        Assert.Equal(80_000, (int)big["metadata"]!["originalContentChars"]!);
        Assert.Equal("tiny", (string?)json["results"]![1]!["content"]);
    }

    [Fact]
    public void Working_status_comes_first_and_names_run_and_session()
    {
        var status = RequestResults.RenderWorkingStatus("20261123-120000-abcdef", "sess_x");
        Assert.StartsWith("Conduit is still working.", status, StringComparison.Ordinal);
        Assert.Contains("Run: 20261123-120000-abcdef", status, StringComparison.Ordinal);
        Assert.Contains("Session: sess_x", status, StringComparison.Ordinal);
    }

    [Fact]
    public void The_published_schema_file_is_the_embedded_one_and_accepts_the_seed_envelope()
    {
        var docs = Path.Combine(AppContext.BaseDirectory, "request.schema.json");
        Assert.Equal(File.ReadAllText(docs).ReplaceLineEndings(), RequestSchema.Json.ReplaceLineEndings());
        Assert.Empty(RequestSchema.Validate("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\",\"trust\":\"untrusted\"},\"permissions\":[],\"title\":\"Show Conduit help\",\"actions\":[{\"id\":\"help\",\"tool\":\"conduit.help\",\"args\":{}}]}"));
        var errors = RequestSchema.Validate("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[],\"extra\":1}");
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.StartsWith("$", e, StringComparison.Ordinal));
    }
}
