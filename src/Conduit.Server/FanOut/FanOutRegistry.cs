using System.Text.Json.Serialization;
using Conduit.FanOut;

namespace Conduit.Server.FanOut;

/// <summary>The daemon's running and recent fan-outs (the last 25), for <c>GET /fanouts</c> and the /status dashboard.</summary>
internal sealed class FanOutRegistry(TimeProvider timeProvider)
{
    private const int Kept = 25;
    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _entries = new();

    public Entry Start(FanOutRequest request)
    {
        var entry = new Entry(this, "fanout_" + Guid.NewGuid().ToString("N")[..12], request, timeProvider.GetUtcNow());
        lock (_lock)
        {
            _entries.AddFirst(entry);
            while (_entries.Count > Kept && _entries.Last is { } oldest && oldest.Value.Row.Status != "running")
            {
                _entries.RemoveLast();
            }
        }

        return entry;
    }

    public IReadOnlyList<FanOutRow> Snapshot()
    {
        lock (_lock)
        {
            return _entries.Select(e => e.Row).ToArray();
        }
    }

    /// <summary>One fan-out; receives its trials' progress.</summary>
    internal sealed class Entry : IProgress<TrialUpdate>
    {
        private readonly FanOutRegistry _owner;

        public Entry(FanOutRegistry owner, string id, FanOutRequest request, DateTimeOffset startedAt)
        {
            _owner = owner;
            Row = new FanOutRow
            {
                FanOutId = id,
                Task = request.Tasks[0].DisplayName,
                Runners = request.Runners.Select(r => r.DisplayName).ToArray(),
                Trials = request.TrialCount,
                Status = "running",
                StartedAt = startedAt,
            };
        }

        public FanOutRow Row { get; private set; }

        public void Report(TrialUpdate value)
        {
            if (value.Kind != TrialUpdateKind.Finished)
            {
                return;
            }

            lock (_owner._lock)
            {
                Row = Row.With(finished: Row.Finished + 1, passed: Row.Passed + (value.Result?.Passed == true ? 1 : 0));
            }
        }

        public void Finish(FanOutResult result)
        {
            lock (_owner._lock)
            {
                Row = Row.With(status: "finished", finishedAt: result.FinishedAt, winner: result.Consensus is { HasWinner: true } c ? $"{c.WinnerTrialId} ({c.WinnerRunner})" : null);
            }
        }

        public void Fail(string message)
        {
            lock (_owner._lock)
            {
                Row = Row.With(status: "failed", finishedAt: _owner.Now(), winner: null, error: message);
            }
        }
    }

    private DateTimeOffset Now() => timeProvider.GetUtcNow();
}

/// <summary>A fan-out as the dashboard lists it.</summary>
internal sealed class FanOutRow
{
    [JsonPropertyName("fanout_id")]
    public required string FanOutId { get; init; }

    [JsonPropertyName("task")]
    public required string Task { get; init; }

    [JsonPropertyName("runners")]
    public required IReadOnlyList<string> Runners { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("trials")]
    public int Trials { get; init; }

    [JsonPropertyName("finished")]
    public int Finished { get; init; }

    [JsonPropertyName("passed")]
    public int Passed { get; init; }

    [JsonPropertyName("winner")]
    public string? Winner { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("started_at")]
    public DateTimeOffset StartedAt { get; init; }

    [JsonPropertyName("finished_at")]
    public DateTimeOffset? FinishedAt { get; init; }

    public FanOutRow With(string? status = null, int? finished = null, int? passed = null, DateTimeOffset? finishedAt = null, string? winner = null, string? error = null) => new()
    {
        FanOutId = FanOutId,
        Task = Task,
        Runners = Runners,
        Trials = Trials,
        Status = status ?? Status,
        Finished = finished ?? Finished,
        Passed = passed ?? Passed,
        StartedAt = StartedAt,
        FinishedAt = finishedAt ?? FinishedAt,
        Winner = winner ?? Winner,
        Error = error ?? Error,
    };
}
