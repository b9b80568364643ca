using System.Text.Json.Nodes;

namespace Conduit.Requests.Tests;

public sealed class NormalizationTests
{
    private const string Read = "[{\"kind\":\"filesystem\",\"scope\":\"project\",\"access\":\"read\"}]";
    private const string All = "[{\"kind\":\"filesystem\",\"access\":\"write\"},{\"kind\":\"shell\"}]";

    private static ParsedRequest Compact(string body, string permissions = All) =>
        Requests.Parse($"{{\"v\":\"1\",\"source\":{{\"kind\":\"chat\"}},\"permissions\":{permissions},{body}}}");

    [Fact]
    public void Compact_list_with_session_and_nonce_becomes_file_list_of_dot()
    {
        var request = Compact("\"session\":\"sess_x\",\"n\":\" call_y \",\"do\":\"list\",\"path\":\".\"", Read);
        Assert.Equal("sess_x", request.SessionId);
        Assert.Equal("call_y", request.Nonce);
        var action = Assert.Single(request.Actions);
        Assert.Equal("file.list", action.Tool);
        Assert.Equal("{\"path\":\".\"}", action.ArgsJson);
        Assert.Matches("^file_list_[0-9a-f]{8}$", action.Id);
        Assert.True(action.IdGenerated);
    }

    [Fact]
    public void String_actions_in_do_become_three_tools_with_stable_generated_ids()
    {
        var first = Compact("\"do\":[\"list .\",\"read README.md\",\"status\"]", Read);
        Assert.Equal(["file.list", "file.read", "git.status"], first.Actions.Select(a => a.Tool));
        Assert.Matches("^file_list_[0-9a-f]{8}$", first.Actions[0].Id);
        Assert.Matches("^file_read_[0-9a-f]{8}$", first.Actions[1].Id);
        Assert.Matches("^git_status_[0-9a-f]{8}$", first.Actions[2].Id);
        Assert.Equal("{\"path\":\"README.md\"}", first.Actions[1].ArgsJson);
        Assert.Equal("{}", first.Actions[2].ArgsJson);
        var again = Compact("\"do\":[\"list .\",\"read README.md\",\"status\"]", Read);
        Assert.Equal(first.Actions.Select(a => a.Id), again.Actions.Select(a => a.Id));
    }

