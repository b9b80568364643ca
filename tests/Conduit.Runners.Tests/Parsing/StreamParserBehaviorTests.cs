using Conduit.Runners.Parsing;
using Conduit.Runners.Processes;

namespace Conduit.Runners.Tests.Parsing;

public sealed class StreamParserBehaviorTests
{
    private const string ClaudeInit = """{"type":"system","subtype":"init","cwd":"/w","session_id":"s-1","model":"claude-sonnet-4-5","claude_code_version":"2.1.197"}""";
    private const string ClaudeText = """{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"hi"}]},"session_id":"s-1"}""";
    private const string ClaudeResult = """{"type":"result","subtype":"success","is_error":false,"result":"hi","session_id":"s-1","total_cost_usd":0.001,"usage":{"input_tokens":10,"output_tokens":2,"cache_read_input_tokens":5,"cache_creation_input_tokens":1},"permission_denials":[]}""";

    [Fact]
    public void Unknown_event_types_come_through_as_raw_events_with_their_line()
    {
        var parser = new ClaudeStreamParser(new AgentStreamParserContext());
        const string line = """{"type":"brand_new_thing","payload":42}""";

        var events = parser.ParseLine(line, 7).ToList();

        var raw = Assert.IsType<RawEvent>(Assert.Single(events));
        Assert.Equal("brand_new_thing", raw.EventType);
        Assert.Equal(7, raw.LineNumber);
        Assert.Equal(line, raw.RawRepresentation);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    [InlineData("gemini")]
    [InlineData("cursor")]
    public void A_malformed_line_is_a_non_fatal_error_naming_its_line_number(string provider)
    {
        var parser = Capture.ParserFor(provider);

        var events = parser.ParseLine("{\"type\":\"assistant\", oops", 3).ToList();

        var error = Assert.IsType<ErrorEvent>(Assert.Single(events));
        Assert.Equal("malformed_line", error.Code);
        Assert.False(error.IsFatal);
        Assert.Equal(3, error.LineNumber);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_line_does_not_by_itself_fail_a_run_that_ends_with_a_result()
    {
        var parser = new ClaudeStreamParser(new AgentStreamParserContext());
        var events = new List<AgentEvent>();
        events.AddRange(parser.ParseLine(ClaudeInit, 1));
        events.AddRange(parser.ParseLine("not json at all", 2));
        events.AddRange(parser.ParseLine(ClaudeResult, 3));
        events.AddRange(parser.Complete(AgentProcessEnd.Exited(0)));

        Assert.Equal(AgentOutcome.Succeeded, events.OfType<CompletedEvent>().Single().Outcome);
        Assert.Single(events.OfType<ErrorEvent>(), e => e.Code == "malformed_line");
    }

    [Theory]
    [InlineData("claude", ClaudeInit)]
    [InlineData("codex", """{"type":"thread.started","thread_id":"t-1"}""")]
    [InlineData("gemini", """{"type":"init","session_id":"g-1","model":"gemini-2.5-flash"}""")]
    [InlineData("cursor", """{"type":"system","subtype":"init","session_id":"c-1","model":"gpt-5"}""")]
    public void A_run_that_exits_0_without_a_result_line_fails(string provider, string firstLine)
    {
        var parser = Capture.ParserFor(provider);
        var events = parser.ParseLine(firstLine, 1).ToList();

        events.AddRange(parser.Complete(AgentProcessEnd.Exited(0, "boom\n")));

        var completed = events.OfType<CompletedEvent>().Single();
        Assert.Equal(AgentOutcome.Failed, completed.Outcome);
        Assert.Contains("without", completed.Reason, StringComparison.Ordinal);
        Assert.Contains("boom", completed.Reason, StringComparison.Ordinal);
        Assert.Single(events.OfType<ErrorEvent>(), e => e.Code == "missing_result" && e.IsFatal);
    }

    [Fact]
    public void Claude_init_reports_session_model_cwd_and_cli_version()
    {
        var parser = new ClaudeStreamParser(new AgentStreamParserContext { CliVersion = "from --version" });

        var session = Assert.IsType<SessionStartedEvent>(Assert.Single(parser.ParseLine(ClaudeInit, 1)));

        Assert.Equal("s-1", session.SessionId);
        Assert.Equal("claude-sonnet-4-5", session.Model);
        Assert.Equal("/w", session.WorkingDirectory);
        Assert.Equal("2.1.197", session.CliVersion);
    }

    [Fact]
    public void Codex_session_carries_the_version_found_by_the_runner()
    {
        var parser = new CodexStreamParser(new AgentStreamParserContext { CliVersion = "codex-cli 0.169.0" });

        var session = Assert.IsType<SessionStartedEvent>(Assert.Single(parser.ParseLine("""{"type":"thread.started","thread_id":"t-1"}""", 1)));

        Assert.Equal("codex-cli 0.169.0", session.CliVersion);
    }

    [Fact]
    public void Claude_usage_counts_cache_reads_and_writes_as_input()
    {
        var parser = new ClaudeStreamParser(new AgentStreamParserContext());

        var usage = parser.ParseLine(ClaudeResult, 1).OfType<UsageEvent>().Single().Usage;

        Assert.Equal(16, usage.InputTokens);
        Assert.Equal(5, usage.CachedInputTokens);
        Assert.Equal(1, usage.CacheWriteTokens);
        Assert.Equal(2, usage.OutputTokens);
        Assert.Equal(0.001m, usage.CostUsd);
        Assert.False(usage.IsCostEstimated);
    }

    [Fact]
    public void Claude_401_retries_stop_the_run_at_once_as_auth_required()
    {
        var capture = Capture.Load("claude-err401");
        var parser = new ClaudeStreamParser(new AgentStreamParserContext());

        _ = parser.ParseLine(capture.Lines[0], 1);
        Assert.Null(parser.StopOutcome);
        var retry = parser.ParseLine(capture.Lines[1], 2).ToList();

        Assert.IsType<WarningEvent>(Assert.Single(retry));
        Assert.Equal(AgentOutcome.AuthRequired, parser.StopOutcome);
        var end = new AgentProcessEnd { Termination = ChildProcessTermination.Cancelled, Duration = TimeSpan.FromSeconds(1) };
        var completed = parser.Complete(end).OfType<CompletedEvent>().Single();
        Assert.Equal(AgentOutcome.AuthRequired, completed.Outcome);
        Assert.Equal("f6a7da6b-720a-4c17-9d78-cbe4e6f07be8", completed.SessionId);
    }

    [Theory]
    [InlineData("Not logged in · Please run /login", AgentOutcome.AuthRequired)]
    [InlineData("Gemini CLI is not running in a trusted directory. To proceed...", AgentOutcome.NeedsInput)]
    [InlineData("Do you trust the files in this folder? [y/N]", AgentOutcome.NeedsInput)]
    public void Stderr_asking_for_login_or_an_answer_stops_the_run(string line, AgentOutcome expected)
    {
        var parser = new GeminiStreamParser(new AgentStreamParserContext());

        parser.ObserveStandardError("Warning: Basic terminal detected (TERM=dumb).");
        Assert.Null(parser.StopOutcome);
        parser.ObserveStandardError(line);

        Assert.Equal(expected, parser.StopOutcome);
    }

    [Theory]
    [InlineData(ChildProcessTermination.TimedOut, AgentOutcome.TimedOut)]
    [InlineData(ChildProcessTermination.IdleTimedOut, AgentOutcome.TimedOut)]
    [InlineData(ChildProcessTermination.Cancelled, AgentOutcome.Cancelled)]
    public void A_killed_process_ends_with_the_termination_outcome_and_reason(ChildProcessTermination termination, AgentOutcome expected)
    {
        var parser = new ClaudeStreamParser(new AgentStreamParserContext());
        _ = parser.ParseLine(ClaudeInit, 1);

        var events = parser.Complete(new AgentProcessEnd { Termination = termination, TerminationReason = "idle for 00:05:00" }).ToList();

        var completed = Assert.IsType<CompletedEvent>(Assert.Single(events));
        Assert.Equal(expected, completed.Outcome);
        Assert.Equal("idle for 00:05:00", completed.Reason);
        Assert.Null(completed.ExitCode);
    }

    [Fact]
    public void Claude_streamed_deltas_are_not_repeated_by_the_whole_message()
    {
        var events = Capture.Load("claude-stdin-partial-acceptedits-tool").ParseWith(new ClaudeStreamParser(new AgentStreamParserContext()));

        var text = Assert.Single(events.OfType<TextEvent>());
        Assert.Equal("done: wrote hello.txt", text.Text);
        Assert.False(text.IsDelta);
        Assert.Single(events.OfType<ToolCallStartedEvent>());
    }

    [Fact]
    public void Claude_tool_calls_carry_name_input_and_output()
    {
        var events = Capture.Load("claude-tool").ParseWith(new ClaudeStreamParser(new AgentStreamParserContext()));

        var started = Assert.Single(events.OfType<ToolCallStartedEvent>());
        var completed = Assert.Single(events.OfType<ToolCallCompletedEvent>());
        Assert.Equal("Write", started.Name);
        Assert.Equal("toolu_mwsgtgid7", started.CallId);
        Assert.Equal("/workspace/claude-tool/hello.txt", started.Input!.Value.GetProperty("file_path").GetString());
        Assert.Equal(started.CallId, completed.CallId);
        Assert.Equal("Write", completed.Name);
        Assert.Equal(ToolCallStatus.Succeeded, completed.Status);
        Assert.StartsWith("File created successfully", completed.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claude-default-perm-tool", "Write")]
    [InlineData("codex-readonly-tool", "command_execution")]
    public void A_refused_write_is_a_denied_tool_call(string name, string toolName)
    {
        var events = Capture.Load(name).ParseWith(Capture.ParserFor(name));

        var completed = Assert.Single(events.OfType<ToolCallCompletedEvent>());
        Assert.Equal(ToolCallStatus.Denied, completed.Status);
        Assert.Equal(toolName, completed.Name);
        Assert.Contains("permission", events.OfType<CompletedEvent>().Single().Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("codex-tool", "command_execution")]
    [InlineData("gemini-tool", "write_file")]
    [InlineData("cursor-tool", "write")]
    public void Tool_calls_start_and_complete_with_the_same_call_id(string name, string toolName)
    {
        var events = Capture.Load(name).ParseWith(Capture.ParserFor(name));

        var started = Assert.Single(events.OfType<ToolCallStartedEvent>());
        var completed = Assert.Single(events.OfType<ToolCallCompletedEvent>());
        Assert.Equal(toolName, started.Name);
        Assert.NotNull(started.CallId);
        Assert.Equal(started.CallId, completed.CallId);
        Assert.Equal(ToolCallStatus.Succeeded, completed.Status);
        Assert.True(events.IndexOf(started) < events.IndexOf(completed));
    }

    [Fact]
    public void Codex_non_fatal_error_items_are_warnings()
    {
        var events = Capture.Load("codex-text").ParseWith(new CodexStreamParser(new AgentStreamParserContext()));

        var warning = Assert.Single(events.OfType<WarningEvent>());
        Assert.StartsWith("Model metadata for `fake-model` not found", warning.Message, StringComparison.Ordinal);
        Assert.Empty(events.OfType<ErrorEvent>());
    }

    [Fact]
    public void Codex_resumed_thread_reports_only_this_runs_usage_when_the_earlier_total_is_known()
    {
        // codex-text-quiet started thread 01a20598-63f4-...; codex-resume resumed it (cumulative 200/40/14).
        var ledger = new CodexThreadUsageLedger();
        Capture.Load("codex-text-quiet").ParseWith(new CodexStreamParser(new AgentStreamParserContext { CodexUsageLedger = ledger }));
        var context = new AgentStreamParserContext
        {
            CodexUsageLedger = ledger,
            ResumeSessionId = "01a20598-63f4-7130-af64-fb8a6a8af12b",
            RequestedModel = "gpt-5.2-codex",
        };

        var events = Capture.Load("codex-resume").ParseWith(new CodexStreamParser(context));

        var usage = Assert.Single(events.OfType<UsageEvent>()).Usage;
        Assert.Equal(100, usage.InputTokens);
        Assert.Equal(20, usage.CachedInputTokens);
        Assert.Equal(7, usage.OutputTokens);
        // gpt-5 family: 80 fresh x 1.25 + 20 cached x 0.125 + 7 output x 10, per million.
        Assert.Equal(0.0001725m, usage.CostUsd);
        Assert.True(usage.IsCostEstimated);
        Assert.Equal(AgentOutcome.Succeeded, events.OfType<CompletedEvent>().Single().Outcome);
    }

    [Fact]
    public void Codex_resumed_thread_with_an_unknown_earlier_total_reports_no_usage_rather_than_double_counting()
    {
        var context = new AgentStreamParserContext { ResumeSessionId = "01a20598-63f4-7130-af64-fb8a6a8af12b", CodexUsageLedger = new CodexThreadUsageLedger() };

        var events = Capture.Load("codex-resume").ParseWith(new CodexStreamParser(context));

        Assert.Empty(events.OfType<UsageEvent>());
        Assert.Contains(events.OfType<WarningEvent>(), w => w.Message.Contains("cumulatively", StringComparison.Ordinal));
        Assert.Equal("hello from fake model", events.OfType<CompletedEvent>().Single().FinalText);
    }

    [Fact]
    public void Codex_two_turns_in_one_run_report_the_difference_each_time()
    {
        var parser = new CodexStreamParser(new AgentStreamParserContext());
        var events = new List<AgentEvent>();
        events.AddRange(parser.ParseLine("""{"type":"thread.started","thread_id":"t-2"}""", 1));
        events.AddRange(parser.ParseLine("""{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":10}}""", 2));
        events.AddRange(parser.ParseLine("""{"type":"turn.completed","usage":{"input_tokens":250,"cached_input_tokens":50,"output_tokens":30}}""", 3));

        var usages = events.OfType<UsageEvent>().Select(u => u.Usage).ToList();

        Assert.Equal([100L, 150L], usages.Select(u => u.InputTokens));
        Assert.Equal([10L, 20L], usages.Select(u => u.OutputTokens));
        Assert.Equal([0L, 50L], usages.Select(u => u.CachedInputTokens));
    }

    [Fact]
    public void Gemini_deltas_join_into_one_message_and_a_new_message_starts_after_a_tool_call()
    {
        var parser = new GeminiStreamParser(new AgentStreamParserContext());
        var lines = new[]
        {
            """{"type":"init","session_id":"g","model":"gemini-2.5-flash"}""",
            """{"type":"message","role":"assistant","content":"I will ","delta":true}""",
            """{"type":"message","role":"assistant","content":"write it.","delta":true}""",
            """{"type":"tool_use","tool_name":"write_file","tool_id":"w1","parameters":{}}""",
            """{"type":"tool_result","tool_id":"w1","status":"success"}""",
            """{"type":"message","role":"assistant","content":"done","delta":true}""",
            """{"type":"message","role":"assistant","content":".","delta":true}""",
            """{"type":"result","status":"success","stats":{"input_tokens":1,"output_tokens":1}}""",
        };
        var events = lines.SelectMany((l, i) => parser.ParseLine(l, i + 1)).ToList();
        events.AddRange(parser.Complete(AgentProcessEnd.Exited(0)));

        Assert.Equal([false, true, false, true], events.OfType<TextEvent>().Select(t => t.IsDelta));
        Assert.Equal("done.", events.OfType<CompletedEvent>().Single().FinalText);
        Assert.Equal("done.", CaptureParsingTests.Fold(events, "gemini").Text);
    }

    [Fact]
    public void Gemini_warning_severity_errors_are_warnings()
    {
        var parser = new GeminiStreamParser(new AgentStreamParserContext());

        var warning = parser.ParseLine("""{"type":"error","severity":"warning","message":"Loop detected"}""", 1).Single();
        var error = parser.ParseLine("""{"type":"error","severity":"error","message":"Bad"}""", 2).Single();

        Assert.Equal("Loop detected", Assert.IsType<WarningEvent>(warning).Message);
        Assert.False(Assert.IsType<ErrorEvent>(error).IsFatal);
    }

    [Fact]
    public void Gemini_exit_41_is_auth_required()
    {
        var parser = new GeminiStreamParser(new AgentStreamParserContext());

        var completed = parser.Complete(AgentProcessEnd.Exited(41, "Please set an Auth method in your settings.json")).OfType<CompletedEvent>().Single();

        Assert.Equal(AgentOutcome.AuthRequired, completed.Outcome);
    }

    [Fact]
    public void A_claude_result_with_a_non_zero_exit_fails()
    {
        var parser = new ClaudeStreamParser(new AgentStreamParserContext());
        _ = parser.ParseLine(ClaudeInit, 1);
        _ = parser.ParseLine(ClaudeText, 2);
        _ = parser.ParseLine(ClaudeResult, 3);

        var completed = parser.Complete(AgentProcessEnd.Exited(2)).OfType<CompletedEvent>().Single();

        Assert.Equal(AgentOutcome.Failed, completed.Outcome);
        Assert.Equal(2, completed.ExitCode);
        Assert.Equal("hi", completed.FinalText);
    }

    [Fact]
    public void Claude_text_before_a_tool_use_in_one_message_comes_first()
    {
        var parser = new ClaudeStreamParser(new AgentStreamParserContext());
        const string line = """{"type":"assistant","message":{"id":"m","content":[{"type":"text","text":"Let me write it."},{"type":"tool_use","id":"t","name":"Write","input":{}}]}}""";

        var events = parser.ParseLine(line, 1).ToList();

        Assert.Equal("Let me write it.", Assert.IsType<TextEvent>(events[0]).Text);
        Assert.Equal("Write", Assert.IsType<ToolCallStartedEvent>(events[1]).Name);
    }

    [Theory]
    [InlineData("claude-err500", "api_error")]
    [InlineData("claude-err-nokey", "auth_required")]
    [InlineData("codex-401", "auth_required")]
    [InlineData("gemini-500-err", "api_error")]
    [InlineData("claude-err-stream-json-without-verbose", "missing_result")]
    public void A_failed_run_reports_one_fatal_error_with_its_code(string name, string code)
    {
        var events = Capture.Load(name).ParseWith(Capture.ParserFor(name));

        var fatal = Assert.Single(events.OfType<ErrorEvent>(), e => e.IsFatal);
        Assert.Equal(code, fatal.Code);
    }

    [Fact]
    public void The_reason_of_a_missing_result_quotes_stderr()
    {
        var events = Capture.Load("claude-err-stream-json-without-verbose").ParseWith(new ClaudeStreamParser(new AgentStreamParserContext()));

        Assert.Equal(
            "claude exited with code 1 without a result line: Error: When using --print, --output-format=stream-json requires --verbose",
            events.OfType<CompletedEvent>().Single().Reason);
    }

    [Fact]
    public void Claude_error_during_execution_fails_even_without_is_error()
    {
        var parser = new ClaudeStreamParser(new AgentStreamParserContext());
        _ = parser.ParseLine(ClaudeInit, 1);
        _ = parser.ParseLine("""{"type":"result","subtype":"error_during_execution","is_error":false,"session_id":"s-1","errors":["tool crashed"]}""", 2);

        var completed = parser.Complete(AgentProcessEnd.Exited(0)).OfType<CompletedEvent>().Single();

        Assert.Equal(AgentOutcome.Failed, completed.Outcome);
        Assert.Equal("tool crashed", completed.Reason);
    }
}
