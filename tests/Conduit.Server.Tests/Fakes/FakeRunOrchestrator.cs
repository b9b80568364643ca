using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Conduit;

namespace Conduit.Server.Tests.Fakes;

/// <summary>An orchestrator made of delegates; by default an in-memory store of submitted runs with an event log per run.</summary>
internal sealed class FakeRunOrchestrator : IRunOrchestrator
{
    private readonly Dictionary<string, RunRecord> _runs = new();
    private readonly Dictionary<string, List<RunEvent>> _events = new();
    private readonly Dictionary<string, List<Channel<RunEvent>>> _live = new();
    private readonly HashSet<string> _ended = [];
    private int _counter;

    public FakeRunOrchestrator()
    {
        Submit = (submission, _) => Task.FromResult(AddRun(submission));
        Get = (id, _) => Task.FromResult(_runs.TryGetValue(id, out var run) ? run : null);
        Attempts = (id, _) => Task.FromResult<IReadOnlyList<AttemptRecord>>([]);
        List = (query, _) => Task.FromResult(new RunPage { Runs = _runs.Values.Reverse().Take(query.Limit).ToArray() });
        Cancel = (id, _) => _runs.ContainsKey(id) ? Task.FromResult(true) : throw new RunNotFoundException(id);
    }

    public Func<RunSubmission, CancellationToken, Task<RunRecord>> Submit { get; set; }

    public Func<string, CancellationToken, Task<RunRecord?>> Get { get; set; }

    public Func<string, CancellationToken, Task<IReadOnlyList<AttemptRecord>>> Attempts { get; set; }

    public Func<RunQuery, CancellationToken, Task<RunPage>> List { get; set; }

    public Func<string, CancellationToken, Task<bool>> Cancel { get; set; }

    public List<RunSubmission> Submissions { get; } = [];

    public List<RunQuery> Queries { get; } = [];

    public RunRecord AddRun(RunSubmission submission, RunStatus status = RunStatus.Queued)
    {
        lock (_runs)
        {
            Submissions.Add(submission);
            var run = new RunRecord
            {
                RunId = $"run_{++_counter:D4}",
                ProjectId = submission.ProjectId,
                PolicyId = submission.PolicyId,
                Status = status,
                Input = submission.Input,
                CreatedAt = DateTimeOffset.UnixEpoch.AddMinutes(_counter),
                MaxAttempts = 3,
                IdempotencyKey = submission.IdempotencyKey,
            };
            _runs[run.RunId] = run;
            _events[run.RunId] = [];
            _live[run.RunId] = [];
            return run;
        }
    }

    public void Replace(RunRecord run)
    {
        lock (_runs)
        {
            _runs[run.RunId] = run;
        }
    }

    /// <summary>Appends an event to the run's log and to its live stream.</summary>
    public RunEvent Append(string runId, string type, object data)
    {
        lock (_runs)
        {
            var log = _events[runId];
            var runEvent = new RunEvent { Sequence = log.Count + 1, RunId = runId, Type = type, Timestamp = DateTimeOffset.UnixEpoch, Data = JsonSerializer.SerializeToElement(data) };
            log.Add(runEvent);
            foreach (var subscriber in _live[runId])
            {
                subscriber.Writer.TryWrite(runEvent);
            }

            return runEvent;
        }
    }

    /// <summary>Ends the run's live stream.</summary>
    public void End(string runId)
    {
        lock (_runs)
        {
            _ended.Add(runId);
            foreach (var subscriber in _live[runId])
            {
                subscriber.Writer.TryComplete();
            }
        }
    }

    public Task<RunRecord> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken = default) => Submit(submission, cancellationToken);

    public Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken = default) => Get(runId, cancellationToken);

    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default) => Attempts(runId, cancellationToken);

    public Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        lock (Queries)
        {
            Queries.Add(query);
        }

        return List(query, cancellationToken);
    }

    public async IAsyncEnumerable<RunEvent> EventsAsync(string runId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RunEvent[] recorded;
        Channel<RunEvent> live;
        lock (_runs)
        {
            recorded = _events[runId].Where(e => e.Sequence > afterSequence).ToArray();
            live = Channel.CreateUnbounded<RunEvent>();
            if (_ended.Contains(runId))
            {
                live.Writer.TryComplete();
            }
            else
            {
                _live[runId].Add(live);
            }
        }

        var last = afterSequence;
        foreach (var runEvent in recorded)
        {
            last = runEvent.Sequence;
            yield return runEvent;
        }

        await foreach (var runEvent in live.Reader.ReadAllAsync(cancellationToken))
        {
            if (runEvent.Sequence > last)
            {
                last = runEvent.Sequence;
                yield return runEvent;
            }
        }
    }

    public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default) => Cancel(runId, cancellationToken);

    public Task<RunRecord> WaitAsync(string runId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
