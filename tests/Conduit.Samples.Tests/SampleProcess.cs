using System.Diagnostics;
using System.Text;

namespace Conduit.Samples.Tests;

/// <summary>Runs a sample as a process (<c>dotnet samples/X/bin/&lt;config&gt;/net10.0/X.dll</c>) with the agent CLIs on PATH.</summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _firstLineMatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("conduit-sample-").FullName;
    private readonly string? _waitFor;

    private SampleProcess(string sample, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string? waitFor)
    {
        _waitFor = waitFor;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll(sample));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = AgentClis.BinDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs the sample to its end; fails the test when it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string sample, IEnumerable<string> arguments, TimeSpan timeout)
    {
        using var process = new SampleProcess(sample, arguments, environment: null, waitFor: null);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process._process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{sample} did not finish within {timeout}. Output so far:\n{process.Output}");
        }

        process._process.WaitForExit(); // drains the redirected output
        return (process._process.ExitCode, process.Output);
    }

    /// <summary>Starts a long-running sample and waits until it prints a line containing <paramref name="waitFor"/>.</summary>
    public static async Task<SampleProcess> StartAsync(string sample, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string waitFor, TimeSpan timeout)
    {
        var process = new SampleProcess(sample, arguments, environment, waitFor);
        try
        {
            await process._firstLineMatch.Task.WaitAsync(timeout);
            return process;
        }
        catch (TimeoutException)
        {
            var output = process.Output;
            process.Dispose();
            Assert.Fail($"{sample} did not print \"{waitFor}\" within {timeout}. Output so far:\n{output}");
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Dll(string sample)
    {
        // This test project and the samples are built with the same configuration: bin/<config>/net10.0.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(AgentClis.RepositoryRoot, "samples", sample, "bin", configuration, "net10.0", sample + ".dll");
        Assert.True(File.Exists(dll), $"{dll} does not exist: build the sample (the test project references it, so building this project builds it).");
        return dll;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (_waitFor is not null && line.Contains(_waitFor, StringComparison.Ordinal))
        {
            _firstLineMatch.TrySetResult(line);
        }
    }
}
