using System.Diagnostics;
using System.Text;
using Conduit.Runners.Processes;
using Conduit.Runners.Tests.Infrastructure;
using Xunit;

namespace Conduit.Runners.Tests.Processes;

// Real processes throughout: the fake agent, cat, env, true. What survives is checked in /proc, through a tag variable
// the test puts into the child's environment, never through the launcher's own bookkeeping.
public sealed class ChildProcessTests : IDisposable
{
    private const string TagVariable = "CONDUIT_TEST_TAG";
    private static readonly TimeSpan ShortGrace = TimeSpan.FromMilliseconds(300);

    private readonly string _directory = Directory.CreateTempSubdirectory("conduit-process-tests-").FullName;
    private readonly string _tag = Guid.NewGuid().ToString("N");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Outputs_are_started_then_the_lines_in_order_then_one_exited()
    {
        var lines = Enumerable.Range(1, 50).Select(i => $"{{\"line\":{i}}}").ToList();
        var replay = WriteFile("replay.jsonl", string.Join('\n', lines) + "\n");

        var outputs = await CollectAsync(FakeAgentOptions(["--replay", replay]));

        var started = Assert.IsType<ChildProcessStarted>(outputs[0]);
        Assert.True(started.ProcessId > 0);
        var stdout = outputs.OfType<StandardOutputLine>().ToList();
        Assert.Equal(lines, stdout.Select(line => line.Text));
        Assert.Equal(Enumerable.Range(1, 50), stdout.Select(line => line.LineNumber));
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Single(outputs.OfType<ChildProcessExited>());
        Assert.Equal(ChildProcessTermination.Exited, exited.Termination);
        Assert.Equal(0, exited.ExitCode);
        Assert.Null(exited.Signal);
        Assert.True(exited.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task The_exit_code_of_the_child_is_reported()
    {
        var outputs = await CollectAsync(FakeAgentOptions(["--exit-code", "3"]));

        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.Exited, exited.Termination);
        Assert.Equal(3, exited.ExitCode);
        Assert.Null(exited.Signal);
    }

    [Fact]
    public async Task Standard_input_is_written_and_then_closed()
    {
        var outputs = await CollectAsync(new ChildProcessOptions
        {
            Executable = "cat",
            StandardInput = "first line\nzweite Zeile ü\n",
            Timeout = TimeSpan.FromSeconds(20),
        });

        Assert.Equal(["first line", "zweite Zeile ü"], outputs.OfType<StandardOutputLine>().Select(line => line.Text));
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.Exited, exited.Termination);
        Assert.Equal(0, exited.ExitCode);
    }

