using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Conduit.Runners.Processes;

/// <summary>
/// One started child: pumps stdout and stderr into a channel, and supervises exit, timeouts, cancellation, the drain
/// and the kill of its tree. The channel always ends with one <see cref="ChildProcessExited"/>.
/// </summary>
internal sealed class ChildProcessRun : IAsyncDisposable
{
    private const int StandardErrorTailLength = 4096;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly Lazy<string?> SetsidPath = new(FindSetsid);

    private readonly ChildProcessOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Process _process;
    private readonly ProcessTree _tree;
    private readonly long _startTimestamp;
    private readonly Channel<ChildProcessOutput> _outputs =
        Channel.CreateUnbounded<ChildProcessOutput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly StringBuilder _standardErrorTail = new();
    private readonly TaskCompletionSource<ChildProcessTermination> _stopRequested =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _standardOutputPump;
    private readonly Task _standardErrorPump;
    private readonly ITimer? _totalTimer;
    private readonly ITimer? _idleTimer;
    private readonly CancellationTokenRegistration _cancellationRegistration;
    private readonly Task _supervisor;
    private long _lastOutputTimestamp;
    private int _standardOutputLines;
    private int _standardErrorLines;
    private volatile bool _stopReading;
    private bool _finished;

    private ChildProcessRun(ChildProcessOptions options, Process process, string marker, bool inOwnGroup, CancellationToken cancellationToken)
    {
        _options = options;
        _timeProvider = options.TimeProvider;
        _process = process;
        _startTimestamp = _lastOutputTimestamp = _timeProvider.GetTimestamp();
        _tree = new ProcessTree(marker, process.Id, inOwnGroup, () => HasExited(process), () => KillEntireTree(process), _timeProvider);

        _outputs.Writer.TryWrite(new ChildProcessStarted { ProcessId = process.Id });
        _standardOutputPump = StartPump(process.StandardOutput.BaseStream, isStandardError: false);
        _standardErrorPump = StartPump(process.StandardError.BaseStream, isStandardError: true);
        StartStandardInput();

        if (options.Timeout is { } timeout)
        {
            _totalTimer = _timeProvider.CreateTimer(
                static state => ((ChildProcessRun)state!).RequestStop(ChildProcessTermination.TimedOut), this, timeout, Timeout.InfiniteTimeSpan);
        }

        if (options.IdleTimeout is { } idleTimeout)
        {
            _idleTimer = _timeProvider.CreateTimer(
                static state => ((ChildProcessRun)state!).CheckIdle(), this, idleTimeout, Timeout.InfiniteTimeSpan);
        }

        _cancellationRegistration = cancellationToken.UnsafeRegister(
            static state => ((ChildProcessRun)state!).RequestStop(ChildProcessTermination.Cancelled), this);
        _supervisor = SuperviseAsync();
    }

    /// <summary>Starts the child; <see langword="null"/> when <paramref name="cancellationToken"/> is already cancelled.</summary>
    /// <exception cref="ChildProcessLaunchException">The executable or working directory is missing, or the start failed.</exception>
    public static ChildProcessRun? Start(ChildProcessOptions options, CancellationToken cancellationToken)
    {
        var workingDirectory = Path.GetFullPath(options.WorkingDirectory ?? Directory.GetCurrentDirectory());
        if (!Directory.Exists(workingDirectory))
        {
            throw new ChildProcessLaunchException(
                options.Executable, $"Cannot start {options.Executable}: the working directory \"{workingDirectory}\" does not exist.");
        }

        var pathVariable = options.Environment?.GetValueOrDefault("PATH") ?? Environment.GetEnvironmentVariable("PATH");
        var executablePath = ExecutableResolver.Resolve(options.Executable, pathVariable, workingDirectory);
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        var marker = Guid.NewGuid().ToString("N");
        var startInfo = CreateStartInfo(options, executablePath, workingDirectory, marker, out var inOwnGroup);
        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            process.Dispose();
            throw new ChildProcessLaunchException(
                options.Executable, $"Cannot start {options.Executable} (\"{executablePath}\"): {exception.Message}", exception);
        }

