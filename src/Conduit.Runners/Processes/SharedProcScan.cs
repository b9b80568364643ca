namespace Conduit.Runners.Processes;

/// <summary>
/// One pass over <c>/proc</c> shared by every process tree looked for at the same time. In a fan-out, a hundred runs
/// end within a few hundred milliseconds and each must see the whole machine's process table to find the escaped
/// members of its tree; alone, each would read every <c>/proc/&lt;pid&gt;/stat</c> of the machine.
/// </summary>
/// <remarks>
/// A request is only ever answered by a scan that <em>starts after</em> it was made, so what a caller learns is never
/// older than its question (a process forked after the caller's previous look is seen, as with a scan of its own).
/// The first caller with no scan under way scans on its own thread for every request waiting then; requests made
/// while it scans wait for the next pass, which is run on the thread pool right after. A process's environment is read
/// once per pass and checked for every waiting request's marker.
/// </remarks>
internal static class SharedProcScan
{
    private const int ScratchLength = 4096;

    private static readonly Lock Gate = new();
    private static List<Request> _waiting = [];
    private static bool _scanning;

    /// <summary>What one pass saw: every live (not zombie) process but this one, and which carry the caller's marker.</summary>
    internal sealed class Snapshot
    {
        public required IReadOnlyList<ProcessEntry> Processes { get; init; }

        public required IReadOnlySet<int> Marked { get; init; }
    }

    /// <summary>The <c>stat</c> fields a tree is built from.</summary>
    internal readonly record struct ProcessEntry(int ProcessId, int ParentProcessId, int ProcessGroupId, int SessionId);

    /// <summary>
    /// Scans <c>/proc</c> (together with any concurrent caller) and answers which live processes carry
    /// <paramref name="marker"/> in their environment; only processes started at or after
    /// <paramref name="minimumStartTime"/> (<c>starttime</c> of <c>stat</c>) are looked at for it.
    /// </summary>
    public static Task<Snapshot> ScanAsync(byte[] marker, long minimumStartTime)
    {
        var request = new Request(marker, minimumStartTime);
        lock (Gate)
        {
            _waiting.Add(request);
            if (_scanning)
            {
                return request.Completion.Task;
            }

            _scanning = true;
        }

        ScanWaiting();
        return request.Completion.Task;
    }

    // Scans once for everything waiting now; if more requests came meanwhile, the next pass runs on the pool.
    private static void ScanWaiting()
    {
        List<Request> batch;
        lock (Gate)
        {
            batch = _waiting;
            _waiting = [];
        }

        try
        {
            Scan(batch);
        }
#pragma warning disable CA1031 // Every waiting caller must hear how the pass ended.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var request in batch)
            {
                request.Completion.TrySetException(exception);
            }
        }

        lock (Gate)
        {
            if (_waiting.Count == 0)
            {
                _scanning = false;
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static _ => ScanWaiting(), state: (object?)null);
    }

    private static void Scan(List<Request> batch)
    {
        var self = Environment.ProcessId;
        var oldestStart = long.MaxValue;
        foreach (var request in batch)
        {
            oldestStart = Math.Min(oldestStart, request.MinimumStartTime);
        }

        var processes = new List<ProcessEntry>(512);
        var scratch = new byte[ScratchLength];
        var candidates = new List<Request>(batch.Count);
        var candidateMarkers = new List<byte[]>(batch.Count);
        var found = new bool[batch.Count];
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory.AsSpan()), out var pid) || pid == self
                || !ProcStat.TryRead(pid, out var stat) || !stat.IsAlive)
            {
                continue;
            }

            processes.Add(new ProcessEntry(pid, stat.ParentProcessId, stat.ProcessGroupId, stat.SessionId));
            if (stat.StartTime < oldestStart)
            {
                continue;
            }

            candidates.Clear();
            candidateMarkers.Clear();
            foreach (var request in batch)
            {
                if (stat.StartTime >= request.MinimumStartTime)
                {
                    candidates.Add(request);
                    candidateMarkers.Add(request.Marker);
                }
            }

            var markers = found.AsSpan(0, candidates.Count);
            if (ProcFile.FindEach(pid, "environ", candidateMarkers, markers, scratch) == 0)
            {
                continue;
            }

            for (var i = 0; i < markers.Length; i++)
            {
                if (markers[i])
                {
                    candidates[i].Marked.Add(pid);
                }
            }
        }

        foreach (var request in batch)
        {
            request.Completion.TrySetResult(new Snapshot { Processes = processes, Marked = request.Marked });
        }
    }

    private sealed class Request(byte[] marker, long minimumStartTime)
    {
        public byte[] Marker { get; } = marker;

        public long MinimumStartTime { get; } = minimumStartTime;

        public HashSet<int> Marked { get; } = [];

        public TaskCompletionSource<Snapshot> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
