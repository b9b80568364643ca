using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Conduit;

namespace BenchmarkComparison;

/// <summary>A summary column computed from the agent results each benchmark method recorded.</summary>
internal sealed class RunColumn(string name, string legend, Func<IReadOnlyList<AgentResult>, string> value) : IColumn
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<AgentResult>> Results = new(StringComparer.OrdinalIgnoreCase);

    public static RunColumn Tokens { get; } = new("Tokens", "Median input + output tokens per run", results =>
        Median(results.Select(r => (double)r.Usage.TotalTokens)).ToString("0", CultureInfo.InvariantCulture));

    public static RunColumn Cost { get; } = new("Cost", "Median cost per run in US dollars (~ estimated from the price table)", results =>
        results.Any(r => r.Usage.CostUsd is null)
            ? "-"
            : (results.Any(r => r.Usage.IsCostEstimated) ? "~$" : "$") + Median(results.Select(r => (double)r.Usage.CostUsd!.Value)).ToString("0.000000", CultureInfo.InvariantCulture));

    public static RunColumn Outcome { get; } = new("Outcome", "How the runs ended", results =>
        string.Join(",", results.GroupBy(r => r.Outcome).Select(g => $"{g.Count()}x {g.Key}")));

    public string Id => "Conduit" + ColumnName;

    public string ColumnName { get; } = name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend { get; } = legend;

    public static void Record(string provider, AgentResult result) => Results.GetOrAdd(provider, _ => new()).Enqueue(result);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        Results.TryGetValue(benchmarkCase.Descriptor.WorkloadMethod.Name, out var results) && !results.IsEmpty ? value([.. results]) : "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
