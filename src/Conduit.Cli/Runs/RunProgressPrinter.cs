namespace Conduit.Cli.Runs;

/// <summary>
/// The original Conduit's watch progress, derived from successive reads of a run: <c>status: &lt;s&gt;</c>,
/// <c>attempt N: &lt;s&gt;</c> and <c>check N/&lt;name&gt;: passed|failed</c> lines, each change printed once.
/// </summary>
internal sealed class RunProgressPrinter(TextWriter output)
{
    private readonly Dictionary<int, RunStatus> _attempts = [];
    private readonly HashSet<(int Attempt, int Order, string Name)> _checks = [];
    private RunStatus? _status;

    public void Print(RunSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var status = snapshot.Run.Status;
        if (!status.IsTerminal())
        {
            PrintStatus(status);
        }

        foreach (var attempt in (snapshot.Attempts ?? []).OrderBy(a => a.AttemptIndex))
        {
            var known = _attempts.TryGetValue(attempt.AttemptIndex, out var previous);
            if (!known && !attempt.Status.IsTerminal())
            {
                output.WriteLine($"attempt {attempt.AttemptIndex}: {attempt.Status.ToName()}");
                _attempts[attempt.AttemptIndex] = attempt.Status;
            }

            foreach (var check in attempt.CheckResults.OrderBy(c => c.CheckOrder))
            {
                if (_checks.Add((attempt.AttemptIndex, check.CheckOrder, check.Name)))
                {
                    output.WriteLine($"check {check.CheckOrder}/{check.Name}: {(check.Passed ? "passed" : "failed")}");
                }
            }

            if (attempt.Status.IsTerminal() && (!known || previous != attempt.Status))
            {
                output.WriteLine($"attempt {attempt.AttemptIndex}: {attempt.Status.ToName()}");
                _attempts[attempt.AttemptIndex] = attempt.Status;
            }
        }

        if (status.IsTerminal())
        {
            PrintStatus(status);
        }

        output.Flush();
    }

    private void PrintStatus(RunStatus status)
    {
        if (_status != status)
        {
            output.WriteLine($"status: {status.ToName()}");
            _status = status;
        }
    }
}