    [Fact]
    public void Generated_id_is_slug_and_first_eight_hex_of_sha256_of_tool_args_index()
    {
        var request = Compact("\"read\":\"README.md\"", Read);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes("{\"tool\":\"file.read\",\"args\":{\"path\":\"README.md\"},\"index\":0}")))[..8];
        Assert.Equal("file_read_" + expected, request.Actions[0].Id);
    }

    [Fact]
    public void Same_action_at_another_position_gets_another_id()
    {
        var request = Compact("\"do\":[\"read a\",\"read a\"]", Read);
        Assert.NotEqual(request.Actions[0].Id, request.Actions[1].Id);
    }

    [Theory]
    [InlineData("\"read\":\"a.txt\",\"maxChars\":5,\"offset\":2", "file.read", "{\"path\":\"a.txt\",\"maxChars\":5,\"offset\":2}")]
    [InlineData("\"list\":\"src\",\"depth\":3,\"glob\":\"*.cs\",\"maxItems\":9", "file.list", "{\"path\":\"src\",\"depth\":3,\"glob\":\"*.cs\",\"maxItems\":9}")]
    [InlineData("\"diff\":\"src/a.cs\"", "git.diff", "{\"path\":\"src/a.cs\"}")]
    [InlineData("\"status\":true", "git.status", "{}")]
    [InlineData("\"status\":\"whatever\"", "git.status", "{}")]
    [InlineData("\"write\":\"a.txt\",\"content\":\"hi\",\"mode\":\"append\"", "file.write", "{\"path\":\"a.txt\",\"content\":\"hi\",\"mode\":\"append\"}")]
    [InlineData("\"patch\":\"--- a/x\"", "file.patch", "{\"patch\":\"--- a/x\"}")]
    [InlineData("\"shell\":\"ls -la\"", "shell.run", "{\"command\":\"ls -la\"}")]
    [InlineData("\"help\":\"tools\"", "conduit.help", "{\"topic\":\"tools\"}")]
    [InlineData("\".help\":\"results\"", "conduit.help", "{\"topic\":\"results\"}")]
    [InlineData("\"help\":true", "conduit.help", "{}")]
    [InlineData("\"about\":true", "conduit.about", "{}")]
    [InlineData("\".about\":true", "conduit.about", "{}")]
    [InlineData("\"tool\":\"file_read\",\"path\":\"x\"", "file.read", "{\"path\":\"x\"}")]
    [InlineData("\"action\":\"ls\"", "file.list", "{}")]
    [InlineData("\"call\":\"sh\",\"command\":\"pwd\"", "shell.run", "{\"command\":\"pwd\"}")]
    [InlineData("\"op\":\"docs\"", "conduit.help", "{}")]
    [InlineData("\"do\":\"run\",\"command\":\"pwd\"", "shell.run", "{\"command\":\"pwd\"}")]
    [InlineData("\"tool\":\"git_status\"", "git.status", "{}")]
    [InlineData("\"tool\":\"conduit_help\"", "conduit.help", "{}")]
    [InlineData("\"tool\":\"shell_run\",\"args\":{\"command\":\"a\"},\"command\":\"b\"", "shell.run", "{\"command\":\"b\"}")]
    [InlineData("\"read\":\"op.txt\",\"args\":{\"path\":\"args.txt\"}", "file.read", "{\"path\":\"op.txt\"}")]
    [InlineData("\"read\":true,\"path\":\"sib.txt\"", "file.read", "{\"path\":\"sib.txt\"}")]
    public void Shortcut_keys_map_to_tools_and_args(string body, string tool, string args)
    {
        var action = Assert.Single(Compact(body).Actions);
        Assert.Equal(tool, action.Tool);
        Assert.Equal(args, action.ArgsJson);
    }

    [Fact]
    public void First_shortcut_in_documented_order_wins()
    {
        // read comes before list in the order, whatever the order in the object.
        var action = Assert.Single(Compact("\"list\":\"dir\",\"read\":\"file\"").Actions);
        Assert.Equal("file.read", action.Tool);
    }

    [Theory]
    [InlineData("sh echo hi there", "shell.run", "{\"command\":\"echo hi there\"}")]
    [InlineData("shell ls", "shell.run", "{\"command\":\"ls\"}")]
    [InlineData("help tools", "conduit.help", "{\"topic\":\"tools\"}")]
    [InlineData(".help", "conduit.help", "{}")]
    [InlineData("about ignored words", "conduit.about", "{}")]
    [InlineData("status ignored", "git.status", "{}")]
    [InlineData("diff src/x.cs", "git.diff", "{\"path\":\"src/x.cs\"}")]
    [InlineData("ls", "file.list", "{}")]
    [InlineData("frobnicate thing", "frobnicate", "{\"path\":\"thing\"}")]
    public void String_actions_split_op_and_rest(string text, string tool, string args)
    {
        var action = Assert.Single(Compact($"\"do\":[\"{text}\"]").Actions);
        Assert.Equal(tool, action.Tool);
        Assert.Equal(args, action.ArgsJson);
    }

    [Fact]
    public void Reason_comes_from_reason_else_why_and_bad_risk_is_dropped()
    {
        var request = Compact("\"do\":[{\"read\":\"a\",\"why\":\"because\",\"risk\":\"extreme\"},{\"read\":\"b\",\"reason\":\"r\",\"why\":\"w\",\"risk\":\"low\"}]");
        Assert.Equal("because", request.Actions[0].Reason);
        Assert.Null(request.Actions[0].Risk);
        Assert.Equal("r", request.Actions[1].Reason);
        Assert.Equal("low", request.Actions[1].Risk);
    }

    [Fact]
    public void Top_level_why_reaches_a_top_level_action_but_not_list_items()
    {
        Assert.Equal("top", Assert.Single(Compact("\"why\":\"top\",\"read\":\"a\"").Actions).Reason);
        Assert.Null(Assert.Single(Compact("\"why\":\"top\",\"do\":[\"read a\"]").Actions).Reason);
        var canonical = JsonNode.Parse(Compact("\"why\":\"top\",\"do\":[\"read a\"]").CanonicalJson)!.AsObject();
        Assert.False(canonical.ContainsKey("why"));
        Assert.False(canonical.ContainsKey("v"));
        Assert.False(canonical.ContainsKey("do"));
    }

    [Fact]
    public void Canonical_keys_win_over_compact_aliases()
    {
        var request = Compact("\"sessionId\":\"sess_a\",\"sid\":\"sess_b\",\"nonce\":\"call_a\",\"callNonce\":\"call_b\",\"do\":\"about\"");
        Assert.Equal("sess_a", request.SessionId);
        Assert.Equal("call_a", request.Nonce);
    }

    [Fact]
    public void Empty_compact_nonce_is_ignored()
    {
        Assert.Null(Compact("\"n\":\"   \",\"do\":\"about\"").Nonce);
    }

    [Fact]
    public void Actions_array_wins_over_do_array()
    {
        var request = Compact("\"actions\":[{\"id\":\"x\",\"tool\":\"conduit.about\",\"args\":{}}],\"do\":[\"read a\"]");
        Assert.Equal("conduit.about", Assert.Single(request.Actions).Tool);
    }

    [Fact]
    public void Unknown_tool_names_pass_through_to_policy()
    {
        Assert.Equal("net.fetch", Assert.Single(Compact("\"tool\":\"net.fetch\"").Actions).Tool);
    }

    [Fact]
    public void Non_string_v_is_not_the_compact_dialect()
    {
        var result = Requests.Reject("{\"v\":1,\"source\":{\"kind\":\"chat\"},\"permissions\":[],\"do\":\"help\"}");
        Assert.Equal("invalid_schema", result.Repair!.Code);
    }

    [Fact]
    public void Canonical_output_validates_against_the_published_schema()
    {
        var request = Compact("\"do\":[\"read a\",\"list .\",\"status\",\"sh ls\"]");
        Assert.Empty(RequestSchema.Validate(request.CanonicalJson));
    }
}

public sealed class JsonPathTests
{
    [Theory]
    [InlineData("read", "$.read")]
    [InlineData(".help", "$['.help']")]
    [InlineData("a b", "$['a b']")]
    [InlineData("it's", "$['it\\'s']")]
    public void Paths_quote_names_that_are_not_identifiers(string name, string path)
    {
        Assert.Equal(path, JsonPath.Property("$", name));
    }
}
