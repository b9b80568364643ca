using System.Globalization;
using Conduit.Cli.Chat;
using Conduit.FanOut;

namespace Conduit.Cli.FanOut;

/// <summary>
/// Shows the trials while they run. On a terminal the table is redrawn in place (ANSI cursor movement); otherwise
/// each update is one line, so logs and pipes stay readable.
/// </summary>
internal sealed class FanOutProgressTable(TextWriter writer, bool redraw, TimeProvider timeProvider, IReadOnlyList<FanOutTrial> trials) : IProgress<TrialUpdate>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Row> _rows = trials.ToDictionary(t => t.TrialId, t => new Row(t), StringComparer.Ordinal);
    private int _drawnLines;

    public void Report(TrialUpdate value)
    {
        lock (_lock)
        {
            var row = _rows[value.Trial.TrialId];
            switch (value.Kind)
            {
                case TrialUpdateKind.Started:
                    row.StartedAt = value.Timestamp;
                    row.Status = "running";
                    break;
                case TrialUpdateKind.FirstEvent:
                    row.Status = "streaming";
                    break;
                case TrialUpdateKind.Finished:
                    row.Result = value.Result;
                    row.Status = value.Result is { } result ? (result.Passed ? "passed" : result.Outcome == AgentOutcome.Cancelled ? "cancelled" : "failed") : "finished";
                    break;
            }

            if (redraw)
            {
                Draw();
            }
            else
            {
                writer.WriteLine(Line(value));
                writer.Flush();
            }
        }
    }

    /// <summary>Redraws the table so elapsed times move (terminal only).</summary>
    public void Tick()
    {
        if (!redraw)
        {
            return;
        }

        lock (_lock)
        {
            Draw();
        }
    }

    private void Draw()
    {
        if (_drawnLines > 0)
        {
            writer.Write($"\u001b[{_drawnLines}A");
        }

        var now = timeProvider.GetUtcNow();
        var lines = new StringWriter();
        FanOutTables.WriteAligned(
            lines,
            ["trial", "runner", "#", "status", "elapsed", "tokens", "cost"],
            _rows.Values.Select(r => new[]
            {
                r.Trial.TrialId,
                r.Trial.RunnerName,
                r.Trial.Repetition.ToString(CultureInfo.InvariantCulture),
                r.Status,
                r.Result is { } result ? FanOutTables.Seconds(result.WallTime) : r.StartedAt is { } started ? FanOutTables.Seconds(now - started) : "-",
                r.Result?.Usage.TotalTokens.ToString(CultureInfo.InvariantCulture) ?? "-",
                r.Result is { } done ? FanOutTables.Cost(done.Usage) : "-",
            }));
        var text = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in text)
        {
            writer.Write("\u001b[2K");
            writer.WriteLine(line);
        }

        _drawnLines = text.Length;
        writer.Flush();
    }

    private static string Line(TrialUpdate update)
    {
        var trial = update.Trial;
        var head = $"[fanout] {trial.TrialId} {trial.RunnerName} #{trial.Repetition.ToString(CultureInfo.InvariantCulture)}";
        return update.Kind switch
        {
            TrialUpdateKind.Started => $"{head} started",
            TrialUpdateKind.FirstEvent => $"{head} first event",
            _ when update.Result is { } result =>
                $"{head} {result.Outcome.ToName()} passed={(result.Passed ? "yes" : "no")} wall={FanOutTables.Seconds(result.WallTime)} tokens={result.Usage.TotalTokens.ToString(CultureInfo.InvariantCulture)} cost={FanOutTables.Cost(result.Usage)}",
            _ => $"{head} finished",
        };
    }

    private sealed class Row(FanOutTrial trial)
    {
        public FanOutTrial Trial { get; } = trial;

        public string Status { get; set; } = "queued";

        public DateTimeOffset? StartedAt { get; set; }

        public TrialResult? Result { get; set; }
    }
}
