using System.Globalization;
using System.Text;
using Conduit.Cli.Chat;
using Conduit.FanOut;

namespace Conduit.Cli.FanOut;

/// <summary>The comparison tables of a fan-out, as aligned text or as GitHub Markdown.</summary>
internal static class FanOutTables
{
    private static readonly string[] TrialHeader = ["trial", "runner", "task", "#", "outcome", "pass", "wall", "first", "tokens", "cost", "att", "checks", "diff", "answer"];
    private static readonly string[] RunnerHeader = ["runner", "trials", "passed", "pass rate", "median wall", "median first", "median tokens", "median cost", "total cost"];

    public static void WriteText(TextWriter writer, FanOutResult result)
    {
        var multipleTasks = result.Tasks.Count > 1;
        WriteAligned(writer, Header(multipleTasks), result.Trials.Select(t => TrialRow(t, multipleTasks, 40)));
        writer.WriteLine();
        WriteAligned(writer, RunnerHeader, result.Runners.Select(RunnerRow));
        WriteConsensus(writer, result, markdown: false);
    }

    public static void WriteMarkdown(TextWriter writer, FanOutResult result)
    {
        var multipleTasks = result.Tasks.Count > 1;
        writer.WriteLine("## Trials");
        writer.WriteLine();
        WriteMarkdownTable(writer, Header(multipleTasks), result.Trials.Select(t => TrialRow(t, multipleTasks, 80)));
        writer.WriteLine();
        writer.WriteLine("## Runners");
        writer.WriteLine();
        WriteMarkdownTable(writer, RunnerHeader, result.Runners.Select(RunnerRow));
        WriteConsensus(writer, result, markdown: true);
    }

    public static string Seconds(TimeSpan? duration) =>
        duration is { } value ? value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "-";

    public static string Cost(AgentUsage usage) => usage.CostUsd is { } cost
        ? "$" + cost.ToString("0.0000", CultureInfo.InvariantCulture) + (usage.IsCostEstimated ? "~" : "")
        : "-";

    public static void WriteAligned(TextWriter writer, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header.ToArray()).ToArray();
        var widths = Enumerable.Range(0, header.Count).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            writer.WriteLine(line.ToString().TrimEnd());
        }
    }

    private static string[] Header(bool multipleTasks) => multipleTasks ? TrialHeader : TrialHeader.Where(h => h != "task").ToArray();

    private static string[] TrialRow(TrialResult trial, bool multipleTasks, int answerLength)
    {
        var row = new List<string>
        {
            trial.Trial.TrialId,
            trial.Trial.RunnerName,
        };
        if (multipleTasks)
        {
            row.Add(trial.Trial.TaskName);
        }

        row.AddRange(
        [
            trial.Trial.Repetition.ToString(CultureInfo.InvariantCulture),
            trial.Outcome.ToName(),
            trial.Passed ? "yes" : "no",
            Seconds(trial.WallTime),
            Seconds(trial.TimeToFirstEvent),
            trial.Usage.TotalTokens.ToString(CultureInfo.InvariantCulture),
            Cost(trial.Usage),
            trial.Attempts.ToString(CultureInfo.InvariantCulture),
            trial.ChecksTotal > 0 ? $"{trial.ChecksPassed}/{trial.ChecksTotal}" : "-",
            trial.DiffSize is { } diff ? string.Create(CultureInfo.InvariantCulture, $"+{diff.LinesAdded}/-{diff.LinesRemoved}") : "-",
            OneLine(trial.FinalText ?? trial.Reason ?? "", answerLength),
        ]);
        return row.ToArray();
    }

    private static string[] RunnerRow(RunnerSummary summary) =>
    [
        summary.RunnerName,
        summary.Trials.ToString(CultureInfo.InvariantCulture),
        summary.Passed.ToString(CultureInfo.InvariantCulture),
        summary.PassRate.ToString("0%", CultureInfo.InvariantCulture),
        Seconds(summary.MedianWallTime),
        Seconds(summary.MedianTimeToFirstEvent),
        summary.MedianTokens.ToString(CultureInfo.InvariantCulture),
        summary.MedianCostUsd is { } median ? "$" + median.ToString("0.0000", CultureInfo.InvariantCulture) : "-",
        summary.TotalCostUsd is { } total ? "$" + total.ToString("0.0000", CultureInfo.InvariantCulture) : "-",
    ];

    private static void WriteConsensus(TextWriter writer, FanOutResult result, bool markdown)
    {
        foreach (var task in result.Tasks.Where(t => t.Consensus is not null))
        {
            var decision = task.Consensus!;
            var prefix = result.Tasks.Count > 1 ? $"[{task.Task.DisplayName}] " : "";
            writer.WriteLine();
            var winner = decision.HasWinner ? $"{decision.WinnerTrialId} ({decision.WinnerRunner})" : "none";
            writer.WriteLine(markdown
                ? $"**{prefix}Winner ({decision.Strategy}): {winner}**. {decision.Reason}"
                : $"{prefix}Winner ({decision.Strategy}): {winner}. {decision.Reason}");
        }
    }

    private static void WriteMarkdownTable(TextWriter writer, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        writer.WriteLine("| " + string.Join(" | ", header) + " |");
        writer.WriteLine("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var row in rows)
        {
            writer.WriteLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
    }

    private static string OneLine(string text, int length) => FanOutTaskText.Shorten(text, length);
}

/// <summary>Shortens text to one line.</summary>
internal static class FanOutTaskText
{
    public static string Shorten(string text, int length)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= length ? oneLine : string.Concat(oneLine.AsSpan(0, length - 1), "…");
    }
}
