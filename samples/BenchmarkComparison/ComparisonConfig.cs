using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BenchmarkComparison;

/// <summary>
/// An agent run takes seconds, not nanoseconds: in-process (the columns read what the runs recorded), the monitoring
/// strategy (each invocation is one whole run), no warmup, a few iterations.
/// </summary>
internal sealed class ComparisonConfig : ManualConfig
{
    public ComparisonConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(ComparisonSettings.Iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("agent"));
        AddColumn(RunColumn.Tokens, RunColumn.Cost, RunColumn.Outcome);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);

        // The runs are measured in seconds; the Conduit libraries' build configuration does not change them.
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
