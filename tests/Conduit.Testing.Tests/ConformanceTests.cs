using System.Text.Json;

namespace Conduit.Testing.Tests;

// The real Claude Code, Codex and Gemini CLIs against the fake model API, one theory per scenario. Each scenario is its
// own class so xunit runs them in parallel; every test has its own server, home and working directory.

public sealed class TextReplyConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Codex)]
    [InlineData(AgentProviders.Gemini)]
    public async Task A_text_reply_ends_the_run_with_that_text(string provider)
    {
        await using var harness = await AgentCliHarness.StartAsync(provider);
        harness.Server.Script.Enqueue(FakeTurn.Text("hello from conduit"));

        var result = await harness.RunAsync("say hello");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("hello from conduit", harness.FinalText(result));
        Assert.False(string.IsNullOrEmpty(harness.SessionId(result)), result.ToString());
        var request = Assert.Single(harness.Server.ModelRequests);
        Assert.Equal(provider, request.Provider);
        Assert.Contains("say hello", request.BodyText, StringComparison.Ordinal);
        Assert.Equal("<redacted>", request.Headers[provider == AgentProviders.Claude ? "x-api-key" : provider == AgentProviders.Codex ? "authorization" : "x-goog-api-key"]);
        harness.AssertOnlyTheFakeModelApiWasContacted();
    }
}

public sealed class ToolCallConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Codex)]
    [InlineData(AgentProviders.Gemini)]
    public async Task A_write_tool_call_creates_the_file_and_the_next_request_carries_its_result(string provider)
    {
        await using var harness = await AgentCliHarness.StartAsync(provider);
        harness.Server.Script.Enqueue(FakeTurn.WriteFile("hello.txt", "hello from tool\n"), FakeTurn.Text("done: wrote hello.txt"));

        var result = await harness.RunAsync("create hello.txt", CliPermissions.Permissive);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("hello from tool\n", File.ReadAllText(Path.Combine(harness.WorkingDirectory, "hello.txt")));
        Assert.Equal("done: wrote hello.txt", harness.FinalText(result));
        var requests = harness.Server.ModelRequests;
        Assert.Equal(2, requests.Count);
        Assert.Contains(ToolResultMarker(provider), requests[1].BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain(ToolResultMarker(provider), requests[0].BodyText, StringComparison.Ordinal);
        harness.AssertOnlyTheFakeModelApiWasContacted();
    }

    internal static string ToolResultMarker(string provider) => provider switch
    {
        AgentProviders.Claude => "\"tool_result\"",
        AgentProviders.Codex => "\"function_call_output\"",
        _ => "\"functionResponse\"",
    };
}

public sealed class ResumeConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Codex)]
    [InlineData(AgentProviders.Gemini)]
    public async Task Resuming_by_session_id_sends_the_first_run_as_history(string provider)
    {
        await using var harness = await AgentCliHarness.StartAsync(provider);
        harness.Server.Script.Enqueue(FakeTurn.Text("the word is banana"), FakeTurn.Text("you said banana"));

        var first = await harness.RunAsync("remember the word banana");
        var sessionId = harness.SessionId(first);
        Assert.True(first.ExitCode == 0 && sessionId is not null, first.ToString());

        var second = await harness.RunAsync(new CliInvocation { Prompt = "which word was it?", ResumeSessionId = sessionId });

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("you said banana", harness.FinalText(second));
        Assert.Equal(sessionId, harness.SessionId(second));
        var requests = harness.Server.ModelRequests;
        Assert.Equal(2, requests.Count);
        Assert.DoesNotContain("the word is banana", requests[0].BodyText, StringComparison.Ordinal);
        Assert.Contains("remember the word banana", requests[1].BodyText, StringComparison.Ordinal);
        Assert.Contains("the word is banana", requests[1].BodyText, StringComparison.Ordinal);
        Assert.Contains("which word was it?", requests[1].BodyText, StringComparison.Ordinal);
        harness.AssertOnlyTheFakeModelApiWasContacted();
    }
}