    [Fact]
    public async Task Standard_input_is_closed_at_once_when_there_is_none()
    {
        // cat only ends by itself when stdin is closed (and it is never a terminal).
        var outputs = await CollectAsync(new ChildProcessOptions { Executable = "cat", Timeout = TimeSpan.FromSeconds(20) });

        Assert.Empty(outputs.OfType<StandardOutputLine>());
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.Exited, exited.Termination);
        Assert.Equal(0, exited.ExitCode);
    }

    [Fact]
    public async Task An_executable_not_on_path_throws_a_launch_error_before_any_output()
    {
        var yielded = 0;
        var exception = await Assert.ThrowsAsync<ChildProcessLaunchException>(async () =>
        {
            await foreach (var unused in ChildProcess.RunAsync(new ChildProcessOptions { Executable = "conduit-no-such-agent-cli" }))
            {
                yielded++;
            }
        });

        Assert.Equal(0, yielded);
        Assert.Equal("conduit-no-such-agent-cli", exception.Executable);
        Assert.Contains("conduit-no-such-agent-cli not found", exception.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ConduitException>(exception);
    }

    [Fact]
    public async Task A_missing_or_not_executable_path_throws_a_launch_error()
    {
        var missing = Path.Combine(_directory, "missing-agent");
        var notExecutable = WriteFile("not-executable", "#!/bin/sh\necho hi\n");

        foreach (var path in new[] { missing, notExecutable })
        {
            var exception = await Assert.ThrowsAsync<ChildProcessLaunchException>(
                () => CollectAsync(new ChildProcessOptions { Executable = path }));
            Assert.Equal(path, exception.Executable);
            Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_working_directory_throws_a_launch_error()
    {
        var exception = await Assert.ThrowsAsync<ChildProcessLaunchException>(
            () => CollectAsync(new ChildProcessOptions { Executable = "true", WorkingDirectory = Path.Combine(_directory, "nowhere") }));

        Assert.Contains("working directory", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_total_timeout_kills_the_whole_tree_and_ends_as_timed_out()
    {
        var options = FakeAgentOptions(["--spawn-grandchild", "--hang"], timeout: TimeSpan.FromSeconds(1.5), killGracePeriod: ShortGrace);

        var outputs = await CollectAsync(options);

        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.TimedOut, exited.Termination);
        Assert.Null(exited.ExitCode);
        Assert.Equal("SIGINT", exited.Signal);
        Assert.True(exited.Duration >= TimeSpan.FromSeconds(1.5), $"ended after {exited.Duration}");
        Assert.Contains(outputs.OfType<StandardErrorLine>(), line => line.Text.StartsWith("fake-agent: grandchildren started", StringComparison.Ordinal));
        Assert.Empty(ProcFileSystem.FindLiveProcessesWithVariable(TagVariable, _tag));
    }

    [Fact]
    public async Task The_idle_timeout_ends_a_silent_child_as_idle_timed_out()
    {
        var replay = WriteFile("replay.jsonl", "one\ntwo\n");
        var options = FakeAgentOptions(["--replay", replay, "--hang"], idleTimeout: TimeSpan.FromSeconds(1), timeout: TimeSpan.FromSeconds(30), killGracePeriod: ShortGrace);

        var outputs = await CollectAsync(options);

        Assert.Equal(["one", "two"], outputs.OfType<StandardOutputLine>().Select(line => line.Text));
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.IdleTimedOut, exited.Termination);
        Assert.Null(exited.ExitCode);
        Assert.True(exited.Duration < TimeSpan.FromSeconds(25), $"ended after {exited.Duration}");
    }

    [Fact]
    public async Task Steady_output_keeps_the_idle_timeout_from_firing()
    {
        // 16 lines 150 ms apart: 2.25 s in all, never 1.5 s without output once started.
        var replay = WriteFile("replay.jsonl", string.Join('\n', Enumerable.Range(1, 16)) + "\n");
        var options = FakeAgentOptions(["--replay", replay, "--delay-ms", "150"], idleTimeout: TimeSpan.FromSeconds(1.5));

        var outputs = await CollectAsync(options);

        Assert.Equal(16, outputs.OfType<StandardOutputLine>().Count());
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.Exited, exited.Termination);
        Assert.Equal(0, exited.ExitCode);
    }

    [Fact]
    public async Task Cancel_kills_the_whole_process_tree()
    {
        // The child ignores SIGINT and SIGTERM, and leaves a setsid double-forked escapee plus a stdout-holding grandchild.
        var options = FakeAgentOptions(["--spawn-grandchild", "--ignore-sigint", "--ignore-sigterm", "--hang"], killGracePeriod: ShortGrace);
        using var cancellation = new CancellationTokenSource();
        var outputs = new List<ChildProcessOutput>();
        var treeBeforeCancel = new List<int>();

        await foreach (var output in ChildProcess.RunAsync(options, cancellation.Token))
        {
            outputs.Add(output);
            if (output is StandardErrorLine { Text: var text } && text.StartsWith("fake-agent: grandchildren started", StringComparison.Ordinal))
            {
                treeBeforeCancel = await WaitForTaggedProcessesAsync(atLeast: 3);
                await cancellation.CancelAsync();
            }
        }

        Assert.True(treeBeforeCancel.Count >= 3, $"expected the agent and two grandchildren, saw {treeBeforeCancel.Count}");
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.Cancelled, exited.Termination);
        Assert.Null(exited.ExitCode);
        Assert.Equal("SIGKILL", exited.Signal);
        Assert.Empty(ProcFileSystem.FindLiveProcessesWithVariable(TagVariable, _tag));
    }

    [Fact]
    public async Task Leaving_the_enumeration_early_kills_the_tree()
    {
        var replay = WriteFile("replay.jsonl", "ready\n");
        var options = FakeAgentOptions(["--spawn-grandchild", "--replay", replay, "--hang"], killGracePeriod: ShortGrace);

        await foreach (var output in ChildProcess.RunAsync(options))
        {
            if (output is StandardOutputLine)
            {
                Assert.True((await WaitForTaggedProcessesAsync(atLeast: 3)).Count >= 3);
                break;
            }
        }

        Assert.Empty(ProcFileSystem.FindLiveProcessesWithVariable(TagVariable, _tag));
    }

    [Fact]
    public async Task A_grandchild_holding_stdout_open_does_not_hang_the_run()
    {
        // The grandchild would keep the pipe open for 300 s.
        var replay = WriteFile("replay.jsonl", "done\n");
        var options = FakeAgentOptions(["--spawn-grandchild=stdout", "--replay", replay], drainTimeout: TimeSpan.FromMilliseconds(500), killGracePeriod: ShortGrace);
        var stopwatch = Stopwatch.StartNew();

        var outputs = await CollectAsync(options);

        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"took {stopwatch.Elapsed}");
        Assert.Equal(["done"], outputs.OfType<StandardOutputLine>().Select(line => line.Text));
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.Exited, exited.Termination);
        Assert.Equal(0, exited.ExitCode);
        Assert.Empty(ProcFileSystem.FindLiveProcessesWithVariable(TagVariable, _tag));
    }

    [Fact]
    public async Task Lines_a_grandchild_writes_after_the_child_exited_are_read_within_the_drain()
    {
        var outputs = await CollectAsync(new ChildProcessOptions
        {
            Executable = "sh",
            Arguments = ["-c", "(sleep 0.3; echo late) & echo early"],
            DrainTimeout = TimeSpan.FromSeconds(10),
            Timeout = TimeSpan.FromSeconds(30),
        });

        Assert.Equal(["early", "late"], outputs.OfType<StandardOutputLine>().Select(line => line.Text));
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(ChildProcessTermination.Exited, exited.Termination);
        Assert.Equal(0, exited.ExitCode);
    }

    [Fact]
    public async Task Invalid_utf8_is_replaced_and_the_rest_survives()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("caf\u00e9 ok\r\n"));
        bytes.AddRange([(byte)'a', 0xFF, 0xFE, (byte)'b', (byte)'\n']);
        bytes.AddRange([(byte)'x', 0xE2, 0x82, (byte)'\n']); // a truncated three-byte sequence
        bytes.AddRange(Encoding.UTF8.GetBytes("last line without break"));
        var replay = Path.Combine(_directory, "invalid.txt");
        await File.WriteAllBytesAsync(replay, bytes.ToArray());

        var outputs = await CollectAsync(FakeAgentOptions(["--replay", replay]));

        var lines = outputs.OfType<StandardOutputLine>().Select(line => line.Text).ToList();
        Assert.Equal("caf\u00e9 ok", lines[0]);
        Assert.Equal("a\uFFFD\uFFFDb", lines[1]);
        Assert.Equal("x\uFFFD", lines[2]);
        Assert.Equal("last line without break", lines[3]);
        Assert.Equal(ChildProcessTermination.Exited, Assert.IsType<ChildProcessExited>(outputs[^1]).Termination);
    }

    [Fact]
    public async Task Stderr_comes_as_lines_and_its_tail_keeps_the_last_4_KiB()
    {
        var stderrLines = Enumerable.Range(1, 200).Select(i => $"warning {i:D3}: {new string('w', 40)}").ToList();
        var stderrFile = WriteFile("stderr.txt", string.Join('\n', stderrLines) + "\n");

        var outputs = await CollectAsync(FakeAgentOptions(["--stderr-file", stderrFile, "--exit-code", "1"]));

        Assert.Equal(stderrLines, outputs.OfType<StandardErrorLine>().Select(line => line.Text));
        var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
        Assert.Equal(1, exited.ExitCode);
        Assert.True(exited.StandardErrorTail.Length is > 3000 and <= 4096, $"tail length {exited.StandardErrorTail.Length}");
        Assert.EndsWith(stderrLines[^1], exited.StandardErrorTail, StringComparison.Ordinal);
        Assert.StartsWith("warning ", exited.StandardErrorTail, StringComparison.Ordinal);
        Assert.DoesNotContain(stderrLines[0], exited.StandardErrorTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_child_leads_its_own_process_group_and_session()
    {
        var replay = WriteFile("replay.jsonl", "ready\n");
        var options = FakeAgentOptions(["--replay", replay, "--hang"], killGracePeriod: ShortGrace);
        using var cancellation = new CancellationTokenSource();
        int? processId = null;
        (int ProcessGroupId, int SessionId)? groupAndSession = null;

        await foreach (var output in ChildProcess.RunAsync(options, cancellation.Token))
        {
            if (output is ChildProcessStarted started)
            {
                processId = started.ProcessId;
            }
            else if (output is StandardOutputLine)
            {
                groupAndSession = ProcFileSystem.ReadGroupAndSession(processId!.Value);
                await cancellation.CancelAsync();
            }
        }

        Assert.Equal((processId!.Value, processId.Value), groupAndSession);
    }

    [Fact]
    public async Task The_given_environment_replaces_the_inherited_one()
    {
        var outputs = await CollectAsync(new ChildProcessOptions
        {
            Executable = "/usr/bin/env",
            Environment = new Dictionary<string, string> { ["ONLY_THIS"] = "yes", ["PATH"] = "/usr/bin:/bin" },
        });

        var variables = outputs.OfType<StandardOutputLine>().Select(line => line.Text.Split('=')[0]).Order(StringComparer.Ordinal);
        Assert.Equal(["CONDUIT_PROCESS_TREE_ID", "ONLY_THIS", "PATH"], variables);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_start_starts_nothing()
    {
        var outputs = await CollectAsync(FakeAgentOptions(["--hang"]), new CancellationToken(canceled: true));

        var exited = Assert.IsType<ChildProcessExited>(Assert.Single(outputs));
        Assert.Equal(ChildProcessTermination.Cancelled, exited.Termination);
        Assert.Empty(ProcFileSystem.FindLiveProcessesWithVariable(TagVariable, _tag));
    }

    [Fact]
    public async Task Many_short_runs_leave_no_zombies()
    {
        for (var i = 0; i < 200; i++)
        {
            var outputs = await CollectAsync(new ChildProcessOptions { Executable = "true" });
            Assert.Equal(0, Assert.IsType<ChildProcessExited>(outputs[^1]).ExitCode);
        }

        // Other test classes start processes in parallel: one of theirs may be a zombie for the instant before it is
        // reaped. A zombie left by these runs stays one; give the others a moment to be reaped.
        var zombies = ProcFileSystem.FindZombieChildren(Environment.ProcessId);
        for (var wait = 0; wait < 20 && zombies.Count > 0; wait++)
        {
            await Task.Delay(100);
            zombies = ProcFileSystem.FindZombieChildren(Environment.ProcessId);
        }

        Assert.Empty(zombies);
    }

    private static async Task<List<ChildProcessOutput>> CollectAsync(ChildProcessOptions options, CancellationToken cancellationToken = default)
    {
        var outputs = new List<ChildProcessOutput>();
        await foreach (var output in ChildProcess.RunAsync(options, cancellationToken))
        {
            outputs.Add(output);
        }

        return outputs;
    }

    private ChildProcessOptions FakeAgentOptions(
        IReadOnlyList<string> arguments,
        TimeSpan? timeout = null,
        TimeSpan? idleTimeout = null,
        TimeSpan? killGracePeriod = null,
        TimeSpan? drainTimeout = null)
    {
        var environment = System.Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string)entry.Value!, StringComparer.Ordinal);
        environment[TagVariable] = _tag;
        return new ChildProcessOptions
        {
            Executable = FakeAgent.ExecutablePath,
            Arguments = arguments,
            Environment = environment,
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
            IdleTimeout = idleTimeout,
            KillGracePeriod = killGracePeriod ?? ShortGrace,
            DrainTimeout = drainTimeout ?? TimeSpan.FromSeconds(2),
        };
    }

    private async Task<List<int>> WaitForTaggedProcessesAsync(int atLeast)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var tagged = ProcFileSystem.FindLiveProcessesWithVariable(TagVariable, _tag);
            if (tagged.Count >= atLeast || deadline.Elapsed > TimeSpan.FromSeconds(5))
            {
                return tagged;
            }

            await Task.Delay(20);
        }
    }

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
