using System.Runtime.InteropServices;

namespace Conduit.Runners.Processes;

/// <summary>The few libc calls .NET does not expose: sending an arbitrary signal.</summary>
internal static class NativeMethods
{
    internal const int SIGINT = 2;
    internal const int SIGKILL = 9;
    internal const int SIGTERM = 15;

    /// <summary><c>kill(2)</c>: a negative <paramref name="pid"/> signals the whole process group.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int Kill(int pid, int signal);

    internal static string SignalName(int signal) => signal switch
    {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        SIGKILL => "SIGKILL",
        _ => $"signal {signal}",
    };
}
