using System.Globalization;
using System.Text;

namespace Conduit.Policies;

/// <summary>Finds and kills processes left behind by a run whose orchestrator died (Linux <c>/proc</c>).</summary>
internal static class ProcessReaper
{
    /// <summary>The environment variable every child of a run carries; it marks the process tree as the run's.</summary>
    public const string MarkerVariable = "CONDUIT_RUN_ID";

    /// <summary>The start time of a process in clock ticks since boot (field 22 of <c>/proc/&lt;pid&gt;/stat</c>); 0 when unknown.</summary>
    public static long StartTime(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>Whether the process is alive and is the same one (same start time).</summary>
    public static bool IsAlive(int processId, long startTime)
    {
        var actual = StartTime(processId);
        return actual != 0 && (startTime == 0 || actual == startTime) && !IsZombie(processId);
    }

    /// <summary>Kills the recorded process groups of a run and every process carrying the run's marker. Returns how many were signalled.</summary>
    public static int KillRunProcesses(string runId, IEnumerable<RunProcessRecord> recorded)
    {
        var killed = 0;
        foreach (var process in recorded)
        {
            if (IsAlive(process.ProcessId, process.StartTime))
            {
                PosixSignals.KillGroup(process.ProcessGroupId);
                PosixSignals.KillProcess(process.ProcessId);
                killed++;
            }
        }

        foreach (var processId in FindMarked(runId))
        {
            PosixSignals.KillGroup(processId);
            PosixSignals.KillProcess(processId);
            killed++;
        }

        return killed;
    }

    /// <summary>Processes whose environment holds <c>CONDUIT_RUN_ID=&lt;runId&gt;</c>.</summary>
    public static IReadOnlyList<int> FindMarked(string runId)
    {
        var result = new List<int>();
        if (!Directory.Exists("/proc"))
        {
            return result;
        }

        var marker = Encoding.UTF8.GetBytes($"{MarkerVariable}={runId}\0");
        var self = Environment.ProcessId;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var processId) || processId == self)
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Combine(directory, "environ"));
                if (environ.AsSpan().IndexOf(marker) >= 0 || EndsWithMarker(environ, marker))
                {
                    if (!IsZombie(processId))
                    {
                        result.Add(processId);
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
            }
        }

        return result;
    }

    private static bool EndsWithMarker(byte[] environ, byte[] marker) =>
        environ.AsSpan().EndsWith(marker.AsSpan(0, marker.Length - 1));

    private static bool IsZombie(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] == 'Z';
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return true;
        }
    }
}
