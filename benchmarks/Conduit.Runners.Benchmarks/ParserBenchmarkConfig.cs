using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Conduit.Runners.Benchmarks;

/// <summary>The parser benchmarks' configuration: a short job, the memory diagnoser and the throughput columns.</summary>
public sealed class ParserBenchmarkConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public ParserBenchmarkConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("parser"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median);
        AddColumn([.. ThroughputColumn.All]);
        AddExporter(JsonExporter.Full);
    }
}
