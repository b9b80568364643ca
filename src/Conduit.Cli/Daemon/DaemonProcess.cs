using System.Diagnostics;
using System.Runtime.InteropServices;
using Conduit.Cli.Hosting;

namespace Conduit.Cli.Daemon;

/// <summary>
/// Starts <c>conduit serve</c> as a detached daemon (its own session through <c>setsid</c>, output appended to a log
/// file, outliving the CLI) and stops it by its real pid: SIGTERM, then SIGKILL after a grace period. The original
/// Conduit killed the <c>npx</c> wrapper and left the server running (its bug 12).
/// </summary>
internal static partial class DaemonProcess
{
    private const int SignalTerminate = 15;
    private const int SignalKill = 9;

    /// <summary>The variables the configuration loader reads; the daemon gets this command's values for them.</summary>
    private static readonly string[] ForwardedVariables = ["HOME", "CONDUIT_HOME", "CONDUIT_STATE_DIR", "CONDUIT_LOG_LEVEL"];

    /// <summary>Launches <c>conduit serve --host H --port P</c> with the executable this process runs; returns its pid.</summary>
    public static int Start(CliEnvironment environment, string host, int port, string logFile)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var (executable, prefix) = CurrentEntryPoint();
        // sh applies the redirections and execs setsid, which (not being a group leader) calls setsid() and execs conduit:
        // one pid throughout, a session of its own, no terminal, no inherited pipes.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = environment.WorkingDirectory };
        foreach (var argument in (string[])["-c", "log=$1; shift; exec setsid \"$@\" >>\"$log\" 2>&1 </dev/null", "conduit-runtime", logFile, executable, .. prefix, "serve", "--host", host, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in ForwardedVariables)
        {
            if (environment.GetEnvironmentVariable(name) is { } value)
            {
                info.Environment[name] = value;
            }
            else
            {
                info.Environment.Remove(name);
            }
        }

        using var process = Process.Start(info) ?? throw new IOException("Could not start /bin/sh to launch the daemon.");
        return process.Id;
    }

    /// <summary>
    /// The command that runs this CLI again: the <c>conduit</c> apphost itself, or the dotnet host and <c>conduit.dll</c>
    /// (when run as <c>dotnet conduit.dll</c>, as a dotnet tool shim target, or in-process by tests).
    /// </summary>
    public static (string Executable, string[] Prefix) CurrentEntryPoint()
    {
        var processPath = Environment.ProcessPath;
        var name = Path.GetFileNameWithoutExtension(processPath);
        if (processPath is not null && name == "conduit")
        {
            return (processPath, []);
        }

        var dotnet = processPath is not null && name == "dotnet"
            ? processPath
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";
        return (dotnet, [typeof(ConduitCli).Assembly.Location]);
    }

    /// <summary>Whether <paramref name="pid"/> is a live (not zombie) process.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="pid"/> is alive and runs <c>conduit serve</c> (so a reused pid is never signalled).</summary>
    public static bool IsConduitServe(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return IsAlive(pid) && arguments.Contains("serve") && arguments.Any(a => a.Contains("conduit", StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL and wait again; true when the process is gone.</summary>
    public static async Task<bool> StopAsync(int pid, TimeSpan grace, CancellationToken cancellationToken)
    {
        _ = Kill(pid, SignalTerminate);
        if (await WaitForExitAsync(pid, grace, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        _ = Kill(pid, SignalKill);
        return await WaitForExitAsync(pid, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (deadline.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
