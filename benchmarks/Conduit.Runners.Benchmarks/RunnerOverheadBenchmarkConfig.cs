using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Conduit.Runners.Benchmarks;

/// <summary>
/// Each invocation is a whole process run of tens of milliseconds: monitoring strategy, one invocation per iteration,
/// many iterations (<c>CONDUIT_BENCH_ITERATIONS</c>, default 30), the median next to the mean, and the ratio to the
/// hand-started process.
/// </summary>
public sealed class RunnerOverheadBenchmarkConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public RunnerOverheadBenchmarkConfig()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("CONDUIT_BENCH_ITERATIONS"), out var n) && n > 0 ? n : 30;
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("process"));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        AddExporter(JsonExporter.Full);
    }
}
