// Conduit.LoadTest: the fan-out target of docs/performance.md. Starts `conduit serve` with Claude pointed at a 1-second
// timestamping agent, sends N concurrent POST /chat (SSE) and measures the wall time of the whole fan-out, the daemon's
// peak RSS and the latency from the agent writing a line to the SSE client reading its event. The baseline, in the same
// run: the same N agents started directly with Process and read to the end, no daemon.
//
//   dotnet run -c Release --project benchmarks/Conduit.LoadTest -- [--conduit PATH] [--runs 100] [--agent-ms 1000] [--lines 5] [--rounds 3]
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
try
{
    var agent = TimestampingAgent.Write(root, options.AgentMilliseconds, options.Lines);
    Console.WriteLine($"load test: {options.Runs} concurrent runs of a {options.AgentMilliseconds} ms agent ({options.Lines} lines), {options.Rounds} rounds; conduit: {options.Conduit}");
    Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");

    var direct = new List<double>();
    var daemon = new List<FanOutRound>();
    var cpuPerRun = new List<double>();
    await using (var server = await DaemonProcess.StartAsync(options.Conduit, root, agent, CancellationToken.None))
    {
        Console.WriteLine($"daemon pid {server.ProcessId} at {server.Address}, RSS after start {server.ResidentBytes() / 1048576.0:0.0} MiB");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };

        // Warm-up: one run through the daemon (JIT, first request), not counted.
        _ = await ChatFanOut.RunAsync(client, 1, CancellationToken.None);
        for (var round = 1; round <= options.Rounds; round++)
        {
            var baseline = await DirectFanOut.RunAsync(agent, options.Runs, root, CancellationToken.None);
            direct.Add(baseline);
            var cpuBefore = server.CpuTime();
            var result = await ChatFanOut.RunAsync(client, options.Runs, CancellationToken.None);
            var cpu = (server.CpuTime() - cpuBefore).TotalMilliseconds;
            cpuPerRun.Add(cpu / options.Runs);
            daemon.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: direct {baseline:0} ms, daemon {result.WallMilliseconds:0} ms (ratio {result.WallMilliseconds / baseline:0.00}), line->SSE p50 {result.Latency(0.50):0.00} ms p99 {result.Latency(0.99):0.00} ms max {result.Latency(1):0.00} ms, {result.Failures} failed, daemon CPU {cpuPerRun[^1]:0.0} ms per run"));
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
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Failed runs | {daemon.Sum(r => r.Failures)} | 0 |"));
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

return 0;

static double Median(IEnumerable<double> values) => Percentile(values.Order().ToArray(), 0.5);

static double Percentile(double[] sorted, double fraction) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

/// <summary>The baseline: the agents started directly, each read to its end.</summary>
internal static class DirectFanOut
{
    public static async Task<double> RunAsync(string agent, int runs, string workingDirectory, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, runs).Select(async _ =>
        {
            using var process = Process.Start(new ProcessStartInfo(agent) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory })!;
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
