using System.Text.Json.Nodes;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests.Requests;

/// <summary><c>conduit request validate|review|run|pair|sessions</c> end to end, in-process, on a temporary state dir.</summary>
public sealed class RequestCommandTests : IDisposable
{
    private const string ReadRequest = """
        { "schema": "conduit.request.v1", "source": { "kind": "docs", "trust": "untrusted" },
          "permissions": [{ "kind": "filesystem", "access": "read" }],
          "actions": [{ "id": "readme", "tool": "file.read", "args": { "path": "README.md" } }] }
        """;

    private readonly RequestSandbox sandbox = new();

    public RequestCommandTests() => File.WriteAllText(Path.Combine(sandbox.Work, "README.md"), "hello readme\n");

    public void Dispose() => sandbox.Dispose();

    private static string WriteRequest(string path, string content) => $$"""
        { "schema": "conduit.request.v1", "source": { "kind": "chat" },
          "permissions": [{ "kind": "filesystem", "access": "write" }],
          "actions": [{ "id": "write_it", "tool": "file.write", "args": { "path": "{{path}}", "content": "{{content}}" } }] }
        """;

    private static string PairedRead(string sessionId, string nonce) => $$"""
        { "v": "1", "source": { "kind": "chat" }, "permissions": [{ "kind": "filesystem", "access": "read" }],
          "session": "{{sessionId}}", "n": "{{nonce}}", "do": ["read README.md"] }
        """;

    [Fact]
    public async Task Validate_prints_the_canonical_request()
    {
        var file = sandbox.WriteRequest("""{ "v": "1", "source": { "kind": "chat" }, "permissions": [{ "kind": "filesystem", "access": "read" }], "do": ["list ."] }""");

        var (exitCode, output, _) = await sandbox.RunAsync(["request", "validate", file]);

        Assert.Equal(ExitCodes.Success, exitCode);
        var canonical = JsonNode.Parse(output)!;
        Assert.Equal("conduit.request.v1", canonical["schema"]!.GetValue<string>());
        Assert.Equal("file.list", canonical["actions"]![0]!["tool"]!.GetValue<string>());
        Assert.Empty(sandbox.RunFolders());
    }

