using System.Diagnostics;
using System.Text;
using Conduit.Runners.Processes;
using Conduit.Runners.Tests.Infrastructure;
using Xunit;

namespace Conduit.Runners.Tests.Processes;

// The /proc pass that concurrent runs share (SharedProcScan): each caller must still get exactly its own marked
// processes, and every run's escaped grandchild must still be found and killed when many runs end together.
public sealed class SharedProcScanTests : IDisposable
{
    private const string TagVariable = "CONDUIT_TEST_TAG";

    private readonly List<Process> _started = [];

    public void Dispose()
    {
        foreach (var process in _started)
        {
            try
            {
                process.Kill();
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_callers_each_get_the_processes_carrying_their_own_marker()
    {
        var markers = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var pids = markers.Select(marker => StartSleeper(marker).Id).ToArray();

        // All callers at once, from pool threads, so that most of them wait for and share a pass.
        using var go = new ManualResetEventSlim();
        var scans = markers.Select(marker => Task.Run(async () =>
        {
            go.Wait();
            return await SharedProcScan.ScanAsync(Encoding.ASCII.GetBytes(marker), minimumStartTime: 0);
        })).ToArray();
        go.Set();
        var snapshots = await Task.WhenAll(scans);

        for (var i = 0; i < markers.Length; i++)
        {
            Assert.Equal([pids[i]], snapshots[i].Marked.Order());
            Assert.Contains(snapshots[i].Processes, process => process.ProcessId == pids[i]);
        }
    }

    [Fact]
    public async Task A_process_started_after_an_earlier_pass_is_seen_by_the_next_call()
    {
        var marker = Guid.NewGuid().ToString("N");
        var markerBytes = Encoding.ASCII.GetBytes(marker);
        Assert.Empty((await SharedProcScan.ScanAsync(markerBytes, minimumStartTime: 0)).Marked);

        var pid = StartSleeper(marker).Id;

        Assert.Equal([pid], (await SharedProcScan.ScanAsync(markerBytes, minimumStartTime: 0)).Marked);
    }

    [Fact]
    public async Task Many_runs_ending_together_each_have_their_escaped_grandchild_killed()
    {
        // Each run's agent leaves a setsid double-forked grandchild (out of its group, session and parent-pid tree:
        // only the marker finds it) and exits at once; the runs end together, so their end-of-run scans share passes.
        var tags = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var runs = tags.Select(tag => Task.Run(async () =>
        {
            var outputs = new List<ChildProcessOutput>();
            await foreach (var output in ChildProcess.RunAsync(FakeAgentOptions(tag)))
            {
                outputs.Add(output);
            }

            return outputs;
        })).ToArray();

        var results = await Task.WhenAll(runs);

        foreach (var outputs in results)
        {
            Assert.True(
                outputs.OfType<StandardErrorLine>().Any(line => line.Text.StartsWith("fake-agent: grandchildren started", StringComparison.Ordinal)),
                "the agent did not report its grandchild");
            var exited = Assert.IsType<ChildProcessExited>(outputs[^1]);
            Assert.Equal(ChildProcessTermination.Exited, exited.Termination);
        }

        foreach (var tag in tags)
        {
            Assert.Empty(ProcFileSystem.FindLiveProcessesWithVariable(TagVariable, tag));
        }
    }

    private Process StartSleeper(string marker)
    {
        var startInfo = new ProcessStartInfo("sleep") { ArgumentList = { "60" } };
        startInfo.Environment[ProcessTree.MarkerVariable] = marker;
        var process = Process.Start(startInfo)!;
        _started.Add(process);
        return process;
    }

    private static ChildProcessOptions FakeAgentOptions(string tag)
    {
        var environment = Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string)entry.Value!, StringComparer.Ordinal);
        environment[TagVariable] = tag;
        return new ChildProcessOptions
        {
            Executable = FakeAgent.ExecutablePath,
            Arguments = ["--spawn-grandchild=escaped"],
            Environment = environment,
            Timeout = TimeSpan.FromSeconds(60),
            KillGracePeriod = TimeSpan.FromMilliseconds(300),
        };
    }
}
