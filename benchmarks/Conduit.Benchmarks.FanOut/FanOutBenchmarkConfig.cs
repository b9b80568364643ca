using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Conduit.Benchmarks.FanOut;

/// <summary>
/// The configuration for agent benchmarks: in-process (so the columns see what the benchmark recorded), the
/// monitoring strategy (each invocation is a whole agent run of seconds, not a micro-operation), a few iterations,
/// and the tokens, cost, pass rate and first-event columns. Iterations: <c>CONDUIT_BENCH_ITERATIONS</c> (default 5).
/// </summary>
public sealed class FanOutBenchmarkConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public FanOutBenchmarkConfig()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("CONDUIT_BENCH_ITERATIONS"), out var n) && n > 0 ? n : 5;
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("agent"));
        AddColumn([.. TrialMetricColumn.All]);
        AddExporter(JsonExporter.Full);
    }
}
