// Conduit.LoadTest: the fan-out target of docs/performance.md. Starts `conduit serve` with Claude pointed at a 1-second
// timestamping agent, sends N concurrent POST /chat (SSE) and measures the wall time of the whole fan-out, the daemon's
// peak RSS and the latency from the agent writing a line to the SSE client reading its event. The baseline, in the same
// run: the same N agents started directly with Process and read to the end, no daemon.
//
//   dotnet run -c Release --project benchmarks/Conduit.LoadTest -- [--conduit PATH] [--runs 100] [--agent-ms 1000] [--lines 5] [--rounds 3] [--warm-up 3] [--agent-sleep read|fork] [--direct-start setsid|plain] [--daemon-env NAME=VALUE]... [--state-root DIR]
//   dotnet run -c Release --project benchmarks/Conduit.LoadTest -- fake-model-env FILE   (the fake model API for benchmarks/run.sh)
using System.Diagnostics;
using System.Globalization;
using Conduit.LoadTest;

if (args is ["fake-model-env", var environmentFile])
{
    return await FakeModelEnvironmentFile.RunAsync(environmentFile, CancellationToken.None);
}

var options = LoadTestOptions.Parse(args);
var root = Directory.CreateTempSubdirectory("conduit-load-").FullName;
var conduitHome = options.StateRoot is null ? Path.Combine(root, "conduit-home") : Path.Combine(options.StateRoot, $"conduit-load-home-{Guid.NewGuid():N}");
try
{
    var agent = TimestampingAgent.Write(root, options.AgentMilliseconds, options.Lines, options.ForkSleep);
    Console.WriteLine($"load test: {options.Runs} concurrent runs of a {options.AgentMilliseconds} ms agent ({options.Lines} lines, waiting with {(options.ForkSleep ? "/usr/bin/sleep" : "read -t")}), {options.Rounds} rounds after {options.WarmUpRounds} warm-up fan-outs; direct baseline {(options.DirectThroughSetsid ? "through setsid" : "plain")}; CONDUIT_HOME {conduitHome}; conduit: {options.Conduit}");
    Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");

    var direct = new List<double>();
    var daemon = new List<FanOutRound>();
    var cpuPerRun = new List<double>();
    var startingDaemon = Stopwatch.GetTimestamp();
    await using (var server = await DaemonProcess.StartAsync(options.Conduit, root, conduitHome, agent, options.DaemonEnvironment, CancellationToken.None))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"daemon pid {server.ProcessId} at {server.Address}, listening after {Stopwatch.GetElapsedTime(startingDaemon).TotalMilliseconds:0} ms, RSS after start {server.ResidentBytes() / 1048576.0:0.0} MiB, CPU {server.CpuTime().TotalMilliseconds:0} ms"));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };

        // Warm-up, not counted: one run (first request), then whole fan-outs. A daemon is long-lived: the first
        // fan-outs after its start run mostly tier-0 code while the tiered JIT recompiles the hot paths on another
        // thread (a quarter of the daemon's CPU in the first three); they are printed, so the cold figure stays visible.
        _ = await ChatFanOut.RunAsync(client, 1, CancellationToken.None);
        for (var warmUp = 1; warmUp <= options.WarmUpRounds; warmUp++)
        {
            var cpuBefore = server.CpuTime();
            var result = await ChatFanOut.RunAsync(client, options.Runs, CancellationToken.None);
            var cpu = (server.CpuTime() - cpuBefore).TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warm-up {warmUp}: daemon {result.WallMilliseconds:0} ms, line->SSE p50 {result.Latency(0.50):0.00} ms p99 {result.Latency(0.99):0.00} ms, {result.Failures} failed, daemon CPU {cpu / options.Runs:0.0} ms per run"));
        }

        for (var round = 1; round <= options.Rounds; round++)
        {
            var baseline = await DirectFanOut.RunAsync(agent, options.Runs, root, options.DirectThroughSetsid, CancellationToken.None);
            direct.Add(baseline);
            var cpuBefore = server.CpuTime();
            var result = await ChatFanOut.RunAsync(client, options.Runs, CancellationToken.None);
            var cpu = (server.CpuTime() - cpuBefore).TotalMilliseconds;
            cpuPerRun.Add(cpu / options.Runs);
            daemon.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: direct {baseline:0} ms, daemon {result.WallMilliseconds:0} ms (ratio {result.WallMilliseconds / baseline:0.00}), line->SSE p50 {result.Latency(0.50):0.00} ms p99 {result.Latency(0.99):0.00} ms max {result.Latency(1):0.00} ms (p99 by line {result.P99ByLine()} ms), {result.Failures} failed, daemon CPU {cpuPerRun[^1]:0.0} ms per run, client CPU {result.ClientCpuMilliseconds / options.Runs:0.0} ms per run, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        }

        var peak = server.PeakResidentBytes();
        var best = daemon.MinBy(r => r.WallMilliseconds)!;
        var allLatencies = daemon.SelectMany(r => r.LatenciesMilliseconds).Order().ToArray();
        Console.WriteLine();
        Console.WriteLine("| Measure | Value | Target |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Fan-out wall, {options.Runs} runs through the daemon (median of {options.Rounds}) | {Median(daemon.Select(r => r.WallMilliseconds)):0} ms | <= {options.AgentMilliseconds + 300} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Fan-out wall, best round | {best.WallMilliseconds:0} ms | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Baseline: the same {options.Runs} agents started directly (median) | {Median(direct):0} ms | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Ratio daemon / direct (medians) | {Median(daemon.Select(r => r.WallMilliseconds)) / Median(direct):0.00}x | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Daemon peak RSS (VmHWM) | {peak / 1048576.0:0.0} MiB | <= 150 MB |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Line -> SSE latency p50 / p99 / max ({allLatencies.Length} lines) | {Percentile(allLatencies, 0.5):0.00} / {Percentile(allLatencies, 0.99):0.00} / {Percentile(allLatencies, 1):0.00} ms | p99 <= 5 ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Daemon CPU time per run (user + system, median) | {Median(cpuPerRun):0.0} ms | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Load-test client CPU time per run (median; shares the cores, not Conduit's) | {Median(daemon.Select(r => r.ClientCpuMilliseconds / options.Runs)):0.0} ms | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Failed runs | {daemon.Sum(r => r.Failures)} | 0 |"));
    }
}
finally
{
    Directory.Delete(root, recursive: true);
    if (options.StateRoot is not null)
    {
        Directory.Delete(conduitHome, recursive: true);
    }
}

