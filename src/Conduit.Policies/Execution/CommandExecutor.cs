using System.Collections;
using Conduit.Runners.Processes;

namespace Conduit.Policies;

/// <summary>One hook or check to run.</summary>
internal sealed class CommandInvocation
{
    public required PolicyCommand Command { get; init; }

    public required string PolicyDirectory { get; init; }

    public required string WorkingDirectory { get; init; }

    public required IReadOnlyDictionary<string, string> Variables { get; init; }

    public TimeSpan? Timeout { get; init; }

    public required string StdoutPath { get; init; }

    public required string StderrPath { get; init; }

    public required string RunId { get; init; }

    public int? AttemptIndex { get; init; }

    /// <summary>What it is, for logs and events: <c>hook:init</c>, <c>check:unit_tests</c>.</summary>
    public required string Source { get; init; }
}

/// <summary>How a hook or check ended.</summary>
internal sealed class CommandOutcome
{
    public int? ExitCode { get; init; }

    public ChildProcessTermination Termination { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public string Stdout { get; init; } = "";

    public string Stderr { get; init; } = "";

    public string? LaunchError { get; init; }

    public bool Succeeded => Termination == ChildProcessTermination.Exited && ExitCode == 0 && LaunchError is null;

    public bool TimedOut => Termination is ChildProcessTermination.TimedOut or ChildProcessTermination.IdleTimedOut;

    public long DurationMs => (long)(FinishedAt - StartedAt).TotalMilliseconds;
}

/// <summary>
/// Runs hooks and checks: YAML commands through <c>bash -lc</c> (a leading <c>./x</c> or <c>../x</c> resolved against the
/// policy folder, arguments kept), discovered scripts directly; in the workspace, with the <c>CONDUIT_*</c>
/// environment, a timeout, output into log files and the run's event log, and the process recorded for crash recovery.
/// </summary>
internal sealed class CommandExecutor(ProcessLauncher launcher, IRunStore store, RunEventLog eventLog, TimeProvider timeProvider, bool loginShell = true)
{
    private const int TailCharacters = 8000;

    public async Task<CommandOutcome> RunAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(invocation.StdoutPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(invocation.StderrPath)!);
        var options = new ChildProcessOptions
        {
            Executable = Executable(invocation.Command, out var arguments, invocation.PolicyDirectory, loginShell),
            Arguments = arguments,
            WorkingDirectory = invocation.WorkingDirectory,
            Environment = BuildEnvironment(invocation.Variables),
            Timeout = invocation.Timeout,
        };
        var startedAt = timeProvider.GetUtcNow();
        var stdout = new Tail();
        var stderr = new Tail();
        ChildProcessExited? exited = null;
        int? processId = null;
        await using (var stdoutFile = new StreamWriter(invocation.StdoutPath, append: true))
        await using (var stderrFile = new StreamWriter(invocation.StderrPath, append: true))
        {
            try
            {
                await foreach (var output in launcher(options, cancellationToken).ConfigureAwait(false))
                {
                    switch (output)
                    {
                        case ChildProcessStarted started:
                            processId = started.ProcessId;
                            await store.RecordProcessAsync(new RunProcessRecord
                            {
                                RunId = invocation.RunId,
                                ProcessId = started.ProcessId,
                                ProcessGroupId = started.ProcessId,
                                StartTime = ProcessReaper.StartTime(started.ProcessId),
                                Kind = invocation.Source,
                            }, CancellationToken.None).ConfigureAwait(false);
                            break;
                        case StandardOutputLine line:
                            stdout.Add(line.Text);
                            await stdoutFile.WriteLineAsync(line.Text).ConfigureAwait(false);
                            eventLog.Append(invocation.RunId, "log", invocation.AttemptIndex, new { source = invocation.Source, stream = "stdout", text = line.Text });
                            break;
                        case StandardErrorLine line:
                            stderr.Add(line.Text);
                            await stderrFile.WriteLineAsync(line.Text).ConfigureAwait(false);
                            eventLog.Append(invocation.RunId, "log", invocation.AttemptIndex, new { source = invocation.Source, stream = "stderr", text = line.Text });
                            break;
                        case ChildProcessExited end:
                            exited = end;
                            break;
                    }
                }
            }
            catch (ConduitException exception)
            {
                await stderrFile.WriteLineAsync(exception.Message).ConfigureAwait(false);
                return new CommandOutcome
                {
                    StartedAt = startedAt,
                    FinishedAt = timeProvider.GetUtcNow(),
                    LaunchError = exception.Message,
                    Stderr = exception.Message,
                    ExitCode = 127,
                };
            }
            finally
            {
                if (processId is { } pid)
                {
                    await store.RemoveProcessAsync(invocation.RunId, pid, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        return new CommandOutcome
        {
            ExitCode = exited?.ExitCode,
            Termination = exited?.Termination ?? ChildProcessTermination.Exited,
            StartedAt = startedAt,
            FinishedAt = timeProvider.GetUtcNow(),
            Stdout = stdout.ToString(),
            Stderr = stderr.ToString(),
        };
    }

    /// <summary>The argv of a command: <c>bash -lc &lt;cmd&gt;</c>, or the discovered script itself.</summary>
    public static string Executable(PolicyCommand command, out IReadOnlyList<string> arguments, string policyDirectory, bool loginShell = true)
    {
        if (command.ScriptPath is { } script)
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0)
            {
                arguments = [];
                return script;
            }

            arguments = [script];
            return "bash";
        }

        arguments = [loginShell ? "-lc" : "-c", ResolveRelativeCommand(command.Text, policyDirectory)];
        return "bash";
    }

    /// <summary>
    /// A command starting with <c>./</c> or <c>../</c> names a file relative to the policy folder: only that first word
    /// is replaced by its quoted absolute path, so <c>./scripts/complete.sh failure</c> keeps its argument.
    /// </summary>
    public static string ResolveRelativeCommand(string command, string policyDirectory)
    {
        var text = command.TrimStart();
        if (!text.StartsWith("./", StringComparison.Ordinal) && !text.StartsWith("../", StringComparison.Ordinal))
        {
            return command;
        }

        var end = 0;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        var path = Path.GetFullPath(Path.Combine(policyDirectory, text[..end]));
        return Quote(path) + text[end..];
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static Dictionary<string, string> BuildEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value && !key.StartsWith("CONDUIT_", StringComparison.Ordinal))
            {
                environment[key] = value;
            }
        }

        foreach (var (key, value) in variables)
        {
            environment[key] = value;
        }

        return environment;
    }

    private sealed class Tail
    {
        private readonly LinkedList<string> _lines = new();
        private int _length;

        public void Add(string line)
        {
            _lines.AddLast(line);
            _length += line.Length + 1;
            while (_length > TailCharacters && _lines.Count > 1)
            {
                _length -= _lines.First!.Value.Length + 1;
                _lines.RemoveFirst();
            }
        }

        public override string ToString() => string.Join('\n', _lines);
    }
}
