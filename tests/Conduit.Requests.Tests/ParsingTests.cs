using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Requests.Tests;

public sealed class ParsingTests
{
    private const string SeedEnvelope = """
        {
          "schema": "conduit.request.v1",
          "source": { "kind": "docs", "trust": "untrusted" },
          "permissions": [],
          "title": "Show Conduit help",
          "actions": [
            { "id": "help", "tool": "conduit.help", "args": {} }
          ]
        }
        """;

    [Fact]
    public void Seed_envelope_as_raw_json_is_accepted()
    {
        var request = Requests.Parse(SeedEnvelope);
        Assert.Equal("docs", request.SourceKind);
        Assert.Equal("untrusted", request.SourceTrust);
        Assert.Equal("Show Conduit help", request.Title);
        var action = Assert.Single(request.Actions);
        Assert.Equal(("help", "conduit.help"), (action.Id, action.Tool));
    }

    [Theory]
    [InlineData("conduit")]
    [InlineData("conduit-json")]
    [InlineData("conduit json")]
    [InlineData(" conduit")]
    public void Seed_envelope_in_one_fenced_block_is_accepted(string tag)
    {
        var request = Requests.Parse($"\n```{tag}\n{SeedEnvelope}\n```\n");
        Assert.Equal("conduit.help", Assert.Single(request.Actions).Tool);
    }

