namespace Conduit.Requests.Tests;

public sealed class AgentLoopTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static string Turn(string sessionId, string nonce) =>
        $"Let me look at the project first.\n\n```conduit\n{{\"v\":\"1\",\"session\":\"{sessionId}\",\"n\":\"{nonce}\",\"do\":\"list\",\"path\":\".\"}}\n```\n\nI'll report back.";

    [Fact]
    public async Task Prose_and_one_block_runs_in_a_paired_extension_session()
    {
        _workspace.Write("a.txt", "a");
        var processor = _workspace.Processor();
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Extension });
        var request = processor.Parse(Turn(session.SessionId, session.CurrentNonce), RequestOrigin.AgentTurn).Request!;
        var outcome = await processor.ExecuteAsync(request, RequestTransport.Extension);
        Assert.Equal("ok", outcome.Results!.Status);
        Assert.NotNull(outcome.Results.NextNonce);
    }

    [Fact]
    public async Task A_stale_nonce_gets_a_repair_carrying_the_current_nonce_not_the_stale_one()
    {
        var processor = _workspace.Processor();
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Extension });
        var first = await processor.ExecuteAsync(processor.Parse(Turn(session.SessionId, session.CurrentNonce), RequestOrigin.AgentTurn).Request!, RequestTransport.Extension);
        var stale = await processor.ExecuteAsync(processor.Parse(Turn(session.SessionId, session.CurrentNonce), RequestOrigin.AgentTurn).Request!, RequestTransport.Extension);

        Assert.Equal(RequestRunStatus.Rejected, stale.Status);
        Assert.Equal("invalid_session", stale.Repair!.Code);
        Assert.Equal(first.Results!.NextNonce, stale.Repair.CurrentNonce);
        Assert.DoesNotContain(session.CurrentNonce, stale.Repair.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_session_in_a_loop_is_missing_session_and_unknown_is_invalid()
    {
        var processor = _workspace.Processor();
        var missing = processor.Parse("```conduit\n{\"do\":\"about\"}\n```", RequestOrigin.AgentTurn).Request!;
        Assert.Equal("missing_session", (await processor.ExecuteAsync(missing, RequestTransport.Extension)).Repair!.Code);
        var unknown = processor.Parse(Turn("sess_nobody", "call_x"), RequestOrigin.AgentTurn).Request!;
        var outcome = await processor.ExecuteAsync(unknown, RequestTransport.Extension);
        Assert.Equal("invalid_session", outcome.Repair!.Code);
        Assert.Equal("Unknown session.", outcome.Reason);
    }

    [Fact]
    public async Task A_loop_on_a_clipboard_transport_is_refused()
    {
        var processor = _workspace.Processor();
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard });
        var request = processor.Parse(Turn(session.SessionId, session.CurrentNonce), RequestOrigin.AgentTurn).Request!;
        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard);
        Assert.Equal(RequestRunStatus.Rejected, outcome.Status);
        Assert.Equal("invalid_session", outcome.Repair!.Code);
        Assert.Equal(session.CurrentNonce, (await processor.Sessions.GetAsync(session.SessionId))!.CurrentNonce);
    }

    [Fact]
    public async Task Handshake_card_carries_the_session_and_is_not_a_request()
    {
        var processor = _workspace.Processor();
        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions());
        var card = HandshakeCard.Render(session);
        Assert.StartsWith("CONDUIT PROTOCOL :: AGENT HANDSHAKE", card, StringComparison.Ordinal);
        Assert.Contains(session.CurrentNonce, card, StringComparison.Ordinal);
        Assert.Contains("```conduit-handshake\n", card, StringComparison.Ordinal);
        Assert.Equal(RequestParseStatus.NotARequest, RequestParser.Parse(card, RequestOrigin.Clipboard).Status);

        // The agent copies the minimal request from the card: it runs.
        var minimal = card[(card.LastIndexOf("```conduit\n", StringComparison.Ordinal))..];
        var request = processor.Parse("ok\n" + minimal, RequestOrigin.AgentTurn).Request!;
        Assert.Equal("ok", (await processor.ExecuteAsync(request, RequestTransport.Extension)).Results!.Status);
    }
}
