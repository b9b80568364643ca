using System.Runtime.InteropServices;

namespace Conduit.Policies;

/// <summary>Sends SIGKILL to processes and process groups left behind by a crashed orchestrator.</summary>
internal static partial class PosixSignals
{
    private const int SIGKILL = 9;

    /// <summary>Kills the process group <paramref name="processGroupId"/>.</summary>
    public static void KillGroup(int processGroupId)
    {
        if (processGroupId > 1 && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            _ = Kill(-processGroupId, SIGKILL);
        }
    }

    /// <summary>Kills one process.</summary>
    public static void KillProcess(int processId)
    {
        if (processId > 1 && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            _ = Kill(processId, SIGKILL);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
