namespace Conduit.Requests.Tests;

/// <summary>The seed document's quickstart, end to end.</summary>
[Collection("processes")]
public sealed class SeedWalkthroughTests : IDisposable
{
    private const string HelloWorld = """
        ```conduit
        {
          "v": "1",
          "source": { "kind": "docs", "trust": "untrusted" },
          "permissions": [{ "kind": "shell" }],
          "shell": "echo 'Hello, Conduit World!'"
        }
        ```
        """;

    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Hello_world_needs_review_and_runs_only_when_the_reviewer_arms_the_shell()
    {
        var processor = _workspace.Processor();
        var request = processor.Parse(HelloWorld, RequestOrigin.Clipboard).Request!;

        var first = await processor.ExecuteAsync(request, RequestTransport.Clipboard);
        Assert.Equal(RequestRunStatus.ReviewRequired, first.Status);
        Assert.Contains("echo 'Hello, Conduit World!'", first.Review!.Text, StringComparison.Ordinal);

        // "Approve once" is read-only: the shell stays denied.
        var once = await processor.ExecuteAsync(request, RequestTransport.Clipboard, first.Review.Approve(_workspace.Time.GetUtcNow(), "terminal"));
        Assert.Equal("Tool denied by read-only profile: shell.run", Assert.Single(once.Results!.Results).Error);

        // The reviewer grants shell-manual and confirms this one action.
        var again = await processor.ExecuteAsync(request, RequestTransport.Clipboard, first.Review.Approve(_workspace.Time.GetUtcNow(), "terminal"));
        Assert.Equal(RequestRunStatus.Rejected, again.Status);
        Assert.Contains("already used", again.Reason, StringComparison.Ordinal);
        var second = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard));
        var armed = second.Approve(_workspace.Time.GetUtcNow(), "terminal", PermissionProfile.ShellManual, [request.Actions[0].Id]);
        var run = await processor.ExecuteAsync(request, RequestTransport.Clipboard, armed);
        var result = Assert.Single(run.Results!.Results);
        Assert.Equal("ok", result.Status);
        Assert.Equal("Hello, Conduit World!\n", (string?)result.Content);
        Assert.Contains("<<<CONDUIT_RESULTS_JSON", run.Results.RenderForClipboard(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_help_examples_run_after_approve_once()
    {
        var processor = _workspace.Processor();
        foreach (var text in new[]
        {
            "{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\",\"trust\":\"untrusted\"},\"permissions\":[],\"title\":\"Show Conduit help\",\"actions\":[{\"id\":\"help\",\"tool\":\"conduit.help\",\"args\":{}}]}",
            "{\"v\":\"1\",\"source\":{\"kind\":\"docs\",\"trust\":\"untrusted\"},\"permissions\":[],\"do\":\"help\"}",
        })
        {
            var request = processor.Parse(text, RequestOrigin.Clipboard).Request!;
            var review = (await processor.ExecuteAsync(request, RequestTransport.Clipboard)).Review!;
            var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard, review.Approve(_workspace.Time.GetUtcNow(), "terminal"));
            Assert.Equal("ok", outcome.Results!.Status);
            Assert.Equal("requests", (string?)outcome.Results.Results[0].Content!["topic"]);
        }
    }
}
