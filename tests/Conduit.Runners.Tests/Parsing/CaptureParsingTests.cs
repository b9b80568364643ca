using Conduit.Runners.Parsing;

namespace Conduit.Runners.Tests.Parsing;

public sealed class CaptureParsingTests
{
    /// <summary>
    /// The truth for each capture, read from the capture and its .meta file: session id, final text, input and output
    /// tokens, cost (null where none is reported or estimable), whether the cost is an estimate, and the outcome.
    /// Codex captures use the model "fake-model", which has no price, so their cost is null.
    /// </summary>
    public static TheoryData<string, string?, string?, long?, long?, string?, bool, AgentOutcome> Captures => new()
    {
        { "claude-text", "075eccce-4b68-4273-8c54-abd5dd333038", "hello from fake model", 100, 7, "0.000675", false, AgentOutcome.Succeeded },
        { "claude-text-quiet", "068eb8f5-01d5-438d-bfed-4028862b0c28", "hello from fake model", 100, 7, "0.000675", false, AgentOutcome.Succeeded },
        { "claude-text-debug", "44f89422-a8ac-462a-83b3-9cfd4eb14a6d", "hello from fake model", 100, 7, "0.000675", false, AgentOutcome.Succeeded },
        { "claude-tool", "c58b3558-9051-4976-8c7c-8b4e5a46e863", "done: wrote hello.txt", 200, 14, "0.00135", false, AgentOutcome.Succeeded },
        { "claude-default-perm-tool", "78d8de66-6fec-4cce-80e4-0f6f383d3634", "done: wrote hello.txt", 200, 14, "0.00135", false, AgentOutcome.PermissionDenied },
        { "claude-err-nokey", "41031db7-bf5a-4f2f-8de0-ffb74e0f4903", "Not logged in · Please run /login", 0, 0, "0", false, AgentOutcome.AuthRequired },
        { "claude-err401", "f6a7da6b-720a-4c17-9d78-cbe4e6f07be8", "Invalid API key · Fix external API key", 0, 0, "0", false, AgentOutcome.AuthRequired },
        { "claude-err500", "33778a56-cbf6-4b1b-90dc-2f76146ff276", "API Error: 500 fake server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:8787).", 0, 0, "0", false, AgentOutcome.ApiError },
        { "claude-maxturns-tool", "f5d6c13a-73a6-43eb-bee1-f9d04928e71a", null, 100, 7, "0.000675", false, AgentOutcome.MaxTurns },
        { "claude-resume-json", "c58b3558-9051-4976-8c7c-8b4e5a46e863", "hello from fake model", 100, 7, "0.000675", false, AgentOutcome.Succeeded },
        { "claude-stdin-partial-acceptedits-tool", "11111111-2222-4333-8444-555555555555", "done: wrote hello.txt", 200, 14, "0.0008100000000000001", false, AgentOutcome.Succeeded },
        { "claude-err-stream-json-without-verbose", null, null, null, null, null, false, AgentOutcome.Failed },
        { "claude-err-root-skip-perms", null, null, null, null, null, false, AgentOutcome.Failed },
        { "codex-text", "01a20597-c407-73e3-817e-dd610882dfc4", "hello from fake model", 100, 7, null, false, AgentOutcome.Succeeded },
        { "codex-text-quiet", "01a20598-63f4-7130-af64-fb8a6a8af12b", "hello from fake model", 100, 7, null, false, AgentOutcome.Succeeded },
        { "codex-text-debug", "01a20598-4605-7161-bc48-8ca1d8e03afd", "hello from fake model", 100, 7, null, false, AgentOutcome.Succeeded },
        { "codex-stdin-text", "01a20598-bf29-7862-bf66-25fbd66074ab", "hello from fake model", 100, 7, null, false, AgentOutcome.Succeeded },
        { "codex-tool", "01a20598-269c-7a02-ac06-a598864d3dae", "done: wrote hello.txt", 200, 14, null, false, AgentOutcome.Succeeded },
        { "codex-yolo-tool", "01a20598-e9d3-7840-92ce-763760229978", "done: wrote hello.txt", 200, 14, null, false, AgentOutcome.Succeeded },
        { "codex-readonly-tool", "01a20598-df83-78f3-850a-3f1702150e44", "done: wrote hello.txt", 200, 14, null, false, AgentOutcome.PermissionDenied },
        { "codex-401", "01a20598-a2c5-77b2-98fe-f58434076879", null, null, null, null, false, AgentOutcome.AuthRequired },
        { "codex-500-err", "01a20598-9a60-7dd3-8f3f-5d4cf6679265", null, null, null, null, false, AgentOutcome.ApiError },
        { "codex-chat-text", null, null, null, null, null, false, AgentOutcome.Failed },
        { "gemini-text", "1743f5f6-cb2d-4ecc-b3e9-ed1ef0f7fa62", "hello from fake model", 200, 14, "0.0000603", true, AgentOutcome.Succeeded },
        { "gemini-tool", "59e61402-4ce1-4c94-8dfe-bb3824308f58", "done: wrote hello.txt", 200, 14, "0.000095", true, AgentOutcome.Succeeded },
        // Headless default approval gives the model no write tools at all: nothing in the stream is a refusal.
        { "gemini-default-approval-tool", "72ad3e29-7bc8-42cf-8093-03dd2429f34e", "done: wrote hello.txt", 100, 7, "0.0000475", true, AgentOutcome.Succeeded },
        { "gemini-maxturns-tool", "0db3452c-61cd-4b76-9f84-96fc21d56ab9", null, 100, 7, "0.0000475", true, AgentOutcome.MaxTurns },
        { "gemini-401", "addc5f66-3597-4274-88a8-9bf0660e52b5", null, 0, 0, "0", true, AgentOutcome.AuthRequired },
        { "gemini-401-json", null, null, null, null, null, false, AgentOutcome.AuthRequired },
        { "gemini-500-err", "dc629dd3-c712-465d-be37-11b005ea81b9", null, 0, 0, "0", true, AgentOutcome.ApiError },
        { "gemini-err-untrusted", null, null, null, null, null, false, AgentOutcome.NeedsInput },
        { "cursor-text", "d7c6b1ef-2222-4333-8444-555566667777", "hello from fake model", null, null, null, false, AgentOutcome.Succeeded },
        { "cursor-tool", "c6b5a0de-1111-4222-8333-444455556666", "done: wrote hello.txt", 200, 14, "0.00039", true, AgentOutcome.Succeeded },
        { "cursor-noresult", "d7c6b1ef-2222-4333-8444-555566667777", null, null, null, null, false, AgentOutcome.Failed },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Capture_parses_to_its_session_text_usage_cost_and_outcome(
        string name, string? sessionId, string? finalText, long? inputTokens, long? outputTokens, string? cost, bool costEstimated, AgentOutcome outcome)
    {
        var capture = Capture.Load(name);

        var events = capture.ParseWith(Capture.ParserFor(name));
        var result = Fold(events, name);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(sessionId, result.SessionId);
        Assert.Equal(finalText, result.Text);
        var usageEvents = events.OfType<UsageEvent>().ToList();
        if (inputTokens is null)
        {
            Assert.Empty(usageEvents);
        }
        else
        {
            Assert.Equal(inputTokens, result.Usage.InputTokens);
            Assert.Equal(outputTokens, result.Usage.OutputTokens);
            Assert.Equal(cost is null ? null : decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture), result.Usage.CostUsd);
            Assert.Equal(costEstimated, result.Usage.IsCostEstimated);
        }

        Assert.Equal(capture.ExitCode, result.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_stream_ends_with_exactly_one_completed_event_and_every_line_yields_an_event(
        string name, string? sessionId, string? finalText, long? inputTokens, long? outputTokens, string? cost, bool costEstimated, AgentOutcome outcome)
    {
        _ = (sessionId, finalText, inputTokens, outputTokens, cost, costEstimated, outcome);
        var capture = Capture.Load(name);

        var events = capture.ParseWith(Capture.ParserFor(name));

        Assert.IsType<CompletedEvent>(events[^1]);
        Assert.Single(events.OfType<CompletedEvent>());
        var linesWithEvents = events.Where(e => e.LineNumber is not null).Select(e => e.LineNumber!.Value).ToHashSet();
        for (var i = 0; i < capture.Lines.Length; i++)
        {
            Assert.Contains(i + 1, linesWithEvents);
        }

        Assert.All(events.Where(e => e.LineNumber is not null), e => Assert.Equal(capture.Lines[e.LineNumber!.Value - 1], e.RawRepresentation));
        Assert.All(events, e => Assert.Equal(name.Split('-')[0], e.Provider));
        Assert.DoesNotContain(events, e => e is ErrorEvent { Code: "malformed_line" });
    }

    [Theory]
    [InlineData("claude-text")]
    [InlineData("codex-text")]
    [InlineData("gemini-text")]
    [InlineData("cursor-text")]
    public void The_same_text_reply_gives_the_same_event_kinds_and_final_text_for_every_cli(string name)
    {
        var events = Capture.Load(name).ParseWith(Capture.ParserFor(name));

        var kinds = events.Where(e => e is not RawEvent and not WarningEvent and not UsageEvent).Select(e => e.GetType().Name);
        Assert.Equal(["SessionStartedEvent", "TextEvent", "CompletedEvent"], kinds);
        Assert.Equal("hello from fake model", events.OfType<TextEvent>().Single().Text);
        Assert.Equal("hello from fake model", events.OfType<CompletedEvent>().Single().FinalText);
    }

    internal static AgentResult Fold(IEnumerable<AgentEvent> events, string name)
    {
        var fold = new AgentEventFold(new RunnerSpec(name.Split('-')[0]));
        foreach (var agentEvent in events)
        {
            fold.Add(agentEvent);
        }

        return fold.ToResult();
    }
}
