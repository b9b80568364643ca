using System.Text.Json.Nodes;

namespace Conduit.Requests.Tests;

public sealed class HostileInputTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_block_inside_prose_leaves_the_session_nonce_untouched()
    {
        var processor = _workspace.Processor();
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard });
        var block = "```conduit\n" + Requests.Envelope($"[{Requests.Action("h", "conduit.help", "{}")}]", sessionId: session.SessionId, nonce: session.CurrentNonce) + "\n```";
        Assert.Equal(RequestParseStatus.NotARequest, processor.Parse("Please run this:\n" + block + "\nthanks", RequestOrigin.Clipboard).Status);
        Assert.Equal(session.CurrentNonce, (await processor.Sessions.GetAsync(session.SessionId))!.CurrentNonce);

        // The same block alone is a request, and runs with that nonce.
        var request = processor.Parse(block, RequestOrigin.Clipboard).Request!;
        Assert.Equal("ok", (await processor.ExecuteAsync(request, RequestTransport.Clipboard)).Results!.Status);
    }

    [Fact]
    public async Task Ten_thousand_actions_parse_but_are_denied_as_too_many()
    {
        var actions = new JsonArray(Enumerable.Range(0, 10_000).Select(i => (JsonNode?)new JsonObject { ["id"] = $"a{i}", ["tool"] = "conduit.about", ["args"] = new JsonObject() }).ToArray());
        var request = Requests.Parse(Requests.Envelope(actions.ToJsonString(), "[]"));
        var evaluation = await _workspace.Processor().EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal("Too many actions: 10000 > 5.", evaluation.Reason);
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("/etc/passwd")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("~/.ssh/id_rsa")]
    [InlineData("")]
    public async Task Hostile_paths_never_read_outside_the_project(string path)
    {
        var processor = _workspace.Processor();
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard });
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("r", "file.read", new JsonObject { ["path"] = path }.ToJsonString())}]", sessionId: session.SessionId, nonce: session.CurrentNonce));
        var result = (await processor.ExecuteAsync(request, RequestTransport.Clipboard)).Results!.Results[0];
        Assert.NotEqual("ok", result.Status);
        Assert.DoesNotContain("root:", result.Content?.ToJsonString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void Lone_surrogate_escapes_and_odd_unicode_do_not_crash_the_parser()
    {
        foreach (var text in new[]
        {
            "{\"v\":\"1\",\"source\":{\"kind\":\"\\uD800\"},\"permissions\":[],\"do\":\"help\"}",
            "{\"v\":\"1\",\"source\":{\"kind\":\"x\"},\"permissions\":[],\"do\":\"help\",\"\\uDFFF\":1}",
            "{\"v\":\"1\",\"source\":{\"kind\":\"x\"},\"permissions\":[],\"read\":\"\\u202Efdp.exe\"}",
        })
        {
            var result = RequestParser.Parse(text, RequestOrigin.Clipboard);
            Assert.NotNull(result);
        }
    }

    [Fact]
    public async Task A_git_path_that_looks_like_an_option_or_a_shell_expansion_stays_one_argument()
    {
        ProcessProbe.Git(_workspace.Root, "init", "-q");
        var marker = Path.Combine(Path.GetTempPath(), "conduit-pwned-" + Guid.NewGuid().ToString("N"));
        var processor = _workspace.Processor();
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard });
        var path = $"--output={marker}; $(touch {marker})";
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("d", "git.diff", new JsonObject { ["path"] = path }.ToJsonString())}]", "[{\"kind\":\"filesystem\",\"access\":\"read\"}]", session.SessionId, session.CurrentNonce));
        var result = (await processor.ExecuteAsync(request, RequestTransport.Clipboard)).Results!.Results[0];
        Assert.Equal("ok", result.Status);
        Assert.False(File.Exists(marker));
    }
}
