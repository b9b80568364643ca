using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Conduit.FanOut;

namespace Conduit.Benchmarks.FanOut;

/// <summary>
/// A summary column computed from the trials a benchmark recorded in <see cref="TrialMetrics"/> for the case's
/// runner parameter (by default the parameter named <c>Runner</c>).
/// </summary>
public sealed class TrialMetricColumn : IColumn
{
    private readonly Func<IReadOnlyList<TrialResult>, string> _value;
    private readonly string _parameter;

    private TrialMetricColumn(string id, string name, string legend, Func<IReadOnlyList<TrialResult>, string> value, string parameter = "Runner")
    {
        Id = id;
        ColumnName = name;
        Legend = legend;
        _value = value;
        _parameter = parameter;
    }

    /// <summary>Median input plus output tokens per trial.</summary>
    public static TrialMetricColumn Tokens { get; } = new("ConduitTokens", "Tokens", "Median input + output tokens per trial", trials =>
        trials.Count == 0 ? "-" : Median(trials.Select(t => (double)t.Usage.TotalTokens)).ToString("0", CultureInfo.InvariantCulture));

    /// <summary>Median cost per trial in US dollars (<c>~</c> marks estimated costs).</summary>
    public static TrialMetricColumn Cost { get; } = new("ConduitCost", "Cost", "Median cost per trial in US dollars, ~ = estimated from tokens", trials =>
    {
        var costs = trials.Where(t => t.Usage.CostUsd is not null).Select(t => (double)t.Usage.CostUsd!.Value).ToArray();
        return costs.Length == 0 ? "-" : "$" + Median(costs).ToString("0.000000", CultureInfo.InvariantCulture) + (trials.Any(t => t.Usage.IsCostEstimated) ? "~" : "");
    });

    /// <summary>Share of trials that passed (the verifier, else the agent's outcome).</summary>
    public static TrialMetricColumn PassRate { get; } = new("ConduitPassRate", "Pass rate", "Share of trials that passed the verifier", trials =>
        trials.Count == 0 ? "-" : ((double)trials.Count(t => t.Passed) / trials.Count).ToString("0%", CultureInfo.InvariantCulture));

    /// <summary>Median time to the agent's first event.</summary>
    public static TrialMetricColumn TimeToFirstEvent { get; } = new("ConduitFirstEvent", "First event", "Median time from start to the agent's first event", trials =>
    {
        var times = trials.Where(t => t.TimeToFirstEvent is not null).Select(t => t.TimeToFirstEvent!.Value.TotalMilliseconds).ToArray();
        return times.Length == 0 ? "-" : Median(times).ToString("0", CultureInfo.InvariantCulture) + " ms";
    });

    /// <summary>Every column of this integration.</summary>
    public static IReadOnlyList<IColumn> All { get; } = [Tokens, Cost, PassRate, TimeToFirstEvent];

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
    public bool IsNumeric => false;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend { get; }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => _value(TrialMetrics.For(RunnerOf(benchmarkCase)));

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public override string ToString() => ColumnName;

    private string RunnerOf(BenchmarkCase benchmarkCase) => benchmarkCase.Parameters[_parameter]?.ToString() ?? "";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