return 0;

static double Median(IEnumerable<double> values) => Percentile(values.Order().ToArray(), 0.5);

static double Percentile(double[] sorted, double fraction) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

/// <summary>
/// The baseline: the agents started directly, each read to its end. Through <c>/usr/bin/setsid</c> by default, as the
/// daemon starts them: with the kernel's autogroup scheduling a new session gets a CPU share of its own, so agents
/// started in the load test's session would compete with each other for one share and make the baseline look slow.
/// </summary>
internal static class DirectFanOut
{
    public static async Task<double> RunAsync(string agent, int runs, string workingDirectory, bool throughSetsid, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, runs).Select(async _ =>
        {
            var startInfo = throughSetsid && File.Exists("/usr/bin/setsid")
                ? new ProcessStartInfo("/usr/bin/setsid") { ArgumentList = { agent } }
                : new ProcessStartInfo(agent);
            startInfo.RedirectStandardInput = true;
            startInfo.RedirectStandardOutput = true;
            startInfo.RedirectStandardError = true;
            startInfo.WorkingDirectory = workingDirectory;
            using var process = Process.Start(startInfo)!;
            process.StandardInput.Close();
            var standardError = process.StandardError.ReadToEndAsync(cancellationToken);
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is not null)
            {
            }

            await standardError;
            await process.WaitForExitAsync(cancellationToken);
        }));
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
