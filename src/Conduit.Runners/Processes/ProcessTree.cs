using System.Text;

namespace Conduit.Runners.Processes;

/// <summary>
/// One child's whole process tree, found in <c>/proc</c> rather than by bookkeeping, and stopped by escalating signals.
/// </summary>
/// <remarks>
/// A member is a live (not zombie) process that carries the run's marker in its initial environment, or is in the
/// child's process group or session, or descends (by parent pid) from a member. The marker finds descendants that
/// escaped with <c>setsid</c>, <c>nohup</c> or a double fork; the group, session and parent links find the ones that
/// cleared their environment. Where there is no <c>/proc</c> only the child itself (and its group) is known.
/// </remarks>
internal sealed class ProcessTree
{
    /// <summary>The environment variable that marks every process of a run's tree.</summary>
    public const string MarkerVariable = "CONDUIT_PROCESS_TREE_ID";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly int[] EscalationSignals = [NativeMethods.SIGINT, NativeMethods.SIGTERM, NativeMethods.SIGKILL];

    private readonly byte[] _markerBytes;
    private readonly Func<bool> _rootExited;
    private readonly Action _killRootTree;
    private readonly bool _rootLeadsGroup;
    private readonly TimeProvider _timeProvider;
    private readonly long _rootStartTime;

    public ProcessTree(string marker, int rootProcessId, bool rootLeadsGroup, Func<bool> rootExited, Action killRootTree, TimeProvider timeProvider)
    {
        _killRootTree = killRootTree;
        _markerBytes = Encoding.ASCII.GetBytes(marker);
        RootProcessId = rootProcessId;
        _rootLeadsGroup = rootLeadsGroup;
        _rootExited = rootExited;
        _timeProvider = timeProvider;

        // Only a process started at or after the child can carry its fresh marker: the scan skips reading the
        // environment of every older process on the machine (0 when the child is already gone: read them all).
        _rootStartTime = HasProcFileSystem && ProcStat.TryRead(rootProcessId, out var rootStat) ? rootStat.StartTime : 0;
    }

    /// <summary>The direct child.</summary>
    public int RootProcessId { get; }

    private static readonly bool HasProcFileSystem = OperatingSystem.IsLinux() && Directory.Exists("/proc/self");

    /// <summary>The live members of the tree now, this process excluded.</summary>
    /// <remarks>
    /// Runs that look at the same time share one pass over <c>/proc</c> (<see cref="SharedProcScan"/>); the pass
    /// always starts after this call, so it sees what a pass of this tree's own would.
    /// </remarks>
    public async Task<HashSet<int>> FindLiveMembersAsync()
    {
        var members = new HashSet<int>();
        if (!HasProcFileSystem)
        {
            if (!_rootExited())
            {
                members.Add(RootProcessId);
            }

            return members;
        }

        var snapshot = await SharedProcScan.ScanAsync(_markerBytes, _rootStartTime).ConfigureAwait(false);
        foreach (var process in snapshot.Processes)
        {
            var pid = process.ProcessId;
            var inGroup = _rootLeadsGroup && (process.ProcessGroupId == RootProcessId || process.SessionId == RootProcessId);
            if ((pid == RootProcessId && !_rootExited()) || inGroup || snapshot.Marked.Contains(pid))
            {
                members.Add(pid);
            }
        }

        // Descendants of members (by parent pid), transitively.
        bool added;
        do
        {
            added = false;
            foreach (var process in snapshot.Processes)
            {
                if (!members.Contains(process.ProcessId) && members.Contains(process.ParentProcessId))
                {
                    members.Add(process.ProcessId);
                    added = true;
                }
            }
        }
        while (added);

        return members;
    }

    /// <summary>
    /// Sends SIGINT, then SIGTERM, then SIGKILL to every member, waiting up to <paramref name="gracePeriod"/> after
    /// each for the tree to be gone, and stops as soon as it is.
    /// </summary>
    /// <returns>The signal after which the direct child was gone, or <see langword="null"/> when it was gone before any.</returns>
    public async Task<int?> KillAsync(TimeSpan gracePeriod)
    {
        int? rootGoneAfter = null;
        int? lastSignalToLiveRoot = null;
        foreach (var signal in EscalationSignals)
        {
            var members = await FindLiveMembersAsync().ConfigureAwait(false);
            if (members.Count == 0)
            {
                break;
            }

            var rootAliveBefore = !_rootExited();
            Signal(members, signal);
            if (rootAliveBefore)
            {
                lastSignalToLiveRoot = signal;
            }

            var gone = await WaitUntilGoneAsync(gracePeriod).ConfigureAwait(false);
            if (rootAliveBefore && rootGoneAfter is null && _rootExited())
            {
                rootGoneAfter = signal;
            }

            if (gone)
            {
                break;
            }
        }

        // The root can be gone from /proc (reaped) a moment before the runtime reports it as exited: a root that was
        // signalled while alive was stopped by the last signal it got, not by itself.
        if (rootGoneAfter is null && lastSignalToLiveRoot is not null)
        {
            rootGoneAfter = lastSignalToLiveRoot;
        }

        return rootGoneAfter;
    }

    private void Signal(HashSet<int> members, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            // No signals: the last step falls back to Process.Kill(entireProcessTree: true).
            if (signal == NativeMethods.SIGKILL)
            {
                _killRootTree();
            }

            return;
        }

        if (_rootLeadsGroup)
        {
            // The group as a whole too, so a member forked since the scan is not missed.
            _ = NativeMethods.Kill(-RootProcessId, signal);
        }

        foreach (var pid in members)
        {
            // ESRCH (already gone) is expected and harmless.
            _ = NativeMethods.Kill(pid, signal);
        }
    }

    private async Task<bool> WaitUntilGoneAsync(TimeSpan gracePeriod)
    {
        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            await Task.Delay(PollInterval, _timeProvider).ConfigureAwait(false);
            if ((await FindLiveMembersAsync().ConfigureAwait(false)).Count == 0)
            {
                return true;
            }

            if (_timeProvider.GetElapsedTime(started) >= gracePeriod)
            {
                return false;
            }
        }
    }
}
