using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Conduit.Runners.Processes;

namespace Conduit.Policies;

/// <summary>
/// A small stand-in for <c>Conduit.Runners.Processes.ChildProcess.RunAsync</c> until the shared launcher lands:
/// the child runs in its own session (via <c>setsid</c>), and timeout or cancellation kills its whole process group.
/// </summary>
internal static partial class InterimChildProcess
{
    private const int SIGTERM = 15;
    private const int SIGKILL = 9;

    public static async IAsyncEnumerable<ChildProcessOutput> RunAsync(ChildProcessOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var executable = Resolve(options.Executable, options.Environment)
            ?? throw new ConduitException($"Executable \"{options.Executable}\" not found.");
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        info.ArgumentList.Add(executable);
        foreach (var argument in options.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (options.Environment is not null)
        {
            info.Environment.Clear();
            foreach (var (key, value) in options.Environment)
            {
                info.Environment[key] = value;
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new ConduitException($"Could not start \"{options.Executable}\".");
        var lines = Channel.CreateUnbounded<ChildProcessOutput>();
        var tail = new Queue<string>();
        var stdoutTask = Pump(process.StandardOutput, isError: false);
        var stderrTask = Pump(process.StandardError, isError: true);
        if (options.StandardInput is not null)
        {
            await process.StandardInput.WriteAsync(options.StandardInput).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        yield return new ChildProcessStarted { ProcessId = process.Id };

        using var timeout = options.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        var termination = ChildProcessTermination.Exited;
        var exitTask = process.WaitForExitAsync(CancellationToken.None);
        var killed = false;
        using (cancellationToken.Register(() => lines.Writer.TryWrite(new ChildProcessStarted { ProcessId = -1 })))
        using (timeout.Token.Register(() => lines.Writer.TryWrite(new ChildProcessStarted { ProcessId = -2 })))
        {
            _ = Task.WhenAll(stdoutTask, stderrTask).ContinueWith(_ => lines.Writer.TryComplete(), TaskScheduler.Default);
            await foreach (var output in lines.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (output is ChildProcessStarted { ProcessId: < 0 } marker)
                {
                    if (!killed && !process.HasExited)
                    {
                        termination = marker.ProcessId == -1 ? ChildProcessTermination.Cancelled : ChildProcessTermination.TimedOut;
                        killed = true;
                        await KillGroupAsync(process, options.KillGracePeriod).ConfigureAwait(false);
                    }

                    continue;
                }

                yield return output;
            }
        }

        await exitTask.ConfigureAwait(false);
        KillGroup(process.Id, SIGKILL);
        string tailText;
        lock (tail)
        {
            tailText = string.Join('\n', tail);
        }

        yield return new ChildProcessExited
        {
            Termination = termination,
            ExitCode = termination == ChildProcessTermination.Exited ? process.ExitCode : null,
            Signal = termination == ChildProcessTermination.Exited ? null : "SIGKILL",
            Duration = stopwatch.Elapsed,
            StandardErrorTail = tailText,
        };

        async Task Pump(StreamReader reader, bool isError)
        {
            var number = 0;
            while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                number++;
                if (isError)
                {
                    lock (tail)
                    {
                        tail.Enqueue(line);
                        if (tail.Count > 40)
                        {
                            tail.Dequeue();
                        }
                    }

                    lines.Writer.TryWrite(new StandardErrorLine { Text = line, LineNumber = number });
                }
                else
                {
                    lines.Writer.TryWrite(new StandardOutputLine { Text = line, LineNumber = number });
                }
            }
        }
    }

    private static async Task KillGroupAsync(Process process, TimeSpan grace)
    {
        KillGroup(process.Id, SIGTERM);
        using var waited = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(waited.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        KillGroup(process.Id, SIGKILL);
    }

    /// <summary>Sends <paramref name="signal"/> to the process group <paramref name="processGroupId"/>.</summary>
    public static void KillGroup(int processGroupId, int signal = SIGKILL)
    {
        if (processGroupId > 1 && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            _ = Kill(-processGroupId, signal);
        }
    }

    /// <summary>Sends SIGKILL to one process.</summary>
    public static void KillProcess(int processId)
    {
        if (processId > 1)
        {
            _ = Kill(processId, SIGKILL);
        }
    }

    private static string? Resolve(string executable, IReadOnlyDictionary<string, string>? environment)
    {
        if (executable.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(executable) ? executable : null;
        }

        var path = environment is not null && environment.TryGetValue("PATH", out var p) ? p : Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