        return new ChildProcessRun(options, process, marker, inOwnGroup, cancellationToken);
    }

    /// <summary>The outputs, ending with one <see cref="ChildProcessExited"/>; completes without throwing on cancellation.</summary>
    public IAsyncEnumerable<ChildProcessOutput> ReadOutputsAsync() => _outputs.Reader.ReadAllAsync(CancellationToken.None);

    /// <summary>Stops the tree if the run is still going (the caller left early) and waits until it is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        RequestStop(ChildProcessTermination.Cancelled);
        await _supervisor.ConfigureAwait(false);
        _process.Dispose();
    }

    private static ProcessStartInfo CreateStartInfo(
        ChildProcessOptions options, string executablePath, string workingDirectory, string marker, out bool inOwnGroup)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8NoBom,
            WorkingDirectory = workingDirectory,
        };

        // setsid(1) from util-linux execs the program in place (same pid) as the leader of a new session and process
        // group: no controlling terminal, and the group can be signalled as one. It only forks when the caller already
        // leads a group, which a freshly started child never does, so pid == pgid == sid.
        inOwnGroup = SetsidPath.Value is not null;
        if (SetsidPath.Value is { } setsid)
        {
            startInfo.FileName = setsid;
            startInfo.ArgumentList.Add(executablePath);
        }
        else
        {
            startInfo.FileName = executablePath;
        }

        foreach (var argument in options.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (options.Environment is not null)
        {
            startInfo.Environment.Clear();
            foreach (var (name, value) in options.Environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        // A run started from inside another run keeps the outer marker too, so the outer kill still finds it.
        startInfo.Environment.TryGetValue(ProcessTree.MarkerVariable, out var outerMarker);
        startInfo.Environment[ProcessTree.MarkerVariable] = string.IsNullOrEmpty(outerMarker) ? marker : $"{outerMarker}:{marker}";
        return startInfo;
    }

    private static string? FindSetsid()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var candidate in new[] { "/usr/bin/setsid", "/bin/setsid" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        try
        {
            return ExecutableResolver.Resolve("setsid", Environment.GetEnvironmentVariable("PATH"), "/");
        }
        catch (ChildProcessLaunchException)
        {
            return null;
        }
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static void KillEntireTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private async Task SuperviseAsync()
    {
        try
        {
            var exited = _process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAny(exited, _stopRequested.Task).ConfigureAwait(false);
            if (exited.IsCompleted)
            {
                var exitCode = _process.ExitCode;

                // Descendants may still hold stdout/stderr open: read on for at most DrainTimeout (a stop request
                // cuts that short), then stop reading and kill whatever of the tree is still alive, so the run
                // ends with its whole tree.
                await DrainAsync(_stopRequested.Task).ConfigureAwait(false);
                _stopReading = true;
                await _tree.KillAsync(_options.KillGracePeriod).ConfigureAwait(false);
                Finish(ChildProcessTermination.Exited, exitCode, signal: null);
                return;
            }

            var reason = await _stopRequested.Task.ConfigureAwait(false);
            var signal = await _tree.KillAsync(_options.KillGracePeriod).ConfigureAwait(false);
            if (!exited.IsCompleted)
            {
                await Task.WhenAny(exited, Task.Delay(_options.KillGracePeriod, _timeProvider)).ConfigureAwait(false);
            }

            await DrainAsync(stopEarly: null).ConfigureAwait(false);
            _stopReading = true;
            if (signal is null && exited.IsCompleted)
            {
                // It exited by itself just as the stop came, before any signal.
                Finish(ChildProcessTermination.Exited, _process.ExitCode, signal: null);
            }
            else
            {
                Finish(reason, exitCode: null, NativeMethods.SignalName(signal ?? NativeMethods.SIGKILL));
            }
        }
#pragma warning disable CA1031 // The channel must always complete: an unexpected failure surfaces to the reader.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _stopReading = true;
            lock (_gate)
            {
                _finished = true;
                _outputs.Writer.TryComplete(exception);
            }

            StopTimers();
        }
    }

    private async Task DrainAsync(Task? stopEarly)
    {
        var pumps = Task.WhenAll(_standardOutputPump, _standardErrorPump);
        if (pumps.IsCompleted)
        {
            return;
        }

        using var drainEnded = new CancellationTokenSource();
        var drainTimeout = Task.Delay(_options.DrainTimeout, _timeProvider, drainEnded.Token);
        await (stopEarly is null ? Task.WhenAny(pumps, drainTimeout) : Task.WhenAny(pumps, drainTimeout, stopEarly)).ConfigureAwait(false);
        await drainEnded.CancelAsync().ConfigureAwait(false);
    }

    private void Finish(ChildProcessTermination termination, int? exitCode, string? signal)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            _outputs.Writer.TryWrite(new ChildProcessExited
            {
                Termination = termination,
                ExitCode = exitCode,
                Signal = signal,
                Duration = _timeProvider.GetElapsedTime(_startTimestamp),
                StandardErrorTail = _standardErrorTail.ToString().TrimEnd('\n'),
            });
            _outputs.Writer.TryComplete();
        }

        StopTimers();
    }

    private void StopTimers()
    {
        _totalTimer?.Dispose();
        _idleTimer?.Dispose();
        _cancellationRegistration.Dispose();
    }

    private void RequestStop(ChildProcessTermination reason) => _stopRequested.TrySetResult(reason);

    private void CheckIdle()
    {
        var idleTimeout = _options.IdleTimeout!.Value;
        var quiet = _timeProvider.GetElapsedTime(Volatile.Read(ref _lastOutputTimestamp));
        if (quiet >= idleTimeout)
        {
            RequestStop(ChildProcessTermination.IdleTimedOut);
            return;
        }

        try
        {
            _idleTimer?.Change(idleTimeout - quiet, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The run finished meanwhile.
        }
    }

    private void StartStandardInput()
    {
        var writer = _process.StandardInput;
        if (_options.StandardInput is null)
        {
            CloseQuietly(writer);
            return;
        }

        // A child that does not read stdin could block a large write: write on a thread of its own.
        var bytes = Utf8NoBom.GetBytes(_options.StandardInput);
        _ = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    writer.BaseStream.Write(bytes);
                }
                catch (Exception exception) when (exception is IOException or ObjectDisposedException)
                {
                    // The child exited or closed stdin without reading everything.
                }
                finally
                {
                    CloseQuietly(writer);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private static void CloseQuietly(StreamWriter writer)
    {
        try
        {
            writer.Dispose();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The child is already gone.
        }
    }

    // Each pump reads its pipe asynchronously: on Linux the pipes of Process are socket-backed and driven by the
    // runtime's epoll thread, so a fan-out of a hundred runs holds no thread per pipe. A read cannot be cancelled; a
    // pump that is stopped while a read is pending ends when the last writer of the pipe is killed (the tree kill), and
    // what it reads then is dropped.
    private Task StartPump(Stream stream, bool isStandardError) => PumpAsync(stream, isStandardError);

    private async Task PumpAsync(Stream stream, bool isStandardError)
    {
        // Never run the loop on the constructor's thread: the first read completes asynchronously or on the pool.
        await Task.Yield();
        var splitter = new Utf8LineSplitter(isStandardError ? OnStandardErrorLine : OnStandardOutputLine);
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while (!_stopReading && (read = await stream.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                Volatile.Write(ref _lastOutputTimestamp, _timeProvider.GetTimestamp());
                splitter.Append(buffer.AsSpan(0, read));
            }

            splitter.Complete();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The pipe broke or was closed by Dispose: nothing more to read.
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnStandardOutputLine(string text)
    {
        lock (_gate)
        {
            if (!_finished)
            {
                _outputs.Writer.TryWrite(new StandardOutputLine { Text = text, LineNumber = ++_standardOutputLines });
            }
        }
    }

    private void OnStandardErrorLine(string text)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _outputs.Writer.TryWrite(new StandardErrorLine { Text = text, LineNumber = ++_standardErrorLines });
            _standardErrorTail.Append(text).Append('\n');
            var excess = _standardErrorTail.Length - StandardErrorTailLength;
            if (excess > 0)
            {
                // Keep whole lines where possible; a single longer line keeps its end.
                var cut = _standardErrorTail.ToString(excess, _standardErrorTail.Length - excess).IndexOf('\n', StringComparison.Ordinal);
                var remove = cut >= 0 && cut < _standardErrorTail.Length - excess - 1 ? excess + cut + 1 : excess;
                _standardErrorTail.Remove(0, remove);
            }
        }
    }
}
