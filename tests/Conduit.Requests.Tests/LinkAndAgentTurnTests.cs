using System.Text;

namespace Conduit.Requests.Tests;

public sealed class LinkAndAgentTurnTests
{
    private const string Help = "{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"do\":\"help\"}";

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Theory]
    [InlineData("conduit://run?payload={0}")]
    [InlineData("conduit://request?payload={0}")]
    [InlineData("conduit://?payload={0}")]
    [InlineData("conduit:run?p={0}")]
    [InlineData("conduit:///run?x=1&p={0}")]
    public void Links_decode_their_base64url_payload(string format)
    {
        var request = Requests.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Base64Url(Help)), RequestOrigin.Link);
        Assert.Equal("conduit.help", Assert.Single(request.Actions).Tool);
        Assert.Equal("conduit-link", request.SourceKind);
        Assert.Contains("\"claimedKind\":\"docs\"", request.SourceJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Links_read_plain_text_payloads()
    {
        var request = Requests.Parse("conduit://run?text=" + Uri.EscapeDataString(Help), RequestOrigin.Link);
        Assert.Equal("conduit.help", Assert.Single(request.Actions).Tool);
    }

    [Fact]
    public void Link_without_payload_says_so()
    {
        var result = Requests.Reject("conduit://run", RequestOrigin.Link);
        Assert.Equal("malformed_json", result.Repair!.Code);
        Assert.Equal("Conduit URL is missing a payload.", result.Problems[0].Message);
    }

    [Theory]
    [InlineData("conduit://run?payload=!!!")]
    [InlineData("conduit://install?payload=e30")]
    [InlineData("https://example.com/?payload=e30")]
    public void Bad_links_are_malformed_json(string link)
    {
        Assert.Equal("malformed_json", Requests.Reject(link, RequestOrigin.Link).Repair!.Code);
    }

    [Fact]
    public void Every_link_failure_is_malformed_json_even_a_missing_source()
    {
        var result = Requests.Reject("conduit://run?payload=" + Base64Url("{\"v\":\"1\",\"permissions\":[],\"do\":\"help\"}"), RequestOrigin.Link);
        Assert.Equal("malformed_json", result.Repair!.Code);
        Assert.Equal("$.source", result.Problems[0].Path);
        Assert.Equal("malformed_json", Requests.Reject("conduit://run?payload=" + Base64Url("prose, not a request"), RequestOrigin.Link).Repair!.Code);
    }

    [Fact]
    public void Link_payload_over_one_million_bytes_is_rejected()
    {
        var big = Base64Url(Help + new string(' ', 1_000_001));
        Assert.Equal("malformed_json", Requests.Reject("conduit://run?payload=" + big, RequestOrigin.Link).Repair!.Code);
    }

    [Fact]
    public void Agent_turn_reads_one_block_inside_prose_without_schema_source_or_permissions()
    {
        var request = Requests.Parse("I will list the files now.\n\n```conduit\n{\"v\":\"1\",\"session\":\"sess_a\",\"n\":\"call_b\",\"do\":\"list\",\"path\":\".\"}\n```\n\nThen I'll read.", RequestOrigin.AgentTurn);
        Assert.Equal("file.list", Assert.Single(request.Actions).Tool);
        Assert.True(request.PermissionsInferred);
        Assert.Equal("filesystem:project:read", Assert.Single(request.Permissions).ToString());
    }

    [Theory]
    [InlineData("```conduit-call\n{\"do\":\"about\"}\n```")]
    [InlineData("```json conduit\n{\"do\":\"about\"}\n```")]
    [InlineData("text\n<<<ACTIONS_JSON\n{\"do\":\"about\"}\nACTIONS_JSON>>>\nmore")]
    [InlineData("Here:\nconduit\n{\"do\":\"about\",\"nested\":{\"a\":\"}\"}}\nafter")]
    public void Agent_turn_reads_every_request_form(string text)
    {
        var result = RequestParser.Parse(text, RequestOrigin.AgentTurn);
        if (text.Contains("nested", StringComparison.Ordinal))
        {
            // The rendered block was found; its unknown key is then rejected by the strict envelope rules.
            Assert.Equal(RequestParseStatus.Rejected, result.Status);
            Assert.Equal("$.nested", result.Problems[0].Path);
            return;
        }

        Assert.Equal(RequestParseStatus.Request, result.Status);
        Assert.Equal("conduit.about", Assert.Single(result.Request!.Actions).Tool);
    }

    [Fact]
    public void Agent_turn_with_request_and_final_is_a_protocol_error()
    {
        var result = Requests.Reject("```conduit\n{\"do\":\"about\"}\n```\n```conduit-final\n{\"status\":\"complete\",\"summary\":\"done\"}\n```", RequestOrigin.AgentTurn);
        Assert.StartsWith("PROTOCOL ERROR", result.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_turn_with_two_requests_is_multiple_envelopes()
    {
        var result = Requests.Reject("```conduit\n{\"do\":\"about\"}\n```\nand\n<<<ACTIONS_JSON\n{\"do\":\"help\"}\nACTIONS_JSON>>>", RequestOrigin.AgentTurn);
        Assert.Equal("multiple_envelopes", result.Repair!.Code);
    }

    [Fact]
    public void Agent_turn_final_block_ends_the_loop()
    {
        var result = RequestParser.Parse("All done.\n<<<FINAL_JSON\n{\"status\":\"complete\",\"summary\":\"ok\"}\nFINAL_JSON>>>", RequestOrigin.AgentTurn);
        Assert.Equal(RequestParseStatus.Final, result.Status);
        Assert.Contains("\"complete\"", result.FinalJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Handshake_request_is_refused_and_never_pairs()
    {
        var result = Requests.Reject("Please pair:\n```conduit-handshake-request\n{\"schema\":\"conduit.handshake.request.v1\",\"requestedProfile\":\"shell-manual\"}\n```\n```conduit\n{\"do\":\"about\"}\n```", RequestOrigin.AgentTurn);
        Assert.True(result.IsHandshakeRequest);
        Assert.Equal("request_rejected", result.Repair!.Code);
    }

    [Fact]
    public void Handshake_card_block_is_never_a_request()
    {
        Assert.Equal(RequestParseStatus.NotARequest, RequestParser.Parse("```conduit-handshake\n{\"schema\":\"conduit.handshake.v1\"}\n```", RequestOrigin.AgentTurn).Status);
    }

    [Fact]
    public void Clipboard_never_uses_the_agent_turn_rules()
    {
        Assert.Equal(RequestParseStatus.NotARequest, RequestParser.Parse("I will list:\n```conduit\n" + Help + "\n```\nok", RequestOrigin.Clipboard).Status);
    }
}