public sealed class ApiErrorConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude, 401)]
    [InlineData(AgentProviders.Claude, 500)]
    [InlineData(AgentProviders.Codex, 401)]
    [InlineData(AgentProviders.Codex, 500)]
    [InlineData(AgentProviders.Gemini, 401)]
    [InlineData(AgentProviders.Gemini, 500)]
    public async Task A_model_API_error_fails_the_run_fast_without_retries(string provider, int status)
    {
        await using var harness = await AgentCliHarness.StartAsync(provider);
        for (var i = 0; i < 20; i++)
        {
            harness.Server.Script.Enqueue(FakeTurn.Error(status));
        }

        var result = await harness.RunAsync("say hello");

        Assert.False(result.TimedOut, result.ToString());
        Assert.True(result.Duration < TimeSpan.FromSeconds(60), $"took {result.Duration}: the CLI's own retries are not switched off\n{result}");
        var expectedExitCode = provider == AgentProviders.Gemini ? status % 256 : 1;
        Assert.True(result.ExitCode == expectedExitCode, result.ToString());
        Assert.Single(harness.Server.ModelRequests);
        switch (provider)
        {
            case AgentProviders.Claude:
                var claudeResult = Assert.Single(AgentCliHarness.Lines(result, "result"));
                Assert.True(claudeResult.GetProperty("is_error").GetBoolean(), result.ToString());
                Assert.Equal(status, claudeResult.GetProperty("api_error_status").GetInt32());
                break;
            case AgentProviders.Codex:
                Assert.Single(AgentCliHarness.Lines(result, "turn.failed"));
                break;
            default:
                var geminiResult = Assert.Single(AgentCliHarness.Lines(result, "result"));
                Assert.Equal("error", geminiResult.GetProperty("status").GetString());
                break;
        }

        harness.AssertOnlyTheFakeModelApiWasContacted();
    }
}

/// <summary>Codex has no turn limit (no flag, no setting): it is not part of this theory.</summary>
public sealed class TurnLimitConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Gemini)]
    public async Task A_turn_limit_of_one_stops_after_the_first_tool_call(string provider)
    {
        await using var harness = await AgentCliHarness.StartAsync(provider, new FakeModelEnvironmentOptions { GeminiMaxSessionTurns = 1 });
        harness.Server.Script.Enqueue(FakeTurn.WriteFile("hello.txt", "hello from tool\n"), FakeTurn.Text("done: wrote hello.txt"));

        var result = await harness.RunAsync(new CliInvocation { Prompt = "create hello.txt", Permissions = CliPermissions.Permissive, MaxTurns = 1 });

        Assert.Single(harness.Server.ModelRequests);
        Assert.NotEqual("done: wrote hello.txt", harness.FinalText(result));
        var last = Assert.Single(AgentCliHarness.Lines(result, "result"));
        if (provider == AgentProviders.Claude)
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal("error_max_turns", last.GetProperty("subtype").GetString());
        }
        else
        {
            Assert.True(result.ExitCode == 53, result.ToString());
            Assert.Equal("FatalTurnLimitedError", last.GetProperty("error").GetProperty("type").GetString());
        }

        harness.AssertOnlyTheFakeModelApiWasContacted();
    }
}

public sealed class ReadOnlyPermissionConformanceTests
{
    [Theory]
    [InlineData(AgentProviders.Claude)]
    [InlineData(AgentProviders.Codex)]
    [InlineData(AgentProviders.Gemini)]
    public async Task A_read_only_permission_mode_refuses_the_write(string provider)
    {
        await using var harness = await AgentCliHarness.StartAsync(provider);
        harness.Server.Script.Enqueue(FakeTurn.WriteFile("hello.txt", "hello from tool\n"), FakeTurn.Text("done: tried to write hello.txt"));

        var result = await harness.RunAsync("create hello.txt", CliPermissions.ReadOnly);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(Path.Combine(harness.WorkingDirectory, "hello.txt")), result.ToString());
        Assert.Equal("done: tried to write hello.txt", harness.FinalText(result));
        var requests = harness.Server.ModelRequests;
        Assert.Equal(2, requests.Count);
        Assert.Contains(ToolCallConformanceTests.ToolResultMarker(provider), requests[1].BodyText, StringComparison.Ordinal);
        Assert.True(DenialVisible(provider, result, requests[1]), "the refusal is not visible\n" + result);
        harness.AssertOnlyTheFakeModelApiWasContacted();
    }

    // Claude lists the refusal in result.permission_denials; Gemini reports a tool_result with status error. Codex 0.169
    // with an explicit `-s read-only` runs the command in its sandbox but does not reliably print the failed
    // command_execution item on --json (here: usually none; without -s it prints one), so the test checks what the
    // model got back.
    private static bool DenialVisible(string provider, CliRunResult result, FakeModelRequest followUp) => provider switch
    {
        AgentProviders.Claude => AgentCliHarness.Lines(result, "result").Single().GetProperty("permission_denials").GetArrayLength() == 1,
        AgentProviders.Codex => followUp.BodyText.Contains("Read-only file system", StringComparison.Ordinal),
        _ => AgentCliHarness.Lines(result, "tool_result").Any(line => line.GetProperty("status").GetString() == "error"),
    };
}
