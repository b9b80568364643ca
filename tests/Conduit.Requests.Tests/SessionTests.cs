namespace Conduit.Requests.Tests;

public sealed class SessionTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Session_ids_and_nonces_have_the_documented_form()
    {
        var session = await _workspace.Processor().Sessions.CreateAsync(new SessionCreateOptions());
        Assert.Matches("^sess_[A-Za-z0-9_-]{22}$", session.SessionId);
        Assert.Matches("^call_[A-Za-z0-9_-]{43}$", session.CurrentNonce);
        Assert.Equal(RequestTransport.Extension, session.Transport);
        Assert.Equal(PermissionProfile.ReadOnly, session.PermissionProfile);
    }

    [Fact]
    public async Task Sessions_survive_a_restart_and_the_file_is_written_atomically()
    {
        var first = _workspace.Processor();
        var session = await first.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard, Label = "chat" });
        var consumed = await first.Sessions.ConsumeAsync(session.SessionId, session.CurrentNonce, RequestTransport.Clipboard, 1);
        Assert.Equal(SessionCheckStatus.Valid, consumed.Status);

        var restarted = _workspace.Processor();
        var reloaded = await restarted.Sessions.GetAsync(session.SessionId);
        Assert.NotNull(reloaded);
        Assert.Equal(consumed.NextNonce, reloaded.CurrentNonce);
        Assert.Equal(1, reloaded.ActionCount);
        var replay = await restarted.Sessions.ConsumeAsync(session.SessionId, session.CurrentNonce, RequestTransport.Clipboard, 1);
        Assert.Equal("Nonce was already used.", replay.Message);
        Assert.Empty(Directory.GetFiles(_workspace.State, "sessions.json.tmp-*"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_workspace.State, "sessions.json")));
        }
    }

    [Fact]
    public async Task Checks_follow_the_documented_order_and_messages()
    {
        var store = _workspace.Processor(o => o.SessionLifetime = TimeSpan.FromHours(1)).Sessions;
        var session = await store.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard });

        Assert.Equal("Unknown session.", (await store.CheckAsync("sess_nope", "call_x", RequestTransport.Clipboard)).Message);
        Assert.Equal(SessionCheckStatus.Missing, (await store.CheckAsync(session.SessionId, null, RequestTransport.Clipboard)).Status);
        Assert.Equal("Nonce does not match current session nonce.", (await store.CheckAsync(session.SessionId, "call_wrong", RequestTransport.Clipboard)).Message);
        Assert.Equal("Session is bound to transport clipboard, not extension.", (await store.CheckAsync(session.SessionId, session.CurrentNonce, RequestTransport.Extension)).Message);
        Assert.Equal(SessionCheckStatus.Valid, (await store.CheckAsync(session.SessionId, session.CurrentNonce, RequestTransport.Clipboard)).Status);

        await store.PauseAsync(session.SessionId);
        Assert.Equal("Session is paused.", (await store.CheckAsync(session.SessionId, session.CurrentNonce, RequestTransport.Clipboard)).Message);
        await store.ResumeAsync(session.SessionId);

        _workspace.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal("Session is expired.", (await store.CheckAsync(session.SessionId, session.CurrentNonce, RequestTransport.Clipboard)).Message);

        await store.RevokeAsync(session.SessionId);
        Assert.Equal("Session is revoked.", (await store.CheckAsync(session.SessionId, session.CurrentNonce, RequestTransport.Clipboard)).Message);
        Assert.False(await store.ResumeAsync(session.SessionId));
    }

    [Fact]
    public async Task Nonces_expire()
    {
        var store = _workspace.Processor(o => o.NonceLifetime = TimeSpan.FromMinutes(5)).Sessions;
        var session = await store.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard });
        _workspace.Time.Advance(TimeSpan.FromMinutes(6));
        var check = await store.ConsumeAsync(session.SessionId, session.CurrentNonce, RequestTransport.Clipboard, 1);
        Assert.Equal("Nonce is expired.", check.Message);
    }

    [Fact]
    public async Task Of_many_concurrent_uses_of_one_nonce_exactly_one_wins()
    {
        var store = _workspace.Processor().Sessions;
        var session = await store.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Api });

        // Separate store instances share only the file, like the CLI and the daemon.
        var stores = Enumerable.Range(0, 8).Select(_ => _workspace.Processor().Sessions).ToArray();
        using var start = new ManualResetEventSlim();
        var attempts = stores.Select(s => Task.Run(async () =>
        {
            start.Wait();
            return await s.ConsumeAsync(session.SessionId, session.CurrentNonce, RequestTransport.Api, 1);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r.Status == SessionCheckStatus.Valid);
        Assert.All(results.Where(r => r.Status != SessionCheckStatus.Valid), r => Assert.Equal("Nonce was already used.", r.Message));
        Assert.Equal(1, (await store.GetAsync(session.SessionId))!.ActionCount);
    }

    [Fact]
    public async Task A_corrupt_sessions_file_is_a_clear_error_naming_the_file()
    {
        await File.WriteAllTextAsync(Path.Combine(_workspace.State, "sessions.json"), "{ nope");
        var error = await Assert.ThrowsAsync<ConduitException>(() => _workspace.Processor().Sessions.ListAsync());
        Assert.Contains("sessions.json", error.Message, StringComparison.Ordinal);
    }
}
