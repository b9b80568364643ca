using System.Diagnostics;

namespace Conduit.Packaging.Tests;

/// <summary>
/// Runs scripts/pack.sh once for the test class: every package of the solution packed (without rebuilding) into a
/// temporary folder, and the <c>conduit</c> tool installed from it onto a fresh tool path.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "conduit-pack-" + Guid.NewGuid().ToString("N")[..12]);

    public string PackageFolder => Path.Combine(_root, "packages");

    public string ToolPath => Path.Combine(_root, "tool");

    /// <summary>What the script printed (for failure messages).</summary>
    public string ScriptOutput { get; private set; } = "";

    public int ScriptExitCode { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var script = Path.Combine(BuildInfo.RepositoryRoot, "scripts", "pack.sh");
        var result = await ProcessRunner.RunAsync(
            script,
            ["--no-build", "--configuration", BuildInfo.Configuration, "--output", PackageFolder, "--tool-path", ToolPath],
            BuildInfo.RepositoryRoot,
            TimeSpan.FromMinutes(10));
        ScriptExitCode = result.ExitCode;
        ScriptOutput = result.Output;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the run for.
        }

        return Task.CompletedTask;
    }
}

/// <summary>Runs a process to its end and returns its exit code and combined output.</summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
