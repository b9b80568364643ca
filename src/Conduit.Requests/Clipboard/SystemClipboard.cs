using System.Diagnostics;
using System.Text;

namespace Conduit.Requests;

/// <summary>
/// The clipboard through the platform's own tool: <c>wl-paste</c>/<c>wl-copy</c> (Wayland), <c>xclip</c> or
/// <c>xsel</c> (X11), <c>pbpaste</c>/<c>pbcopy</c> (macOS), <c>powershell Get-Clipboard</c>/<c>clip.exe</c>
/// (Windows, WSL). <see cref="Detect"/> picks the first one present.
/// </summary>
public sealed class SystemClipboard : IClipboard
{
    /// <summary>How long one call of the tool may take.</summary>
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] PassedVariables = ["DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "XDG_RUNTIME_DIR"];

    private readonly string _readTool;
    private readonly string[] _readArguments;
    private readonly string _writeTool;
    private readonly string[] _writeArguments;
    private readonly Dictionary<string, string> _environment;

    private SystemClipboard(string name, (string Tool, string[] Arguments) read, (string Tool, string[] Arguments) write, Dictionary<string, string> environment)
    {
        Name = name;
        (_readTool, _readArguments) = read;
        (_writeTool, _writeArguments) = write;
        _environment = environment;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>
    /// Finds the clipboard tool for this platform on <c>PATH</c>. On Linux, Wayland tools need <c>WAYLAND_DISPLAY</c>
    /// and X11 tools need <c>DISPLAY</c>; those variables (and <c>XAUTHORITY</c>) are passed to the tool.
    /// </summary>
    /// <param name="getEnvironmentVariable">Environment lookup (<c>PATH</c>, <c>DISPLAY</c>, …); the process's own by default.</param>
    /// <exception cref="ClipboardException">No usable tool; the message names every tool looked for.</exception>
    public static SystemClipboard Detect(Func<string, string?>? getEnvironmentVariable = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var path = env("PATH") ?? string.Empty;
        var environment = PassedVariables.Select(name => (name, value: env(name))).Where(p => !string.IsNullOrEmpty(p.value)).ToDictionary(p => p.name, p => p.value!);
        string? Find(string tool) => FindOnPath(tool, path);

        if (OperatingSystem.IsWindows())
        {
            if (Find("powershell.exe") is { } powershell && Find("clip.exe") is { } clip)
            {
                return new SystemClipboard("powershell/clip.exe", (powershell, ["-NoProfile", "-Command", "Get-Clipboard -Raw"]), (clip, []), environment);
            }
        }
        else if (OperatingSystem.IsMacOS())
        {
            if (Find("pbpaste") is { } pbpaste && Find("pbcopy") is { } pbcopy)
            {
                return new SystemClipboard("pbpaste/pbcopy", (pbpaste, []), (pbcopy, []), environment);
            }
        }
        else
        {
            if (environment.ContainsKey("WAYLAND_DISPLAY") && Find("wl-paste") is { } wlPaste && Find("wl-copy") is { } wlCopy)
            {
                return new SystemClipboard("wl-paste/wl-copy", (wlPaste, ["--no-newline"]), (wlCopy, []), environment);
            }

            if (environment.ContainsKey("DISPLAY"))
            {
                if (Find("xclip") is { } xclip)
                {
                    return new SystemClipboard("xclip", (xclip, ["-selection", "clipboard", "-out"]), (xclip, ["-selection", "clipboard", "-in"]), environment);
                }

                if (Find("xsel") is { } xsel)
                {
                    return new SystemClipboard("xsel", (xsel, ["--clipboard", "--output"]), (xsel, ["--clipboard", "--input"]), environment);
                }
            }

            // WSL: the Windows tools are on PATH.
            if (Find("powershell.exe") is { } powershell && Find("clip.exe") is { } clip)
            {
                return new SystemClipboard("powershell.exe/clip.exe", (powershell, ["-NoProfile", "-Command", "Get-Clipboard -Raw"]), (clip, []), environment);
            }
        }

        var display = OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD()
            ? $" (WAYLAND_DISPLAY is {(environment.ContainsKey("WAYLAND_DISPLAY") ? "set" : "not set")}, DISPLAY is {(environment.ContainsKey("DISPLAY") ? "set" : "not set")})"
            : string.Empty;
        throw new ClipboardException(
            "No clipboard tool found. Looked on PATH for wl-paste/wl-copy (Wayland, needs WAYLAND_DISPLAY), xclip or xsel (X11, needs DISPLAY), "
            + $"pbpaste/pbcopy (macOS) and powershell Get-Clipboard/clip.exe (Windows, WSL){display}. "
            + "Install one (Debian: apt-get install xclip) or give the request as a file.");
    }

    /// <inheritdoc/>
    public async Task<string> ReadAsync(CancellationToken cancellationToken = default)
    {
        using var process = Start(_readTool, _readArguments, redirectInput: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ToolTimeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var text = await output.ConfigureAwait(false);
            var problem = await error.ConfigureAwait(false);
            if (process.ExitCode == 0)
            {
                return text;
            }

            // xclip, xsel and wl-paste fail on an empty clipboard ("target STRING not available", "No selection"):
            // that reads as empty. A missing display is a real error.
            if (problem.Contains("display", StringComparison.OrdinalIgnoreCase) && !problem.Contains("selection", StringComparison.OrdinalIgnoreCase))
            {
                throw new ClipboardException($"{Path.GetFileName(_readTool)} failed (exit {process.ExitCode}): {problem.Trim()}");
            }

            return string.Empty;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            throw new ClipboardException($"{Path.GetFileName(_readTool)} did not answer within {ToolTimeout.TotalSeconds:0} s.");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task WriteAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var process = Start(_writeTool, _writeArguments, redirectInput: true);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ToolTimeout);
        try
        {
            await process.StandardInput.WriteAsync(text.AsMemory(), timeout.Token).ConfigureAwait(false);
            process.StandardInput.Close();

            // xclip, xsel and wl-copy fork a child that keeps serving the selection (and holds the output pipes), so
            // wait for the tool itself, and read its error output only when it failed (then nothing was forked).
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var problem = await process.StandardError.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
                throw new ClipboardException($"{Path.GetFileName(_writeTool)} failed (exit {process.ExitCode}): {problem.Trim()}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            throw new ClipboardException($"{Path.GetFileName(_writeTool)} did not answer within {ToolTimeout.TotalSeconds:0} s.");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    private Process Start(string tool, string[] arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (redirectInput)
        {
            start.StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        try
        {
            return Process.Start(start) ?? throw new ClipboardException($"{tool} could not be started.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new ClipboardException($"{tool} could not be started: {exception.Message}", exception);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string? FindOnPath(string tool, string path)
    {
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
