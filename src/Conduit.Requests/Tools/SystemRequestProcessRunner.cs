using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Conduit.Requests;

/// <summary>
/// The default <see cref="IRequestProcessRunner"/>: <see cref="Process"/> with an argument list, standard input
/// closed, an allow-listed environment, capped output, and <c>Kill(entireProcessTree: true)</c> on timeout or
/// cancellation. On Linux the program gets its own process group (through <c>setsid</c>) and the group is killed
/// when the program ends, so background jobs do not outlive the request. Conduit.Runners has a stronger launcher
/// (graceful escalation, session escapees); Requests does not depend on it, and a host may plug it in through
/// <see cref="IRequestProcessRunner"/>.
/// </summary>
internal sealed partial class SystemRequestProcessRunner : IRequestProcessRunner
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const int SigKill = 9;
    private static readonly string[] AllowedVariables = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "TERM", "SHELL", "SystemRoot", "ComSpec", "PATHEXT", "USERPROFILE"];
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    public async Task<RequestProcessResult> RunAsync(RequestProcessStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        // On Linux the program starts in its own process group (setsid execs in place: same pid, pgid = pid), so
        // that background jobs it leaves behind are killed with the group when it ends.
        var ownGroup = OperatingSystem.IsLinux() && File.Exists(SetsidPath);
        var info = new ProcessStartInfo(ownGroup ? SetsidPath : start.FileName)
        {
            WorkingDirectory = start.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (ownGroup)
        {
            info.ArgumentList.Add(start.FileName);
        }

        foreach (var argument in start.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var name in AllowedVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                info.Environment[name] = value;
            }
        }

        foreach (var pair in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>())
        {
            if (pair.Key is string key && key.StartsWith("LC_", StringComparison.Ordinal) && pair.Value is string v)
            {
                info.Environment[key] = v;
            }
        }

        info.Environment["GIT_TERMINAL_PROMPT"] = "0";

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new RequestProcessResult { LaunchError = $"Could not start {start.FileName}: {ex.Message}" };
        }

        process.StandardInput.Close();
        var stdout = new CappedReader(process.StandardOutput, start.MaxOutputChars);
        var stderr = new CappedReader(process.StandardError, start.MaxOutputChars);
        var reading = Task.WhenAll(stdout.ReadAsync(), stderr.ReadAsync());

        using var timeout = new CancellationTokenSource(start.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var timedOut = false;
        var cancelled = false;
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = timeout.IsCancellationRequested;
            cancelled = !timedOut;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            try
            {
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(DrainTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Reported as timed out or cancelled below; the kill was sent.
            }
        }

        if (ownGroup)
        {
            // Nothing the request started may outlive it: kill what is left of its process group.
            _ = KillProcessGroup(-process.Id, SigKill);
        }

        // A grandchild holding the pipes open must not hang us: drain for a bounded time only.
        await Task.WhenAny(reading, Task.Delay(DrainTimeout, CancellationToken.None)).ConfigureAwait(false);
        return new RequestProcessResult
        {
            ExitCode = timedOut || cancelled ? null : process.ExitCode,
            StandardOutput = stdout.Text,
            StandardError = stderr.Text,
            StandardOutputChars = stdout.Total,
            StandardErrorChars = stderr.Total,
            TimedOut = timedOut,
            Cancelled = cancelled,
        };
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillProcessGroup(int pid, int signal);

    private sealed class CappedReader(StreamReader reader, int cap)
    {
        private readonly StringBuilder _text = new();
        private long _total;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public long Total => Interlocked.Read(ref _total);

        public async Task ReadAsync()
        {
            var buffer = new char[8192];
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                Interlocked.Add(ref _total, read);
                lock (_text)
                {
                    var room = cap - _text.Length;
                    if (room > 0)
                    {
                        _text.Append(buffer, 0, Math.Min(room, read));
                    }
                }
            }
        }
    }
}
