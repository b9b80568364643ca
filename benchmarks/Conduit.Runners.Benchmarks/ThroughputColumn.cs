using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Conduit.Runners.Benchmarks;

/// <summary>
/// Columns computed from a case's mean time and allocations and the size of the stream it parsed:
/// <c>MB/s</c> (10^6 bytes of stdout per second), <c>Events</c> per operation and <c>Alloc/event</c>.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    private static readonly ConcurrentDictionary<string, (long Bytes, int Events)> Streams = new(StringComparer.Ordinal);
    private readonly Func<BenchmarkReport, (long Bytes, int Events), string> _value;

    private ThroughputColumn(string id, string name, string legend, Func<BenchmarkReport, (long Bytes, int Events), string> value)
    {
        Id = id;
        ColumnName = name;
        Legend = legend;
        _value = value;
    }

    /// <summary>Megabytes (10^6 bytes) of stdout parsed per second, from the mean.</summary>
    public static ThroughputColumn MegabytesPerSecond { get; } = new("ConduitMBps", "MB/s", "10^6 bytes of captured stdout parsed per second (from the mean)", (report, stream) =>
        report.ResultStatistics is { } statistics
            ? (stream.Bytes / (statistics.Mean / 1e9) / 1e6).ToString("0", CultureInfo.InvariantCulture)
            : "-");

    /// <summary>Events the parser yields for the stream.</summary>
    public static ThroughputColumn Events { get; } = new("ConduitEvents", "Events", "Events yielded per operation (the whole stream)", (_, stream) =>
        stream.Events.ToString(CultureInfo.InvariantCulture));

    /// <summary>Bytes allocated per event yielded.</summary>
    public static ThroughputColumn AllocatedPerEvent { get; } = new("ConduitAllocPerEvent", "Alloc/event", "Bytes allocated per event yielded", (report, stream) =>
        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } bytes && stream.Events > 0
            ? (bytes / (double)stream.Events).ToString("0", CultureInfo.InvariantCulture) + " B"
            : "-");

    /// <summary>Every column.</summary>
    public static IReadOnlyList<IColumn> All { get; } = [MegabytesPerSecond, Events, AllocatedPerEvent];

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string ColumnName { get; }

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend { get; }

    /// <summary>Records the size of a provider's stream (called from the benchmark's setup, in this process).</summary>
    public static void Record(string provider, long bytes, int events) => Streams[provider] = (bytes, events);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var provider = benchmarkCase.Parameters["Provider"]?.ToString() ?? "";
        if (!Streams.TryGetValue(provider, out var stream))
        {
            // The summary is built in this process, but setup may not have run here (out-of-process toolchains).
            var captured = CapturedStream.Load(provider);
            stream = (captured.Bytes.Length, new ParserBenchmarks { Provider = provider }.CountEventsForColumn());
            Streams[provider] = stream;
        }

        var report = summary[benchmarkCase];
        return report is null ? "-" : _value(report, stream);
    }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public override string ToString() => ColumnName;
}