    [Fact]
    public void Seed_hello_world_compact_shell_request_becomes_one_shell_action()
    {
        var request = Requests.Parse("""
            ```conduit
            {
              "v": "1",
              "source": { "kind": "docs", "trust": "untrusted" },
              "permissions": [{ "kind": "shell" }],
              "shell": "echo 'Hello, Conduit World!'"
            }
            ```
            """);
        var action = Assert.Single(request.Actions);
        Assert.Equal("shell.run", action.Tool);
        Assert.Equal("{\"command\":\"echo 'Hello, Conduit World!'\"}", action.ArgsJson);
        Assert.Matches("^shell_run_[0-9a-f]{8}$", action.Id);
        Assert.Contains("\"schema\":\"conduit.request.v1\"", request.CanonicalJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_compact_do_help_becomes_conduit_help()
    {
        var request = Requests.Parse("""{"v":"1","source":{"kind":"docs","trust":"untrusted"},"permissions":[],"do":"help"}""");
        var action = Assert.Single(request.Actions);
        Assert.Equal("conduit.help", action.Tool);
        Assert.Equal("{}", action.ArgsJson);
    }

    [Fact]
    public void Seed_paired_session_example_parses_with_its_session_claim()
    {
        var request = Requests.Parse("""
            {
              "schema": "conduit.request.v1",
              "source": { "kind": "chat", "trust": "paired-session" },
              "permissions": [{ "kind": "filesystem", "scope": "project", "access": "read" }],
              "sessionId": "sess_...",
              "nonce": "call_...",
              "actions": [{ "id": "list_project", "tool": "file.list", "args": { "path": "." } }]
            }
            """);
        Assert.Equal("sess_...", request.SessionId);
        Assert.Equal("call_...", request.Nonce);
        Assert.Equal("filesystem:project:read", Assert.Single(request.Permissions).ToString());
    }

    [Theory]
    [InlineData("Here is a request:\n```conduit\n{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}\n```\nThanks!")]
    [InlineData("```conduit\n{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}\n```\nsee above")]
    [InlineData("hello")]
    [InlineData("   \n\t ")]
    [InlineData("{\"a\":1}")]
    [InlineData("[1,2]")]
    [InlineData("```conduit-call\n{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}\n```")]
    [InlineData("```json\n{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}\n```")]
    [InlineData("{ not json at all, just braces }")]
    public void Text_that_is_not_exactly_one_envelope_is_not_a_request(string text)
    {
        Assert.Equal(RequestParseStatus.NotARequest, RequestParser.Parse(text, RequestOrigin.Clipboard).Status);
    }

    [Fact]
    public void Two_blocks_are_multiple_envelopes_even_inside_prose()
    {
        const string block = "```conduit\n{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}\n```";
        var result = Requests.Reject($"{block}\n{block}");
        Assert.Equal("multiple_envelopes", result.Repair!.Code);
        Assert.Equal("multiple_envelopes", Requests.Reject($"text\n{block}\nmore\n{block}\nend").Repair!.Code);
    }

    [Theory]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[", "$")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}", "$.schema")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[{\"id\":\"a\",\"tool\":\"conduit.help\",\"args\":{\"t\":1,\"\\u0074\":2}}]}", "$.actions[0].args.t")]
    [InlineData("{\"schema\":\"conduit.request.v1\", // comment\n\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}", "$")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\",}", "$")]
    public void Malformed_json_is_rejected_as_malformed_json_naming_its_path(string text, string pathPrefix)
    {
        var result = Requests.Reject(text);
        Assert.Equal("malformed_json", result.Repair!.Code);
        Assert.StartsWith(pathPrefix, result.Problems[0].Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_are_compared_by_decoded_name()
    {
        var result = Requests.Reject("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\",\"\\u0064o\":\"about\"}");
        Assert.Equal("Duplicate JSON object key: do", result.Problems[0].Message);
        Assert.Equal("$.do", result.Problems[0].Path);
    }

    [Fact]
    public void Truncated_json_in_a_fenced_block_is_malformed()
    {
        var result = Requests.Reject("```conduit\n{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\n```");
        Assert.Equal("malformed_json", result.Repair!.Code);
    }

    [Fact]
    public void A_buffer_over_one_million_bytes_is_rejected()
    {
        var padding = new string(' ', 1_000_001 - 60);
        var text = "{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}" + padding;
        Assert.True(Encoding.UTF8.GetByteCount(text) > 1_000_000);
        Assert.Equal("malformed_json", Requests.Reject(text).Repair!.Code);
    }

    [Fact]
    public void Nesting_deeper_than_the_cap_is_malformed()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var result = Requests.Reject("{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\",\"topic\":" + deep + "}");
        Assert.Equal("malformed_json", result.Repair!.Code);
    }

    [Theory]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"permissions\":[],\"do\":\"help\"}", "invalid_schema", "$.source")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"do\":\"help\"}", "invalid_permissions", "$.permissions")]
    [InlineData("{\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"v\":\"2\",\"do\":\"help\"}", "invalid_schema", "$.v")]
    [InlineData("{\"schema\":\"conduit.request.v2\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}", "invalid_schema", "$.schema")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[]}", "invalid_schema", "$.actions")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[]}", "invalid_schema", "$.actions")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\",\"extra\":1}", "invalid_schema", "$.extra")]
    [InlineData("{\"type\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}", "invalid_schema", "$.type")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"\"},\"permissions\":[],\"do\":\"help\"}", "invalid_schema", "$.source.kind")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[{\"kind\":\"root\"}],\"do\":\"help\"}", "invalid_permissions", "$.permissions[0].kind")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[{\"id\":\"a\",\"tool\":\"conduit.help\",\"args\":{}},{\"id\":\"a\",\"tool\":\"conduit.about\",\"args\":{}}]}", "invalid_schema", "$.actions[1].id")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[{\"id\":\"a\",\"tool\":\"conduit.help\",\"args\":[]}]}", "invalid_schema", "$.actions[0].args")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[{\"id\":\"a\",\"tool\":\"conduit.help\",\"args\":{},\"bogus\":1}]}", "invalid_schema", "$.actions[0].bogus")]
    [InlineData("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"resultMode\":{\"transport\":\"carrier-pigeon\"},\"do\":\"help\"}", "invalid_schema", "$.resultMode.transport")]
    public void Invalid_envelopes_are_rejected_with_code_and_path(string text, string code, string path)
    {
        var result = Requests.Reject(text);
        Assert.Equal(code, result.Repair!.Code);
        Assert.Contains(result.Problems, p => p.Path == path);
        Assert.StartsWith(path, result.Repair.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_action_id_message_is_the_documented_one()
    {
        var result = Requests.Reject("{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[{\"id\":\"a\",\"tool\":\"conduit.help\",\"args\":{}},{\"id\":\"a\",\"tool\":\"conduit.about\",\"args\":{}}]}");
        Assert.Contains(result.Problems, p => p.Message == "Duplicate action id: a");
    }

    [Theory]
    [InlineData("file.read", "[]")]
    [InlineData("file.write", "[{\"kind\":\"filesystem\",\"access\":\"read\"}]")]
    [InlineData("shell.run", "[{\"kind\":\"filesystem\",\"access\":\"write\"}]")]
    [InlineData("agent.chat", "[{\"kind\":\"shell\"}]")]
    public void Undeclared_permissions_are_refused_before_review(string tool, string permissions)
    {
        var text = Requests.Envelope($"[{Requests.Action("a", tool, "{\"path\":\"x\"}")}]", permissions);
        var result = Requests.Reject(text);
        Assert.Equal("invalid_permissions", result.Repair!.Code);
        Assert.Equal("$.actions[0]", result.Problems[0].Path);
    }

    [Fact]
    public void Filesystem_write_permission_covers_reads()
    {
        Requests.Parse(Requests.Envelope($"[{Requests.Action("a", "file.read", "{\"path\":\"x\"}")}]", "[{\"kind\":\"filesystem\",\"scope\":\"project\",\"access\":\"write\"}]"));
    }

    [Fact]
    public void Repair_is_never_executable_and_renders_with_markers()
    {
        var repair = Requests.Reject("{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"do\":\"help\"}").Repair!;
        var text = repair.Render();
        Assert.StartsWith("Conduit request repair:\n\n<<<CONDUIT_REPAIR_JSON\n", text, StringComparison.Ordinal);
        Assert.Contains("\nCONDUIT_REPAIR_JSON>>>\n", text, StringComparison.Ordinal);
        var json = repair.ToJson();
        Assert.Equal("conduit.repair.v1", (string?)json["type"]);
        Assert.Equal("rejected", (string?)json["status"]);
        Assert.False(json.ContainsKey("actions"));
        Assert.True((bool)json["expected"]!["exactEnvelope"]!);

        // Pasting a repair back is not a request.
        Assert.Equal(RequestParseStatus.NotARequest, RequestParser.Parse(text, RequestOrigin.Clipboard).Status);
        Assert.NotEqual(RequestParseStatus.Request, RequestParser.Parse(repair.ToJsonString(), RequestOrigin.Clipboard).Status);
    }

    [Fact]
    public void Every_parse_of_the_same_text_gives_the_same_hash_and_ids()
    {
        const string text = "{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[{\"kind\":\"filesystem\",\"access\":\"read\"}],\"do\":[\"list .\",\"read README.md\"]}";
        var a = Requests.Parse(text);
        var b = Requests.Parse(text);
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(a.Actions.Select(x => x.Id), b.Actions.Select(x => x.Id));
    }

    [Fact]
    public void Key_order_does_not_change_the_hash_but_action_order_does()
    {
        var a = Requests.Parse(Requests.Envelope($"[{Requests.Action("a", "conduit.help", "{}")},{Requests.Action("b", "conduit.about", "{}")}]"));
        var reordered = Requests.Parse(Requests.Envelope($"[{Requests.Action("b", "conduit.about", "{}")},{Requests.Action("a", "conduit.help", "{}")}]"));
        var obj = JsonNode.Parse(a.CanonicalJson)!.AsObject();
        var keysReversed = new JsonObject(obj.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var sameKeysOtherOrder = Requests.Parse(keysReversed.ToJsonString());
        Assert.Equal(a.Hash, sameKeysOtherOrder.Hash);
        Assert.NotEqual(a.Hash, reordered.Hash);
    }
}
