using System.Text.Json.Nodes;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests.Requests;

/// <summary>
/// <c>conduit request watch --once</c> and <c>--clipboard</c> against a real xclip on a private Xvfb display
/// (Debian packages xclip and xvfb, installed by scripts/install-test-deps.sh).
/// </summary>
public sealed class ClipboardWatchTests : IAsyncLifetime
{
    private readonly RequestSandbox sandbox = new();
    private XvfbDisplay? display;

    private XvfbDisplay Display => display!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(sandbox.Work, "README.md"), "hello readme\n");
        display = await XvfbDisplay.StartAsync();
        sandbox.Display = display.Name;
    }

    public async Task DisposeAsync()
    {
        display?.Dispose();
        sandbox.Dispose();
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Watch_runs_a_paired_request_from_the_clipboard_and_puts_the_results_back()
    {
        var (sessionId, nonce) = await sandbox.PairAsync();
        await Display.SetClipboardAsync($$"""
            ```conduit
            { "v": "1", "source": { "kind": "chat" }, "permissions": [{ "kind": "filesystem", "access": "read" }],
              "session": "{{sessionId}}", "n": "{{nonce}}", "do": ["read README.md"] }
            ```
            """);

        var (exitCode, _, error) = await sandbox.RunAsync(["request", "watch", "--once"]);

        Assert.True(exitCode == ExitCodes.Success, error);
        var clipboard = await Display.GetClipboardAsync();
        Assert.StartsWith("Conduit results:", clipboard, StringComparison.Ordinal);
        var json = clipboard[(clipboard.IndexOf("<<<CONDUIT_RESULTS_JSON", StringComparison.Ordinal) + "<<<CONDUIT_RESULTS_JSON".Length)..clipboard.IndexOf("CONDUIT_RESULTS_JSON>>>", StringComparison.Ordinal)];
        var results = JsonNode.Parse(json)!;
        Assert.Equal("ok", results["status"]!.GetValue<string>());
        Assert.StartsWith("call_", results["nextNonce"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("hello readme", results["results"]![0]!["content"]!.ToJsonString(), StringComparison.Ordinal);
        var folder = Assert.Single(sandbox.RunFolders());
        Assert.Equal(clipboard, File.ReadAllText(Path.Combine(folder, "result.txt")));
    }

    [Fact]
    public async Task Watch_without_a_terminal_answers_an_untrusted_request_with_the_review_notice_and_runs_nothing()
    {
        await Display.SetClipboardAsync("""
            { "schema": "conduit.request.v1", "source": { "kind": "docs" }, "permissions": [{ "kind": "filesystem", "access": "write" }],
              "actions": [{ "id": "w", "tool": "file.write", "args": { "path": "marker.txt", "content": "ran" } }] }
            """);

        var (exitCode, _, _) = await sandbox.RunAsync(["request", "watch", "--once"]);

        Assert.Equal(ExitCodes.NeedsReview, exitCode);
        Assert.StartsWith("Conduit review required.", await Display.GetClipboardAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(sandbox.Work, "marker.txt")));
    }

    [Fact]
    public async Task Watch_puts_the_working_status_on_the_clipboard_before_the_review_and_the_denial_after()
    {
        await Display.SetClipboardAsync("""
            { "schema": "conduit.request.v1", "source": { "kind": "docs" }, "permissions": [{ "kind": "filesystem", "access": "write" }],
              "actions": [{ "id": "w", "tool": "file.write", "args": { "path": "marker.txt", "content": "ran" } }] }
            """);
        var terminal = new ClipboardPeekingTerminal(Display, answer: "n");

        var (exitCode, _, error) = await sandbox.RunAsync(["request", "watch", "--once"], terminal, terminal: true);

        Assert.Equal(ExitCodes.ReviewDenied, exitCode);
        Assert.Contains("Approve this request?", error, StringComparison.Ordinal);
        var seen = Assert.Single(terminal.ClipboardWhenAsked);
        Assert.StartsWith("Conduit is still working.", seen, StringComparison.Ordinal);
        Assert.Contains("Run: ", seen, StringComparison.Ordinal);
        Assert.StartsWith("Conduit: nothing ran.", await Display.GetClipboardAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(sandbox.Work, "marker.txt")));
    }

    /// <summary>A terminal that, each time it is asked, first reads what is on the clipboard at that moment.</summary>
    private sealed class ClipboardPeekingTerminal(XvfbDisplay display, string answer) : TextReader
    {
        public List<string> ClipboardWhenAsked { get; } = [];

        public override string? ReadLine()
        {
            ClipboardWhenAsked.Add(display.GetClipboardAsync().GetAwaiter().GetResult());
            return answer;
        }

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadLine());
    }

    [Fact]
    public async Task Watch_leaves_text_that_is_not_a_request_alone()
    {
        await Display.SetClipboardAsync("just a sentence I copied");

        var (exitCode, _, _) = await sandbox.RunAsync(["request", "watch", "--once"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal("just a sentence I copied", await Display.GetClipboardAsync());
        Assert.Empty(sandbox.RunFolders());
    }

    [Fact]
    public async Task Validate_reads_the_request_from_the_clipboard()
    {
        await Display.SetClipboardAsync("""{ "v": "1", "source": { "kind": "chat" }, "permissions": [{ "kind": "filesystem", "access": "read" }], "do": ["status"] }""");

        var (exitCode, output, error) = await sandbox.RunAsync(["request", "validate", "--clipboard"]);

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Equal("git.status", JsonNode.Parse(output)!["actions"]![0]!["tool"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_xclip_selection_owners_end_with_the_display()
    {
        await Display.SetClipboardAsync("x");
        Assert.NotEmpty(Display.XclipProcesses());

        Display.Dispose();

        for (var i = 0; i < 50 && Display.XclipProcesses().Count > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Empty(Display.XclipProcesses());
    }
}
