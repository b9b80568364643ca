using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Conduit.Testing.Tests;

/// <summary>The outcome of one real CLI process.</summary>
internal sealed class CliRunResult
{
    public required string CommandLine { get; init; }

    public required int ExitCode { get; init; }

    public required bool TimedOut { get; init; }

    public required string Stdout { get; init; }

    public required string Stderr { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>stdout lines that are JSON objects (stream-json / --json output).</summary>
    public IReadOnlyList<JsonElement> JsonLines => Stdout
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(line => line.StartsWith('{'))
        .Select(line => JsonDocument.Parse(line).RootElement.Clone())
        .ToArray();

    public override string ToString() =>
        $"{CommandLine}\nexit {ExitCode}{(TimedOut ? " (timed out)" : "")} after {Duration.TotalSeconds:F1}s\n--- stdout ---\n{Tail(Stdout)}\n--- stderr ---\n{Tail(Stderr)}";

    private static string Tail(string text) => text.Length <= 6000 ? text : "..." + text[^6000..];
}

/// <summary>Runs a real CLI with stdin closed, its output captured, and a hard timeout that kills the tree.</summary>
internal static class CliProcess
{
    public static async Task<CliRunResult> RunAsync(
        string executable,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {executable}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var timedOut = false;
        using (var cancel = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        stopwatch.Stop();
        return new CliRunResult
        {
            CommandLine = executable + " " + string.Join(' ', arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a)),
            ExitCode = process.ExitCode,
            TimedOut = timedOut,
            Stdout = await stdout,
            Stderr = await stderr,
            Duration = stopwatch.Elapsed,
        };
    }
}
