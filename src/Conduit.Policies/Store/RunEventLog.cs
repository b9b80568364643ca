using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Conduit.Policies;

/// <summary>
/// The append-only event log of each run, <c>&lt;stateDir&gt;/runs/&lt;run_id&gt;/events.jsonl</c>: one <see cref="RunEvent"/>
/// per line with a gap-free sequence number. Readers replay the file and are woken when this process appends.
/// </summary>
internal sealed class RunEventLog(string stateDirectory, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, RunLog> _logs = new(StringComparer.Ordinal);

    /// <summary>Called after each append, in append order, under the run's lock (a cluster mirrors events to PostgreSQL).</summary>
    public Action<RunEvent>? Appended { get; set; }

    public string RunDirectory(string runId) => Path.Combine(stateDirectory, "runs", runId);

    public string FilePath(string runId) => Path.Combine(RunDirectory(runId), "events.jsonl");

    public RunEvent Append(string runId, string type, int? attemptIndex, object data)
    {
        var log = _logs.GetOrAdd(runId, id => new RunLog(FilePath(id)));
        lock (log)
        {
            var runEvent = new RunEvent
            {
                Sequence = ++log.LastSequence,
                RunId = runId,
                Type = type,
                Timestamp = timeProvider.GetUtcNow(),
                AttemptIndex = attemptIndex,
                Data = JsonSerializer.SerializeToElement(data, data.GetType(), ConduitJson.Options),
            };
            Directory.CreateDirectory(Path.GetDirectoryName(log.Path)!);
            using (var stream = new FileStream(log.Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                var line = JsonSerializer.Serialize(runEvent, ConduitJson.Options) + "\n";
                stream.Write(Encoding.UTF8.GetBytes(line));
                stream.Flush(flushToDisk: false);
            }

            var waiters = log.Waiters;
            log.Waiters = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.TrySetResult();
            Appended?.Invoke(runEvent);
            return runEvent;
        }
    }

    /// <summary>A task that completes at the next append in this process.</summary>
    public Task NextAppend(string runId)
    {
        var log = _logs.GetOrAdd(runId, id => new RunLog(FilePath(id)));
        lock (log)
        {
            return log.Waiters.Task;
        }
    }

    /// <summary>Reads complete lines from <paramref name="offset"/>; returns the events and the new offset.</summary>
    public (List<RunEvent> Events, long Offset) ReadFrom(string runId, long offset)
    {
        var events = new List<RunEvent>();
        var path = FilePath(runId);
        if (!File.Exists(path))
        {
            return (events, offset);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= offset)
        {
            return (events, offset);
        }

        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - offset];
        stream.ReadExactly(buffer);
        var end = Array.LastIndexOf(buffer, (byte)'\n');
        if (end < 0)
        {
            return (events, offset);
        }

        foreach (var line in Encoding.UTF8.GetString(buffer, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var runEvent = JsonSerializer.Deserialize<RunEvent>(line, ConduitJson.Options);
            if (runEvent is not null)
            {
                events.Add(runEvent);
            }
        }

        return (events, offset + end + 1);
    }

    private sealed class RunLog
    {
        public RunLog(string path)
        {
            Path = path;
            if (File.Exists(path))
            {
                LastSequence = File.ReadLines(path).Count(l => l.Length > 0);
            }
        }

        public string Path { get; }

        public long LastSequence { get; set; }

        public TaskCompletionSource Waiters { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
