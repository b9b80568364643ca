using System.Text.Json.Nodes;

namespace Conduit.Requests.Tests;

[Collection("processes")]
public sealed class ExecutionTests : IDisposable
{
    private const string ReadPermission = "[{\"kind\":\"filesystem\",\"scope\":\"project\",\"access\":\"read\"}]";
    private readonly TestWorkspace _workspace = new();
    private readonly CountingProcessRunner _processes = new();

    public void Dispose() => _workspace.Dispose();

    private RequestProcessor Processor(Action<ConduitRequestsOptions>? configure = null) => _workspace.Processor(configure, _processes);

    private async Task<RequestSession> SessionAsync(RequestProcessor processor, PermissionProfile profile = PermissionProfile.ReadOnly) =>
        await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Clipboard, Profile = profile, AllowedRoots = [_workspace.Root] });

    private static ParsedRequest InSession(RequestSession session, string actions, string? permissions = null, string? nonce = null) =>
        Requests.Parse(permissions is null
            ? Requests.Envelope(actions, sessionId: session.SessionId, nonce: nonce ?? session.CurrentNonce)
            : Requests.Envelope(actions, permissions, session.SessionId, nonce ?? session.CurrentNonce));

    [Fact]
    public async Task A_run_id_given_in_advance_names_the_run_folder()
    {
        _workspace.Write("README.md", "hello");
        var processor = Processor();
        var session = await SessionAsync(processor);
        var request = InSession(session, $"[{Requests.Action("r", "file.read", "{\"path\":\"README.md\"}")}]", ReadPermission);
        var runId = processor.NewRunId();

        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval: null, runId);

        Assert.Equal(runId, outcome.RunId);
        Assert.Equal(runId, outcome.Results!.RunId);
        Assert.Equal(runId, Path.GetFileName(outcome.RunDirectory));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(" ")]
    public async Task A_run_id_that_is_not_a_plain_name_is_refused_before_anything_runs(string runId)
    {
        var processor = Processor();
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("r", "file.read", "{\"path\":\"README.md\"}")}]", ReadPermission));

        await Assert.ThrowsAsync<ArgumentException>(() => processor.ExecuteAsync(request, RequestTransport.Clipboard, approval: null, runId));
        Assert.False(System.IO.Directory.Exists(Path.Combine(_workspace.State, "requests")));
    }

    [Fact]
    public async Task An_approval_for_another_run_id_is_refused()
    {
        var processor = Processor();
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("r", "file.read", "{\"path\":\"README.md\"}")}]", ReadPermission));
        var review = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard));
        var approval = review.Approve(_workspace.Time.GetUtcNow(), "test");

        await Assert.ThrowsAsync<ArgumentException>(() => processor.ExecuteAsync(request, RequestTransport.Clipboard, approval, processor.NewRunId()));
    }

    [Fact]
    public async Task Valid_read_in_a_session_runs_and_returns_a_new_nonce_and_a_replay_is_refused()
    {
        _workspace.Write("README.md", "hello world!");
        var processor = Processor();
        var session = await SessionAsync(processor);
        var request = InSession(session, $"[{Requests.Action("r", "file.read", "{\"path\":\"README.md\",\"maxChars\":5}")}]", ReadPermission);

        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal(RequestDecision.Allow, evaluation.Decision);
        Assert.True(evaluation.Trusted);

        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard);
        Assert.Equal(RequestRunStatus.Completed, outcome.Status);
        var results = outcome.Results!;
        Assert.Equal("ok", results.Status);
        Assert.Equal(session.SessionId, results.SessionId);
        Assert.NotNull(results.NextNonce);
        Assert.NotEqual(session.CurrentNonce, results.NextNonce);
        var read = Assert.Single(results.Results);
        Assert.Equal("hello", (string?)read.Content);
        Assert.Equal(5, (int)read.Metadata!["nextOffset"]!);
        Assert.Equal(12, (int)read.Metadata["totalChars"]!);
        Assert.True((bool)read.Metadata["truncated"]!);

        var replay = await processor.ExecuteAsync(request, RequestTransport.Clipboard);
        Assert.Equal(RequestRunStatus.Rejected, replay.Status);
        Assert.Equal("Nonce was already used.", replay.Reason);
        Assert.Equal("invalid_session", replay.Repair!.Code);
        Assert.Equal(session.SessionId, replay.Repair.SessionId);
        Assert.Null(replay.Repair.CurrentNonce);
    }

    [Fact]
    public async Task Reading_dot_env_is_denied_and_still_consumes_the_nonce()
    {
        _workspace.Write(".env", "SECRET=1");
        var processor = Processor();
        var session = await SessionAsync(processor);
        var request = InSession(session, $"[{Requests.Action("r", "file.read", "{\"path\":\".env\"}")}]", ReadPermission);

        Assert.Equal(RequestDecision.Deny, (await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Decision);
        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard);
        var result = Assert.Single(outcome.Results!.Results);
        Assert.Equal("denied", result.Status);
        Assert.Equal("Sensitive file read denied: .env", result.Error);
        Assert.Equal("denied", outcome.Results.Status);
        Assert.NotEqual(session.CurrentNonce, (await processor.Sessions.GetAsync(session.SessionId))!.CurrentNonce);
        Assert.DoesNotContain("SECRET", outcome.Results.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("sess_unknown", "call_x")]
    [InlineData("sess_unknown", null)]
    public async Task Without_a_trusted_session_nothing_runs_before_review_and_no_process_starts(string? sessionId, string? nonce)
    {
        var marker = "conduit-marker-" + Guid.NewGuid().ToString("N");
        var processor = Processor();
        var text = Requests.Envelope($"[{Requests.Action("s", "shell.run", $"{{\"command\":\"sleep 2 # {marker}\"}}")},{Requests.Action("g", "git.status", "{}")}]", sessionId: sessionId, nonce: nonce);
        var childrenBefore = ProcessProbe.CountChildren();

        var parse = processor.Parse(text, RequestOrigin.Clipboard);
        var evaluation = await processor.EvaluateAsync(parse.Request!, RequestTransport.Clipboard);
        var review = processor.CreateReview(parse.Request!, evaluation);
        var outcome = await processor.ExecuteAsync(parse.Request!, RequestTransport.Clipboard);

        Assert.Equal(RequestDecision.RequiresReview, evaluation.Decision);
        Assert.Equal("Request is not attached to a trusted session.", evaluation.Reason);
        Assert.Equal(RequestRunStatus.ReviewRequired, outcome.Status);
        Assert.NotNull(outcome.Review);
        Assert.Null(outcome.Results);
        Assert.Contains("s:shell.run", review.ClipboardNotice, StringComparison.Ordinal);
        Assert.Equal(outcome.RunId, outcome.Review!.RunId);
        Assert.Equal("approval_" + outcome.RunId, outcome.Review.ApprovalId);
        Assert.Equal(0, _processes.Launches);
        Assert.Equal(0, ProcessProbe.CountWithMarker(marker));
        Assert.Equal(childrenBefore, ProcessProbe.CountChildren());
    }

    [Fact]
    public async Task Approve_once_runs_read_only_without_a_session_or_next_nonce()
    {
        _workspace.Write("a.txt", "A");
        var processor = Processor();
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("r", "file.read", "{\"path\":\"a.txt\"}")},{Requests.Action("w", "file.write", "{\"path\":\"b.txt\",\"content\":\"x\"}")}]"));
        var review = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard));
        var approval = review.Approve(_workspace.Time.GetUtcNow(), "terminal");

        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval);
        var results = outcome.Results!;
        Assert.Equal("sess_approved_" + review.ApprovalId, results.SessionId);
        Assert.Null(results.NextNonce);
        Assert.Equal("ok", results.Results[0].Status);
        Assert.Equal("denied", results.Results[1].Status);
        Assert.Equal("Tool denied by read-only profile: file.write", results.Results[1].Error);
        Assert.False(File.Exists(Path.Combine(_workspace.Root, "b.txt")));
        Assert.Equal("partial", results.Status);
        Assert.Empty(await processor.Sessions.ListAsync());
    }

    [Fact]
    public async Task Approval_is_bound_to_the_request_hash_and_expires()
    {
        var processor = Processor();
        var original = Requests.Parse(Requests.Envelope($"[{Requests.Action("a", "conduit.help", "{}")},{Requests.Action("b", "conduit.about", "{}")}]"));
        var approval = processor.CreateReview(original, await processor.EvaluateAsync(original, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal");

        var changed = Requests.Parse(Requests.Envelope($"[{Requests.Action("a", "conduit.help", "{\"topic\":\"tools\"}")},{Requests.Action("b", "conduit.about", "{}")}]"));
        var reordered = Requests.Parse(Requests.Envelope($"[{Requests.Action("b", "conduit.about", "{}")},{Requests.Action("a", "conduit.help", "{}")}]"));
        foreach (var other in new[] { changed, reordered })
        {
            var refused = await processor.ExecuteAsync(other, RequestTransport.Clipboard, approval);
            Assert.Equal(RequestRunStatus.Rejected, refused.Status);
            Assert.Contains("is for another request", refused.Reason, StringComparison.Ordinal);
        }

        _workspace.Time.Advance(TimeSpan.FromMinutes(11));
        var expired = await processor.ExecuteAsync(original, RequestTransport.Clipboard, approval);
        Assert.Equal(RequestRunStatus.Rejected, expired.Status);
        Assert.Contains("expired", expired.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_denied_approval_runs_nothing()
    {
        var processor = Processor();
        var request = Requests.Parse(Requests.Envelope($"[{Requests.Action("a", "conduit.help", "{}")}]"));
        var denial = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Deny(_workspace.Time.GetUtcNow(), "terminal", "no");
        Assert.Equal(RequestRunStatus.Rejected, (await processor.ExecuteAsync(request, RequestTransport.Clipboard, denial)).Status);
    }

    [Fact]
    public async Task Revoked_expired_and_wrong_nonce_sessions_are_refused_with_their_reasons()
    {
        var processor = Processor(o => o.SessionLifetime = TimeSpan.FromHours(1));
        var help = $"[{Requests.Action("h", "conduit.help", "{}")}]";

        var wrong = await SessionAsync(processor);
        var outcome = await processor.ExecuteAsync(InSession(wrong, help, nonce: "call_wrong"), RequestTransport.Clipboard);
        Assert.Equal("Nonce does not match current session nonce.", outcome.Reason);
        Assert.Equal("invalid_session", outcome.Repair!.Code);

        var revoked = await SessionAsync(processor);
        await processor.Sessions.RevokeAsync(revoked.SessionId);
        Assert.Equal("Session is revoked.", (await processor.ExecuteAsync(InSession(revoked, help), RequestTransport.Clipboard)).Reason);

        var expired = await SessionAsync(processor);
        _workspace.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal("Session is expired.", (await processor.ExecuteAsync(InSession(expired, help), RequestTransport.Clipboard)).Reason);

        var other = await processor.Sessions.CreateAsync(new SessionCreateOptions { Transport = RequestTransport.Extension });
        Assert.Equal("Session is bound to transport extension, not clipboard.", (await processor.ExecuteAsync(InSession(other, help), RequestTransport.Clipboard)).Reason);
    }

    [Fact]
    public async Task Read_only_denies_writes_and_edit_with_confirmation_asks_for_them()
    {
        var processor = Processor();
        var write = $"[{Requests.Action("w", "file.write", "{\"path\":\"out.txt\",\"content\":\"new\"}")}]";

        var readOnly = await SessionAsync(processor);
        var denied = await processor.EvaluateAsync(InSession(readOnly, write), RequestTransport.Clipboard);
        Assert.Equal("Tool denied by read-only profile: file.write", Assert.Single(denied.Actions).Reason);

        var edit = await SessionAsync(processor, PermissionProfile.EditWithConfirmation);
        var request = InSession(edit, write);
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal(RequestDecision.RequiresConfirmation, evaluation.Decision);
        Assert.Equal("Tool requires confirmation: file.write", evaluation.Reason);
        var approval = processor.CreateReview(request, evaluation).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["w"]);
        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval);
        Assert.Equal("ok", outcome.Results!.Status);
        Assert.Equal("new", await File.ReadAllTextAsync(Path.Combine(_workspace.Root, "out.txt")));
        Assert.Equal("overwrite", (string?)outcome.Results.Results[0].Metadata!["mode"]);

        var unconfirmed = InSession(edit, $"[{Requests.Action("w", "file.write", "{\"path\":\"out.txt\",\"content\":\"newer\"}")}]", nonce: outcome.Results.NextNonce);
        var waiting = await processor.ExecuteAsync(unconfirmed, RequestTransport.Clipboard);
        Assert.Equal("requires_confirmation", Assert.Single(waiting.Results!.Results).Status);
        Assert.Equal("new", await File.ReadAllTextAsync(Path.Combine(_workspace.Root, "out.txt")));
    }

    [Fact]
    public async Task Two_actions_over_a_maximum_of_one_are_too_many()
    {
        var processor = Processor(o => o.MaxActionsPerRequest = 1);
        var session = await SessionAsync(processor);
        var request = InSession(session, $"[{Requests.Action("a", "conduit.help", "{}")},{Requests.Action("b", "conduit.about", "{}")}]");
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal(RequestDecision.Deny, evaluation.Decision);
        Assert.Equal("Too many actions: 2 > 1.", evaluation.Reason);
    }

    [Fact]
    public async Task The_session_action_budget_is_enforced()
    {
        var processor = Processor(o => o.MaxTotalActionsPerSession = 2);
        var session = await SessionAsync(processor);
        var two = $"[{Requests.Action("a", "conduit.help", "{}")},{Requests.Action("b", "conduit.about", "{}")}]";
        var first = await processor.ExecuteAsync(InSession(session, two), RequestTransport.Clipboard);
        Assert.Equal("ok", first.Results!.Status);
        var second = await processor.ExecuteAsync(InSession(session, two, nonce: first.Results.NextNonce), RequestTransport.Clipboard);
        Assert.All(second.Results!.Results, r => Assert.StartsWith("Session action budget exhausted", r.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_tools_and_tools_outside_the_profile_are_denied_with_documented_messages()
    {
        var processor = Processor();
        var session = await SessionAsync(processor);
        var request = InSession(session, $"[{Requests.Action("x", "net.fetch", "{}")},{Requests.Action("a", "agent.chat", "{\"prompt\":\"hi\"}")}]");
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal("Unknown tool: net.fetch", evaluation.Actions[0].Reason);
        Assert.Equal("Tool is not in read-only profile: agent.chat", evaluation.Actions[1].Reason);
    }

    [Theory]
    [InlineData("rm -rf .")]
    [InlineData("rm -r -f /tmp/x")]
    [InlineData("echo hi && rm --recursive --force build")]
    [InlineData("sudo ls")]
    [InlineData("chmod -R 777 .")]
    [InlineData("mkfs.ext4 /dev/sda1")]
    [InlineData("dd if=/dev/zero of=/dev/sda")]
    public async Task Destructive_shell_is_denied_in_every_profile(string command)
    {
        var processor = Processor();
        var session = await SessionAsync(processor, PermissionProfile.ShellManual);
        var request = InSession(session, $"[{Requests.Action("s", "shell.run", JsonValueText(command))}]");
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal(RequestDecision.Deny, evaluation.Decision);
        Assert.StartsWith("Destructive shell command denied", evaluation.Reason, StringComparison.Ordinal);

        var untrusted = Requests.Parse(Requests.Envelope($"[{Requests.Action("s", "shell.run", JsonValueText(command))}]"));
        Assert.Equal(RequestDecision.Deny, (await processor.EvaluateAsync(untrusted, RequestTransport.Clipboard)).Decision);
    }

    [Fact]
    public async Task Shell_exit_code_and_truncation_are_reported_and_only_one_shell_action_is_armed()
    {
        var processor = Processor();
        var session = await SessionAsync(processor, PermissionProfile.ShellManual);
        var request = InSession(session, $"[{Requests.Action("s", "shell.run", "{\"command\":\"echo out; exit 7\"}")},{Requests.Action("t", "shell.run", "{\"command\":\"echo second\"}")}]");
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal("Tool requires confirmation: shell.run", evaluation.Reason);
        var approval = processor.CreateReview(request, evaluation).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["s"]);

        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval);
        var shell = outcome.Results!.Results[0];
        Assert.Equal(7, (int)shell.Metadata!["exitCode"]!);
        Assert.Equal("out\n", (string?)shell.Content);
        Assert.Equal("error", shell.Status);
        Assert.Equal("requires_confirmation", outcome.Results.Results[1].Status);

        var bothArmed = InSession(session, $"[{Requests.Action("s", "shell.run", "{\"command\":\"true\"}")},{Requests.Action("t", "shell.run", "{\"command\":\"true\"}")}]", nonce: outcome.Results.NextNonce);
        var twoShells = processor.CreateReview(bothArmed, await processor.EvaluateAsync(bothArmed, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal", PermissionProfile.ShellManual, ["s", "t"]);
        Assert.Equal(RequestRunStatus.Rejected, (await processor.ExecuteAsync(bothArmed, RequestTransport.Clipboard, twoShells)).Status);
    }

    [Fact]
    public async Task Shell_output_is_capped_with_a_marker()
    {
        var processor = Processor(o => o.MaxToolOutputChars = 1000);
        var session = await SessionAsync(processor, PermissionProfile.ShellManual);
        var request = InSession(session, $"[{Requests.Action("s", "shell.run", "{\"command\":\"head -c 5000 /dev/zero | tr '\\\\\\\\0' a\"}")}]");
        var approval = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["s"]);
        var shell = (await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval)).Results!.Results[0];
        Assert.True((bool)shell.Metadata!["truncated"]!);
        Assert.EndsWith("... (truncated)", (string?)shell.Content, StringComparison.Ordinal);
        Assert.Equal(1000 + "\n... (truncated)".Length, ((string?)shell.Content)!.Length);
    }

    [Fact]
    public async Task Shell_timeout_kills_the_process_tree()
    {
        var marker = "conduit-timeout-" + Guid.NewGuid().ToString("N");
        var processor = Processor(o => o.ShellTimeout = TimeSpan.FromSeconds(1));
        var session = await SessionAsync(processor, PermissionProfile.ShellManual);
        var request = InSession(session, $"[{Requests.Action("s", "shell.run", $"{{\"command\":\"bash -c 'sleep 30; echo {marker}' & sleep 30 # {marker}\"}}")}]");
        var approval = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["s"]);
        var shell = (await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval)).Results!.Results[0];
        Assert.True((bool)shell.Metadata!["timedOut"]!);
        await Task.Delay(200);
        Assert.Equal(0, ProcessProbe.CountWithMarker(marker));
    }

    [Fact]
    public async Task Background_jobs_of_a_shell_command_do_not_outlive_it()
    {
        var marker = "conduit-bg-" + Guid.NewGuid().ToString("N");
        var processor = Processor();
        var session = await SessionAsync(processor, PermissionProfile.ShellManual);
        var request = InSession(session, $"[{Requests.Action("s", "shell.run", $"{{\"command\":\"(exec -a {marker} sleep 30) > /dev/null 2>&1 & echo started\"}}")}]");
        var approval = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["s"]);
        var shell = (await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval)).Results!.Results[0];
        Assert.Equal("started\n", (string?)shell.Content);
        for (var i = 0; i < 20 && ProcessProbe.CountWithMarker(marker) > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, ProcessProbe.CountWithMarker(marker));
    }

    [Fact]
    public async Task Symlinks_cannot_lead_out_of_the_roots()
    {
        var outside = Path.Combine(_workspace.Directory, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "top secret");
        File.CreateSymbolicLink(Path.Combine(_workspace.Root, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(_workspace.Root, "escape.txt"), Path.Combine(outside, "secret.txt"));
        _workspace.Write(".env", "K=V");
        File.CreateSymbolicLink(Path.Combine(_workspace.Root, "notes.txt"), Path.Combine(_workspace.Root, ".env"));
        Directory.CreateDirectory(Path.Combine(_workspace.Root, "sub"));

        var processor = Processor();
        var session = await SessionAsync(processor, PermissionProfile.EditWithConfirmation);
        var request = InSession(session,
            $"[{Requests.Action("a", "file.read", "{\"path\":\"escape/secret.txt\"}")},{Requests.Action("b", "file.read", "{\"path\":\"escape.txt\"}")},"
            + $"{Requests.Action("c", "file.read", "{\"path\":\"notes.txt\"}")},{Requests.Action("d", "file.read", "{\"path\":\"sub/../../outside/secret.txt\"}")},"
            + $"{Requests.Action("e", "file.write", "{\"path\":\"escape/new.txt\",\"content\":\"x\"}")}]");
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal("Path is outside allowed roots: escape/secret.txt", evaluation.Actions[0].Reason);
        Assert.Equal("Path is outside allowed roots: escape.txt", evaluation.Actions[1].Reason);
        Assert.Equal("Sensitive file read denied: notes.txt", evaluation.Actions[2].Reason);
        Assert.Equal("Path is outside allowed roots: sub/../../outside/secret.txt", evaluation.Actions[3].Reason);
        Assert.Equal("Path is outside allowed roots: escape/new.txt", evaluation.Actions[4].Reason);

        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard);
        Assert.All(outcome.Results!.Results, r => Assert.Equal("denied", r.Status));
        Assert.DoesNotContain("top secret", outcome.Results.ToJsonString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outside, "new.txt")));

        var list = InSession(session, $"[{Requests.Action("l", "file.list", "{\"path\":\".\",\"depth\":3}")}]", nonce: outcome.Results.NextNonce);
        var listed = (await processor.ExecuteAsync(list, RequestTransport.Clipboard)).Results!.Results[0];
        var paths = ((JsonArray)listed.Content!).Select(i => (string)i!["path"]!).ToArray();
        Assert.DoesNotContain("escape", paths);
        Assert.DoesNotContain(paths, p => p.Contains("secret", StringComparison.Ordinal));
        Assert.Contains("sub", paths);
    }

    [Fact]
    public async Task Patch_that_creates_a_symlink_or_leaves_the_roots_is_denied()
    {
        var processor = Processor();
        var session = await SessionAsync(processor, PermissionProfile.EditWithConfirmation);
        const string symlinkPatch = "diff --git a/link b/link\nnew file mode 120000\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n";
        const string outsidePatch = "--- a/../outside.txt\n+++ b/../outside.txt\n@@ -0,0 +1 @@\n+x\n";
        var request = InSession(session, $"[{Requests.Action("p", "file.patch", new JsonObject { ["patch"] = symlinkPatch }.ToJsonString())},{Requests.Action("q", "file.patch", new JsonObject { ["patch"] = outsidePatch }.ToJsonString())}]");
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Clipboard);
        Assert.Equal("Patch creates a symbolic link, which is denied.", evaluation.Actions[0].Reason);
        Assert.Equal("Path is outside allowed roots: ../outside.txt", evaluation.Actions[1].Reason);
    }

    [Fact]
    public async Task Patch_applies_with_git_apply_and_keeps_the_patch_file()
    {
        _workspace.Write("a.txt", "one\n");
        var processor = Processor();
        var session = await SessionAsync(processor, PermissionProfile.EditWithConfirmation);
        const string patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-one\n+two\n";
        var request = InSession(session, $"[{Requests.Action("p", "file.patch", new JsonObject { ["patch"] = patch }.ToJsonString())}]");
        var approval = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["p"]);
        var result = (await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval)).Results!.Results[0];
        Assert.Equal("ok", result.Status);
        Assert.Equal("two\n", await File.ReadAllTextAsync(Path.Combine(_workspace.Root, "a.txt")));
        Assert.True(File.Exists((string)result.Metadata!["patchFile"]!));
    }

    [Fact]
    public async Task Git_status_and_a_forty_thousand_character_diff_capped_at_thirty_thousand()
    {
        ProcessProbe.Git(_workspace.Root, "init", "-q");
        _workspace.Write("big.txt", "start\n");
        ProcessProbe.Git(_workspace.Root, "add", ".");
        ProcessProbe.Git(_workspace.Root, "commit", "-q", "-m", "init");
        _workspace.Write("big.txt", "start\n" + string.Concat(Enumerable.Repeat(new string('x', 99) + "\n", 400)));

        var processor = Processor();
        var session = await SessionAsync(processor);
        var request = InSession(session, $"[{Requests.Action("s", "git.status", "{}")},{Requests.Action("d", "git.diff", "{}")},{Requests.Action("f", "git.diff", "{\"path\":\"-x\"}")}]", ReadPermission);
        var results = (await processor.ExecuteAsync(request, RequestTransport.Clipboard)).Results!.Results;

        Assert.Contains("M big.txt", (string?)results[0].Content, StringComparison.Ordinal);
        Assert.Equal(30_000, ((string?)results[1].Content)!.Length);
        Assert.True((bool)results[1].Metadata!["truncated"]!);
        Assert.True((long)results[1].Metadata!["totalChars"]! > 40_000);
        Assert.Equal("ok", results[2].Status);
        Assert.Equal(string.Empty, (string?)results[2].Content);
    }

    [Fact]
    public async Task Git_status_outside_a_repository_says_so()
    {
        var processor = Processor();
        var session = await SessionAsync(processor);
        var request = InSession(session, $"[{Requests.Action("s", "git.status", "{}")}]", ReadPermission);
        var result = (await processor.ExecuteAsync(request, RequestTransport.Clipboard)).Results!.Results[0];
        if (result.Content is JsonObject obj)
        {
            Assert.False((bool)obj["isGitRepo"]!);
        }
        else
        {
            // The temp directory sits inside some repository on this machine.
            Assert.Equal("ok", result.Status);
        }
    }

    [Fact]
    public async Task File_list_and_write_modes_and_backups()
    {
        _workspace.Write("src/a.cs", "a");
        _workspace.Write("src/b.txt", "b");
        _workspace.Write("node_modules/x.js", "x");
        _workspace.Write("log.txt", "1");
        var processor = Processor();
        var session = await SessionAsync(processor, PermissionProfile.EditWithConfirmation);
        var request = InSession(session,
            $"[{Requests.Action("l", "file.list", "{\"glob\":\"*.cs\"}")},{Requests.Action("c", "file.write", "{\"path\":\"log.txt\",\"content\":\"2\",\"mode\":\"create\"}")},"
            + $"{Requests.Action("a", "file.write", "{\"path\":\"log.txt\",\"content\":\"2\",\"mode\":\"append\"}")},{Requests.Action("n", "file.write", "{\"path\":\"deep/new.txt\",\"content\":\"n\"}")}]");
        var approval = processor.CreateReview(request, await processor.EvaluateAsync(request, RequestTransport.Clipboard)).Approve(_workspace.Time.GetUtcNow(), "terminal", confirmedActionIds: ["c", "a", "n"]);
        var outcome = await processor.ExecuteAsync(request, RequestTransport.Clipboard, approval);
        var results = outcome.Results!.Results;

        Assert.Equal("[{\"path\":\"src/a.cs\",\"type\":\"file\"}]", results[0].Content!.ToJsonString());
        Assert.Equal("error", results[1].Status);
        Assert.Equal("12", await File.ReadAllTextAsync(Path.Combine(_workspace.Root, "log.txt")));
        Assert.Equal(1, (long)results[2].Metadata!["previousSize"]!);
        Assert.Equal(2, (long)results[2].Metadata!["newSize"]!);
        Assert.Equal("1", await File.ReadAllTextAsync((string)results[2].Metadata!["backupPath"]!));
        Assert.Equal("n", await File.ReadAllTextAsync(Path.Combine(_workspace.Root, "deep", "new.txt")));
        Assert.Equal("error", outcome.Results.Status);
    }

    [Fact]
    public async Task Bad_arguments_are_errors()
    {
        var processor = Processor();
        var session = await SessionAsync(processor);
        var request = InSession(session, $"[{Requests.Action("a", "file.read", "{\"path\":\"x\",\"maxChars\":100001}")},{Requests.Action("b", "file.read", "{}")},{Requests.Action("c", "conduit.help", "{\"topic\":\"nope\"}")}]", ReadPermission);
        var results = (await processor.ExecuteAsync(request, RequestTransport.Clipboard)).Results!.Results;
        Assert.Equal("args.maxChars must be between 1 and 100000.", results[0].Error);
        Assert.Equal("file.read needs args.path (a string).", results[1].Error);
        Assert.StartsWith("Unknown help topic", results[2].Error, StringComparison.Ordinal);
        Assert.All(results, r => Assert.Equal("error", r.Status));
    }

    [Fact]
    public async Task Help_and_about_answer_their_documented_shapes()
    {
        var processor = Processor();
        var session = await SessionAsync(processor);
        var results = (await processor.ExecuteAsync(InSession(session, $"[{Requests.Action("h", "conduit.help", "{}")},{Requests.Action("a", "conduit.about", "{}")}]"), RequestTransport.Clipboard)).Results!.Results;
        var help = (JsonObject)results[0].Content!;
        Assert.All(new[] { "topic", "requestRules", "minimalForms", "shortcuts", "example" }, k => Assert.True(help.ContainsKey(k), k));
        var about = (JsonObject)results[1].Content!;
        Assert.All(new[] { "summary", "minimalRequest", "rule" }, k => Assert.True(about.ContainsKey(k), k));
    }

    [Fact]
    public async Task Every_run_is_logged_in_its_run_folder()
    {
        var processor = Processor();
        var session = await SessionAsync(processor);
        var outcome = await processor.ExecuteAsync(InSession(session, $"[{Requests.Action("h", "conduit.help", "{}")}]"), RequestTransport.Clipboard);
        Assert.Equal(Path.Combine(_workspace.State, "requests", outcome.RunId), outcome.RunDirectory);
        Assert.Matches("^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$", outcome.RunId);
        foreach (var file in new[] { "request.json", "metadata.json", "policy-decisions.jsonl", "actions.jsonl", "tool-results.jsonl", "result.txt" })
        {
            Assert.True(File.Exists(Path.Combine(outcome.RunDirectory, file)), file);
        }

        Assert.Contains("CONDUIT_RESULTS_JSON>>>", await File.ReadAllTextAsync(Path.Combine(outcome.RunDirectory, "result.txt")), StringComparison.Ordinal);
        Assert.Contains("\"allow\"", await File.ReadAllTextAsync(Path.Combine(outcome.RunDirectory, "policy-decisions.jsonl")), StringComparison.Ordinal);

        var untrusted = await processor.ExecuteAsync(Requests.Parse(Requests.Envelope($"[{Requests.Action("h", "conduit.help", "{}")}]")), RequestTransport.Clipboard);
        Assert.Contains("requires_review", await File.ReadAllTextAsync(Path.Combine(untrusted.RunDirectory, "policy-decisions.jsonl")), StringComparison.Ordinal);
    }

    private static string JsonValueText(string command) => new JsonObject { ["command"] = command }.ToJsonString();
}
