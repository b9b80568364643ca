using System.Text.Json;
using Conduit.Runners.Parsing;
using Conduit.Runners.Providers;
using Conduit.Runners.Tests.Infrastructure;
using Conduit.Runners.Tests.Parsing;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Runners.Tests.Runners;

/// <summary>The runners against real processes: the fake agent replaying captures in place of each CLI.</summary>
public sealed class RunnerProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conduit-runner-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("claude-text")]
    [InlineData("claude-tool")]
    [InlineData("claude-default-perm-tool")]
    [InlineData("claude-err500")]
    [InlineData("claude-maxturns-tool")]
    [InlineData("codex-text")]
    [InlineData("codex-tool")]
    [InlineData("codex-readonly-tool")]
    [InlineData("codex-401")]
    [InlineData("gemini-text")]
    [InlineData("gemini-tool")]
    [InlineData("gemini-maxturns-tool")]
    [InlineData("gemini-401-json")]
    [InlineData("cursor-tool")]
    [InlineData("cursor-noresult")]
    public async Task A_replayed_capture_gives_the_same_events_as_parsing_it(string name)
    {
        var capture = Capture.Load(name);
        var provider = name.Split('-')[0];
        var runner = CreateRunner(provider, Replay(name, capture.ExitCode));

        var events = await Collect(runner.StreamAsync(new AgentRequest { Prompt = "say hello", Runner = new RunnerSpec(provider) }));

        var expected = capture.ParseWith(Capture.ParserFor(name));
        Assert.Equal(expected.Select(Normalize), events.Select(Normalize));
        Assert.Equal(capture.ExitCode, events.OfType<CompletedEvent>().Single().ExitCode);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    [InlineData("gemini")]
    [InlineData("cursor")]
    public async Task The_recorded_argv_and_stdin_are_the_mapped_ones(string provider)
    {
        var record = Path.Combine(_directory, "argv.json");
        var environment = new Dictionary<string, string?> { ["FAKE_AGENT_RECORD_ARGV"] = record };
        var runner = CreateRunner(provider, environment);
        var request = new AgentRequest
        {
            Prompt = "-starts with a dash",
            Runner = new RunnerSpec(provider, "some-model"),
            ResumeSessionId = "session-1",
            PermissionMode = AgentPermissionMode.AcceptEdits,
            WorkingDirectory = _directory,
            Args = ["--passthrough", "value with spaces"],
        };

        await Collect(runner.StreamAsync(request));

        using var recorded = JsonDocument.Parse(await File.ReadAllTextAsync(record));
        var expected = CliFor(provider).BuildInvocation(request, request.Args!);
        Assert.Equal(expected.Arguments, recorded.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal(expected.StandardInput ?? "", recorded.RootElement.GetProperty("stdin").GetString());
        Assert.Equal(_directory, recorded.RootElement.GetProperty("cwd").GetString());
    }

    [Fact]
    public async Task Default_args_apply_when_the_request_has_none_and_request_args_replace_them()
    {
        var record = Path.Combine(_directory, "argv.json");
        var runner = CreateRunner("gemini", new Dictionary<string, string?> { ["FAKE_AGENT_RECORD_ARGV"] = record }, o => o.DefaultArgs.Add("--from-options"));

        await Collect(runner.StreamAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("gemini") }));
        var withDefaults = await ReadArgv(record);
        await Collect(runner.StreamAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("gemini"), Args = ["--from-request"] }));
        var withRequestArgs = await ReadArgv(record);

        Assert.Equal(["-p", "hi", "-o", "stream-json", "--skip-trust", "--from-options"], withDefaults);
        Assert.Equal(["-p", "hi", "-o", "stream-json", "--skip-trust", "--from-request"], withRequestArgs);
    }

    [Fact]
    public async Task The_child_gets_the_environment_without_secrets_plus_configured_and_request_variables()
    {
        var record = Path.Combine(_directory, "argv.json");
        var runner = CreateRunner("claude", new Dictionary<string, string?> { ["FAKE_AGENT_RECORD_ARGV"] = record, ["FROM_OPTIONS"] = "1" });
        var request = new AgentRequest
        {
            Prompt = "hi",
            Runner = new RunnerSpec("claude"),
            Environment = new Dictionary<string, string?> { ["FROM_REQUEST"] = "2" },
        };

        await Collect(runner.StreamAsync(request));

        using var recorded = JsonDocument.Parse(await File.ReadAllTextAsync(record));
        var environment = recorded.RootElement.GetProperty("environment");
        Assert.Equal("1", environment.GetProperty("FROM_OPTIONS").GetString());
        Assert.Equal("2", environment.GetProperty("FROM_REQUEST").GetString());
        foreach (var variable in environment.EnumerateObject())
        {
            Assert.False(variable.Name.EndsWith("_TOKEN", StringComparison.Ordinal) && !variable.Name.StartsWith("ANTHROPIC_", StringComparison.Ordinal), variable.Name);
            Assert.False(variable.Name.EndsWith("_SECRET", StringComparison.Ordinal), variable.Name);
        }
    }

    [Theory]
    [InlineData("claude", "/nonexistent/bin/claude", "npm install -g @anthropic-ai/claude-code")]
    [InlineData("codex", "conduit-no-such-codex", "npm install -g @openai/codex")]
    [InlineData("gemini", "conduit-no-such-gemini", "npm install -g @google/gemini-cli")]
    [InlineData("cursor", "conduit-no-such-cursor-agent", "curl https://cursor.com/install -fsS | bash")]
    public async Task A_missing_executable_throws_provider_not_installed_with_the_install_hint(string provider, string executable, string hint)
    {
        var runner = CreateRunner(provider, [], o => o.ExecutablePath = executable);

        var exception = await Assert.ThrowsAsync<ProviderNotInstalledException>(
            () => Collect(runner.StreamAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec(provider) })));

        Assert.Equal(provider, exception.Provider);
        Assert.Equal(hint, exception.InstallHint);
        Assert.Contains(executable, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_agent_ends_as_timed_out_by_the_idle_timeout_with_the_reason()
    {
        var environment = Replay("claude-text", 0);
        environment["FAKE_AGENT_HANG"] = "1";
        var runner = CreateRunner("claude", environment);

        var result = await runner.RunAsync(new AgentRequest
        {
            Prompt = "hi",
            Runner = new RunnerSpec("claude"),
            IdleTimeout = TimeSpan.FromMilliseconds(500),
        });

        Assert.Equal(AgentOutcome.TimedOut, result.Outcome);
        Assert.Contains("idle timeout", result.Reason, StringComparison.Ordinal);
        Assert.Equal("hello from fake model", result.Text);
    }

    [Fact]
    public async Task Cancelling_ends_the_stream_with_a_cancelled_completed_event()
    {
        var environment = Replay("codex-text", 0);
        environment["FAKE_AGENT_HANG"] = "1";
        var runner = CreateRunner("codex", environment);
        using var cancellation = new CancellationTokenSource();
        var events = new List<AgentEvent>();

        await foreach (var agentEvent in runner.StreamAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("codex") }, cancellation.Token))
        {
            events.Add(agentEvent);
            if (agentEvent is UsageEvent)
            {
                await cancellation.CancelAsync();
            }
        }

        var completed = Assert.IsType<CompletedEvent>(events[^1]);
        Assert.Equal(AgentOutcome.Cancelled, completed.Outcome);
        Assert.Equal("01a20597-c407-73e3-817e-dd610882dfc4", completed.SessionId);
    }

    [Fact]
    public async Task Claude_retrying_a_401_is_stopped_at_once_as_auth_required()
    {
        var stream = Path.Combine(_directory, "claude-401-start.jsonl");
        await File.WriteAllLinesAsync(stream, Capture.Load("claude-err401").Lines.Take(2));
        var runner = CreateRunner("claude", new Dictionary<string, string?> { ["FAKE_AGENT_REPLAY"] = stream, ["FAKE_AGENT_HANG"] = "1" });

        var result = await runner.RunAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("claude"), IdleTimeout = TimeSpan.FromMinutes(2) });

        Assert.Equal(AgentOutcome.AuthRequired, result.Outcome);
        Assert.Equal("f6a7da6b-720a-4c17-9d78-cbe4e6f07be8", result.SessionId);
        Assert.Contains(result.Events, e => e is WarningEvent);
    }

    [Fact]
    public async Task Every_stderr_line_of_the_cli_reaches_the_request_observer_in_order()
    {
        var stderr = Path.Combine(_directory, "stderr-lines.txt");
        await File.WriteAllTextAsync(stderr, "first warning\nsecond warning\n");
        var environment = Replay("codex-text", 0);
        environment["FAKE_AGENT_STDERR_FILE"] = stderr;
        var runner = CreateRunner("codex", environment);
        var lines = new List<string>();

        var result = await runner.RunAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("codex"), OnStandardErrorLine = lines.Add });

        Assert.Equal(AgentOutcome.Succeeded, result.Outcome);
        Assert.Equal(["first warning", "second warning"], lines);
    }

    [Fact]
    public async Task An_agent_saying_not_logged_in_on_stderr_is_stopped_as_auth_required()
    {
        var stderr = Path.Combine(_directory, "stderr.txt");
        await File.WriteAllTextAsync(stderr, "Not logged in · Please run /login\n");
        var runner = CreateRunner("cursor", new Dictionary<string, string?> { ["FAKE_AGENT_STDERR_FILE"] = stderr, ["FAKE_AGENT_HANG"] = "1" });

        var result = await runner.RunAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("cursor"), IdleTimeout = TimeSpan.FromMinutes(2) });

        Assert.Equal(AgentOutcome.AuthRequired, result.Outcome);
        Assert.Contains("not logged in", result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RunAsync_folds_the_stream_into_the_result()
    {
        var runner = CreateRunner("claude", Replay("claude-tool", 0));

        var result = await runner.RunAsync(new AgentRequest { Prompt = "create hello.txt", Runner = new RunnerSpec("claude") });

        Assert.True(result.IsSuccess);
        Assert.Equal("c58b3558-9051-4976-8c7c-8b4e5a46e863", result.SessionId);
        Assert.Equal("done: wrote hello.txt", result.Text);
        Assert.Equal("2.1.197", result.CliVersion);
        Assert.Equal(200, result.Usage.InputTokens);
        Assert.Equal(0.00135m, result.Usage.CostUsd);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_max_turns_request_to_a_cli_without_a_limit_gives_a_warning_event()
    {
        var runner = CreateRunner("codex", Replay("codex-text", 0));

        var result = await runner.RunAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("codex"), MaxTurns = 4 });

        Assert.Contains(result.Events.OfType<WarningEvent>(), w => w.Message.Contains("MaxTurns=4", StringComparison.Ordinal));
        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task The_dispatching_runner_uses_the_requests_provider()
    {
        using var services = new ServiceCollection()
            .AddConduit(b => b.ConfigureRunner("gemini", o =>
            {
                o.ExecutablePath = FakeAgent.ExecutablePath;
                o.Environment["FAKE_AGENT_REPLAY"] = Capture.PathOf("gemini-text");
            }))
            .Services.BuildServiceProvider();

        var result = await services.GetRequiredService<IAgentRunner>().RunAsync(new AgentRequest { Prompt = "hi", Runner = RunnerSpec.Parse("gemini/gemini-2.5-flash") });

        Assert.Equal("1743f5f6-cb2d-4ecc-b3e9-ed1ef0f7fa62", result.SessionId);
        Assert.Equal("hello from fake model", result.Text);
    }

    [Fact]
    public async Task The_cli_version_comes_from_running_it_with_version_once()
    {
        var counter = Path.Combine(_directory, "version-calls");
        var script = Path.Combine(_directory, "codex");
        await File.WriteAllTextAsync(script, $"""
            #!/bin/sh
            if [ "$1" = "--version" ]; then echo x >> '{counter}'; echo "codex-cli 0.169.0"; exit 0; fi
            exec '{FakeAgent.ExecutablePath}' "$@"
            """.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var runner = CreateRunner("codex", Replay("codex-text", 0), o => o.ExecutablePath = script);

        var first = await runner.RunAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("codex") });
        var second = await runner.RunAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("codex") });

        Assert.Equal("codex-cli 0.169.0", first.CliVersion);
        Assert.Equal("codex-cli 0.169.0", second.CliVersion);
        Assert.Single(await File.ReadAllLinesAsync(counter));
    }

    [Fact]
    public async Task Nothing_of_the_agent_survives_a_cancel()
    {
        var marker = Guid.NewGuid().ToString("N");
        var environment = Replay("gemini-text", 0);
        environment["FAKE_AGENT_HANG"] = "1";
        environment["FAKE_AGENT_SPAWN_GRANDCHILD"] = "both";
        environment["CONDUIT_TEST_MARKER"] = marker;
        var runner = CreateRunner("gemini", environment);
        using var cancellation = new CancellationTokenSource();

        AgentEvent? last = null;
        await foreach (var agentEvent in runner.StreamAsync(new AgentRequest { Prompt = "hi", Runner = new RunnerSpec("gemini") }, cancellation.Token))
        {
            last = agentEvent;
            if (agentEvent is UsageEvent)
            {
                await cancellation.CancelAsync();
            }
        }

        Assert.Equal(AgentOutcome.Cancelled, Assert.IsType<CompletedEvent>(last).Outcome);
        Assert.Empty(ProcFileSystem.FindLiveProcessesWithVariable("CONDUIT_TEST_MARKER", marker));
    }

    [Theory]
    [InlineData("claude-text")]
    [InlineData("codex-text")]
    [InlineData("gemini-text")]
    [InlineData("cursor-text")]
    public async Task The_same_text_reply_runs_to_the_same_event_kinds_and_text_on_every_runner(string name)
    {
        var provider = name.Split('-')[0];
        var runner = CreateRunner(provider, Replay(name, 0));

        var result = await runner.RunAsync(new AgentRequest { Prompt = "say hello", Runner = new RunnerSpec(provider) });

        var kinds = result.Events.Where(e => e is not RawEvent and not WarningEvent).Select(e => e.GetType().Name).ToArray();
        var expected = provider == "cursor"
            ? new[] { "SessionStartedEvent", "TextEvent", "CompletedEvent" }
            : ["SessionStartedEvent", "TextEvent", "UsageEvent", "CompletedEvent"];
        Assert.Equal(expected, kinds);
        Assert.Equal(AgentOutcome.Succeeded, result.Outcome);
        Assert.Equal("hello from fake model", result.Text);
        Assert.NotNull(result.SessionId);
    }

    [Fact]
    public async Task A_working_directory_that_does_not_exist_ends_as_launch_failed()
    {
        var runner = CreateRunner("codex", Replay("codex-text", 0));

        var result = await runner.RunAsync(new AgentRequest
        {
            Prompt = "hi",
            Runner = new RunnerSpec("codex"),
            WorkingDirectory = Path.Combine(_directory, "missing"),
        });

        Assert.Equal(AgentOutcome.LaunchFailed, result.Outcome);
        Assert.Single(result.Errors, e => e.Code == "launch_failed");
    }

    private static Dictionary<string, string?> Replay(string name, int exitCode)
    {
        var environment = new Dictionary<string, string?>
        {
            ["FAKE_AGENT_REPLAY"] = Capture.PathOf(name),
            ["FAKE_AGENT_EXIT_CODE"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var stderr = Path.Combine(Capture.Directory, name + ".stderr");
        if (File.Exists(stderr) && new FileInfo(stderr).Length > 0)
        {
            environment["FAKE_AGENT_STDERR_FILE"] = stderr;
        }

        return environment;
    }

    private static AgentCliRunner CreateRunner(string provider, Dictionary<string, string?> environment, Action<AgentRunnerOptions>? configure = null)
    {
        var services = new ServiceCollection()
            .AddConduit(b => b.ConfigureRunner(provider, o =>
            {
                o.ExecutablePath = FakeAgent.ExecutablePath;
                foreach (var (key, value) in environment)
                {
                    o.Environment[key] = value;
                }

                configure?.Invoke(o);
            }))
            .Services.BuildServiceProvider();
        return (AgentCliRunner)services.GetRequiredKeyedService<IAgentRunner>(provider);
    }

    private static AgentCli CliFor(string provider) => provider switch
    {
        "claude" => new ClaudeCli(),
        "codex" => new CodexCli(),
        "gemini" => new GeminiCli(),
        _ => new CursorCli(),
    };

    private static async Task<List<AgentEvent>> Collect(IAsyncEnumerable<AgentEvent> events)
    {
        var list = new List<AgentEvent>();
        await foreach (var agentEvent in events)
        {
            list.Add(agentEvent);
        }

        return list;
    }

    private static async Task<string[]> ReadArgv(string file)
    {
        using var recorded = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        return recorded.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToArray();
    }

    /// <summary>An event without its timestamps and durations, which differ between a replay and a parse.</summary>
    private static string Normalize(AgentEvent agentEvent) => agentEvent switch
    {
        CompletedEvent c => $"completed {c.Outcome} {c.FinalText} {c.SessionId} {c.LineNumber}",
        SessionStartedEvent s => $"session {s.SessionId} {s.Model} {s.WorkingDirectory} {s.LineNumber}",
        TextEvent t => $"text {t.Text} {t.IsDelta} {t.LineNumber}",
        UsageEvent u => $"usage {u.Usage.InputTokens} {u.Usage.OutputTokens} {u.Usage.CostUsd} {u.LineNumber}",
        ErrorEvent e => $"error {e.Code} {e.IsFatal} {e.LineNumber}",
        _ => $"{agentEvent.GetType().Name} {agentEvent.LineNumber} {agentEvent.RawRepresentation}",
    };
}
