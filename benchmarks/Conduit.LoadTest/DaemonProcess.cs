using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Conduit.LoadTest;

/// <summary><c>conduit serve</c> as a child process, with a home of its own whose config points Claude at the agent.</summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DaemonProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public static async Task<DaemonProcess> StartAsync(
        string conduit, string root, string conduitHome, string agent, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var home = Path.Combine(root, "home");
        var project = Path.Combine(root, "project");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(conduitHome);
        Directory.CreateDirectory(project);
        var port = FreePort();
        File.WriteAllText(Path.Combine(conduitHome, "config.yaml"), $"""
            conduit:
              defaultRunner: claude
              projects:
                load-test: {"{"} path: "{project}" {"}"}
              runners:
                claude: {"{"} executable: "{agent}" {"}"}
            """);

        // In a session of its own (setsid execs in place: the pid stays the daemon's), as a daemon started from its own
        // terminal or as a service is: with the kernel's autogroup scheduling a session gets one CPU share, so a daemon
        // left in the load test's session would share its share with the load-test client.
        var startInfo = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "env");
        if (conduit.EndsWith(".dll", StringComparison.Ordinal))
        {
            startInfo.ArgumentList.Add("dotnet");
        }

        startInfo.ArgumentList.Add(conduit);
        startInfo.ArgumentList.Add("serve");
        startInfo.ArgumentList.Add("--port");
        startInfo.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.WorkingDirectory = project;
        startInfo.Environment["HOME"] = home;
        startInfo.Environment["CONDUIT_HOME"] = conduitHome;
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Cannot start {conduit}.");
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("Conduit listening on http://", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new DaemonProcess(process, new Uri(line["Conduit listening on ".Length..].Trim() + "/"));
            }
        }

        throw new InvalidOperationException($"conduit serve exited with code {(process.HasExited ? process.ExitCode : -1)} before listening.");
    }

    /// <summary>The peak resident set size (<c>VmHWM</c> from <c>/proc/&lt;pid&gt;/status</c>) in bytes.</summary>
    public long PeakResidentBytes() => ProcStatus.Read(_process.Id, "VmHWM:");

    /// <summary>CPU time (user + system) the daemon has used so far, from <c>/proc/&lt;pid&gt;/stat</c>.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>The resident set size now (<c>VmRSS</c>) in bytes.</summary>
    public long ResidentBytes() => ProcStatus.Read(_process.Id, "VmRSS:");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // conduit serve stops on SIGTERM (Ctrl+C works too); the host's shutdown ends its runs.
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Fields of <c>/proc/&lt;pid&gt;/status</c>.</summary>
internal static class ProcStatus
{
    public static long Read(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kilobytes = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