    [Fact]
    public async Task Validate_prints_the_repair_envelope_and_exits_2_for_a_rejected_request()
    {
        var (exitCode, output, _) = await sandbox.RunAsync(["request", "validate", "-"], stdin: """{ "schema": "conduit.request.v1", "source": { "kind": "chat" }, "permissions": [], "actions": [{ "id": "a", "tool": "file.read", "args": { "path": "x" } }], "extra": 1 }""");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("<<<CONDUIT_REPAIR_JSON", output, StringComparison.Ordinal);
        Assert.Contains("Unknown top-level property: extra", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_says_when_the_input_is_not_a_request()
    {
        var (exitCode, _, error) = await sandbox.RunAsync(["request", "validate", "-"], stdin: "just some prose");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("Not a conduit request", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_prints_every_argument_untruncated_with_invisible_characters_visible_and_the_hash()
    {
        var longContent = new string('x', 5000);
        var file = sandbox.WriteRequest(WriteRequest("notes\u200b.txt", longContent));

        var (exitCode, output, _) = await sandbox.RunAsync(["request", "review", file]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("notes<U+200B>.txt", output, StringComparison.Ordinal);
        Assert.Contains(longContent, output, StringComparison.Ordinal);
        Assert.Matches("Approval hash: [0-9a-f]{64}", output);
        Assert.False(File.Exists(Path.Combine(sandbox.Work, "notes\u200b.txt")));
    }

    [Fact]
    public async Task Run_without_a_terminal_refuses_with_exit_5_and_runs_nothing()
    {
        var file = sandbox.WriteRequest(WriteRequest("marker.txt", "ran"));

        var (exitCode, output, error) = await sandbox.RunAsync(["request", "run", file], stdin: "y\nedit-with-confirmation\ny\n", terminal: false);

        Assert.Equal(ExitCodes.NeedsReview, exitCode);
        Assert.Equal("", output);
        Assert.Contains("needs review", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(sandbox.Work, "marker.txt")));
        var folder = Assert.Single(sandbox.RunFolders());
        Assert.False(File.Exists(Path.Combine(folder, "actions.jsonl")));
        Assert.Contains("requires_review", File.ReadAllText(Path.Combine(folder, "policy-decisions.jsonl")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_approved_at_the_terminal_runs_the_confirmed_write_and_prints_the_results()
    {
        var file = sandbox.WriteRequest(WriteRequest("marker.txt", "ran"));

        var (exitCode, output, error) = await sandbox.RunAsync(["request", "run", file], stdin: "y\nedit-with-confirmation\ny\n", terminal: true);

        Assert.True(exitCode == ExitCodes.Success, error + output);
        Assert.Equal("ran", File.ReadAllText(Path.Combine(sandbox.Work, "marker.txt")));
        Assert.Contains("Approve this request?", error, StringComparison.Ordinal);
        var results = JsonNode.Parse(output)!;
        Assert.Equal("conduit.results.v1", results["type"]!.GetValue<string>());
        Assert.Equal("ok", results["results"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_approved_read_only_leaves_the_write_unconfirmed()
    {
        var file = sandbox.WriteRequest(WriteRequest("marker.txt", "ran"));

        var (exitCode, output, _) = await sandbox.RunAsync(["request", "run", file, "--format", "clipboard"], stdin: "y\n\n", terminal: true);

        Assert.Equal(ExitCodes.AgentFailed, exitCode);
        Assert.StartsWith("Conduit results:", output, StringComparison.Ordinal);
        Assert.Contains("<<<CONDUIT_RESULTS_JSON", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(sandbox.Work, "marker.txt")));
    }

    [Fact]
    public async Task Run_denied_at_the_terminal_runs_nothing_and_exits_6()
    {
        var file = sandbox.WriteRequest(WriteRequest("marker.txt", "ran"));

        var (exitCode, output, _) = await sandbox.RunAsync(["request", "run", file], stdin: "n\n", terminal: true);

        Assert.Equal(ExitCodes.ReviewDenied, exitCode);
        Assert.Contains("nothing ran", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(sandbox.Work, "marker.txt")));
        var folder = Assert.Single(sandbox.RunFolders());
        Assert.Contains("denied", File.ReadAllText(Path.Combine(folder, "policy-decisions.jsonl")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pair_prints_the_handshake_card()
    {
        var (exitCode, output, _) = await sandbox.RunAsync(["request", "pair", "--profile", "read-only"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.StartsWith("CONDUIT PROTOCOL :: AGENT HANDSHAKE", output, StringComparison.Ordinal);
        Assert.Matches("\"sessionId\": \"sess_[A-Za-z0-9_-]+\"", output);
        Assert.Contains("\"transport\": \"clipboard\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paired_request_with_the_nonce_runs_without_review_and_prints_the_next_nonce()
    {
        var (sessionId, nonce) = await sandbox.PairAsync();
        var file = sandbox.WriteRequest(PairedRead(sessionId, nonce));

        var (exitCode, output, error) = await sandbox.RunAsync(["request", "run", file], terminal: false);

        Assert.True(exitCode == ExitCodes.Success, error + output);
        Assert.DoesNotContain("Conduit review required", error, StringComparison.Ordinal);
        var results = JsonNode.Parse(output)!;
        Assert.Equal(sessionId, results["sessionId"]!.GetValue<string>());
        var next = results["nextNonce"]!.GetValue<string>();
        Assert.StartsWith("call_", next, StringComparison.Ordinal);
        Assert.NotEqual(nonce, next);
        Assert.Contains("hello readme", results["results"]![0]!["content"]!.ToJsonString(), StringComparison.Ordinal);

        var (replayExit, replay, _) = await sandbox.RunAsync(["request", "run", file], terminal: false);
        Assert.Equal(ExitCodes.UsageError, replayExit);
        Assert.Contains("conduit.repair.v1", replay, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_list_shows_a_session_and_revoke_stops_its_nonce()
    {
        var (sessionId, nonce) = await sandbox.PairAsync("--label", "docs chat");

        var (listExit, list, _) = await sandbox.RunAsync(["request", "sessions", "list"]);
        Assert.Equal(ExitCodes.Success, listExit);
        var line = Assert.Single(list.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(sessionId + "\tactive\tclipboard\tread-only\t", line, StringComparison.Ordinal);
        Assert.EndsWith("\tdocs chat", line, StringComparison.Ordinal);

        var (revokeExit, _, _) = await sandbox.RunAsync(["request", "sessions", "revoke", sessionId]);
        Assert.Equal(ExitCodes.Success, revokeExit);

        var (_, json, _) = await sandbox.RunAsync(["request", "sessions", "list", "--json"]);
        Assert.Equal("revoked", JsonNode.Parse(json)![0]!["state"]!.GetValue<string>());

        var file = sandbox.WriteRequest(PairedRead(sessionId, nonce));
        var (runExit, output, _) = await sandbox.RunAsync(["request", "run", file], terminal: false);
        Assert.Equal(ExitCodes.UsageError, runExit);
        Assert.Contains("conduit.repair.v1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hello readme", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_an_unknown_session_is_an_error()
    {
        var (exitCode, _, error) = await sandbox.RunAsync(["request", "sessions", "revoke", "sess_nope"]);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("No session sess_nope", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clipboard_without_any_clipboard_tool_names_the_tools_looked_for()
    {
        var (exitCode, _, error) = await sandbox.RunAsync(["request", "validate", "--clipboard"]);

        Assert.Equal(ExitCodes.ProviderNotInstalled, exitCode);
        Assert.Contains("xclip", error, StringComparison.Ordinal);
        Assert.Contains("wl-paste", error, StringComparison.Ordinal);
        Assert.Contains("pbpaste", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_is_decoded_and_validated()
    {
        var payload = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ReadRequest)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var (exitCode, output, error) = await sandbox.RunAsync(["request", "validate", "--link", "conduit://run?payload=" + payload]);

        Assert.True(exitCode == ExitCodes.Success, error + output);
        Assert.Equal("readme", JsonNode.Parse(output)!["actions"]![0]!["id"]!.GetValue<string>());
    }
}
