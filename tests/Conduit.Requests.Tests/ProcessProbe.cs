using System.Diagnostics;

namespace Conduit.Requests.Tests;

[CollectionDefinition("processes", DisableParallelization = true)]
public sealed class ProcessCollection;

/// <summary>Counts processes from /proc, not from Conduit's own bookkeeping.</summary>
internal static class ProcessProbe
{
    /// <summary>Children of this test process (ppid = our pid).</summary>
    public static int CountChildren()
    {
        var me = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] == me)
                {
                    count++;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return count;
    }

    /// <summary>Processes anywhere whose command line contains <paramref name="marker"/>.</summary>
    public static int CountWithMarker(string marker)
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return count;
    }

    public static void Git(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)} failed: {error}");
    }
}

/// <summary>A process runner that counts launches and delegates to the real one.</summary>
internal sealed class CountingProcessRunner : IRequestProcessRunner
{
    private readonly SystemRequestProcessRunner _inner = new();
    private int _launches;

    public int Launches => Volatile.Read(ref _launches);

    public Task<RequestProcessResult> RunAsync(RequestProcessStart start, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _launches);
        return _inner.RunAsync(start, cancellationToken);
    }
}
