using System.Diagnostics;

namespace Conduit.Cli.Tests.Requests;

/// <summary>
/// A private X display (<c>Xvfb :N</c> on a free N) and a real <c>xclip</c> to put text on its clipboard and read it
/// back. Fails with the install script's name when Xvfb or xclip is missing: the clipboard tests never pass silently.
/// </summary>
internal sealed class XvfbDisplay : IDisposable
{
    private readonly Process _server;
    private bool _disposed;

    private XvfbDisplay(Process server, string name)
    {
        _server = server;
        Name = name;
    }

    /// <summary>The DISPLAY value, e.g. <c>:93</c>.</summary>
    public string Name { get; }

    public static async Task<XvfbDisplay> StartAsync()
    {
        var xvfb = FindOnPath("Xvfb");
        var xclip = FindOnPath("xclip");
        if (xvfb is null || xclip is null)
        {
            throw new InvalidOperationException(
                $"The clipboard tests need Xvfb and xclip (missing: {(xvfb is null ? "Xvfb " : "")}{(xclip is null ? "xclip" : "")}). Run scripts/install-test-deps.sh (test.sh does).");
        }

        for (var number = 90 + Random.Shared.Next(0, 400); ; number++)
        {
            if (File.Exists($"/tmp/.X{number}-lock") || File.Exists($"/tmp/.X11-unix/X{number}"))
            {
                continue;
            }

            var start = new ProcessStartInfo(xvfb) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { $":{number}", "-screen", "0", "320x240x24", "-nolisten", "tcp" })
            {
                start.ArgumentList.Add(argument);
            }

            var server = Process.Start(start)!;
            server.OutputDataReceived += (_, _) => { };
            server.ErrorDataReceived += (_, _) => { };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            var socket = $"/tmp/.X11-unix/X{number}";
            for (var waited = 0; waited < 100 && !server.HasExited && !File.Exists(socket); waited++)
            {
                await Task.Delay(100);
            }

            if (!server.HasExited && File.Exists(socket))
            {
                return new XvfbDisplay(server, $":{number}");
            }

            if (!server.HasExited)
            {
                server.Kill();
                throw new InvalidOperationException($"Xvfb :{number} did not create {socket} within 10 s.");
            }

            server.Dispose(); // lost a race for this display number: try the next one
        }
    }

    /// <summary>Puts <paramref name="text"/> on the display's clipboard with xclip.</summary>
    public async Task SetClipboardAsync(string text)
    {
        using var xclip = StartXclip("-in");
        await xclip.StandardInput.WriteAsync(text);
        xclip.StandardInput.Close();
        await xclip.WaitForExitAsync();
        if (xclip.ExitCode != 0)
        {
            throw new InvalidOperationException($"xclip -in failed: {xclip.ExitCode}");
        }
    }

    /// <summary>Reads the display's clipboard with xclip.</summary>
    public async Task<string> GetClipboardAsync()
    {
        using var xclip = StartXclip("-out");
        xclip.StandardInput.Close();
        var text = await xclip.StandardOutput.ReadToEndAsync();
        await xclip.WaitForExitAsync();
        return text;
    }

    /// <summary>Live xclip processes serving this display (the selection owners); they end with the server.</summary>
    public IReadOnlyList<int> XclipProcesses()
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(directory), out var pid)
                    && File.ReadAllText(Path.Combine(directory, "comm")).Trim() == "xclip"
                    && File.ReadAllText(Path.Combine(directory, "environ")).Split('\0').Contains("DISPLAY=" + Name)
                    && !File.ReadAllText(Path.Combine(directory, "stat")).Split(") ")[^1].StartsWith('Z'))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_server.HasExited)
        {
            _server.Kill();
            _server.WaitForExit(5000);
        }

        _server.Dispose();
    }

    private Process StartXclip(string direction)
    {
        var start = new ProcessStartInfo("xclip")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = direction == "-out",
        };
        start.ArgumentList.Add("-selection");
        start.ArgumentList.Add("clipboard");
        start.ArgumentList.Add(direction);
        start.Environment["DISPLAY"] = Name;
        return Process.Start(start)!;
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool))
            .FirstOrDefault(File.Exists);
}
