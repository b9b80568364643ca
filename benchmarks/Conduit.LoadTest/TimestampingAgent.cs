using System.Globalization;
using System.Runtime.InteropServices;

namespace Conduit.LoadTest;

/// <summary>
/// The agent of the load test: a bash script that speaks Claude's stream-json, runs for a set time and prints
/// timestamped text lines (<c>t=&lt;unix seconds with microseconds&gt;</c>, bash's <c>$EPOCHREALTIME</c>, taken
/// just before the write) so the client can measure line -> SSE latency against the same wall clock.
/// </summary>
/// <remarks>
/// A script rather than the .NET fake agent: a hundred .NET processes starting at once cost seconds of CPU on a
/// two-core machine, which would measure the runtime's start-up, not Conduit. It waits with bash's own <c>read -t</c>
/// on a FIFO that nobody writes, so each agent is one process for its whole run, as a real agent CLI is; with
/// <c>--agent-sleep fork</c> it runs <c>/usr/bin/sleep</c> between lines instead (the harness before issue #9: five more
/// processes per agent, 500 more in a fan-out of 100, which cost the machine more than Conduit did).
/// </remarks>
internal static class TimestampingAgent
{
    public static string Write(string directory, int milliseconds, int lines, bool forkSleep)
    {
        var path = Path.Combine(directory, "timestamping-agent.sh");
        var fifo = Path.Combine(directory, "never-written.fifo");
        if (!forkSleep && !File.Exists(fifo) && MakeFifo(fifo, Convert.ToUInt32("600", 8)) != 0)
        {
            throw new IOException($"mkfifo {fifo} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var pause = (milliseconds / 1000.0 / lines).ToString("0.000", CultureInfo.InvariantCulture);
        var open = forkSleep ? "" : $"exec 3<>'{fifo}'";
        var wait = forkSleep ? $"sleep {pause}" : $"read -r -t {pause} -u 3 _";
        File.WriteAllText(path, $$$"""
            #!/usr/bin/env bash
            # Load-test agent: Claude stream-json, {{{lines}}} timestamped lines over {{{milliseconds}}} ms.
            export LC_ALL=C
            {{{open}}}
            printf '%s\n' '{"type":"system","subtype":"init","session_id":"load-test","model":"claude-opus-4-8","cwd":"/tmp","claude_code_version":"2.1.197"}'
            for ((i = 0; i < {{{lines}}}; i++)); do
              {{{wait}}}
              printf '{"type":"assistant","message":{"id":"m%d","content":[{"type":"text","text":"t=%s"}]},"session_id":"load-test"}\n' "$i" "$EPOCHREALTIME"
            done
            printf '%s\n' '{"type":"result","subtype":"success","is_error":false,"result":"done","stop_reason":"end_turn","session_id":"load-test","total_cost_usd":0,"usage":{"input_tokens":1,"output_tokens":1}}'

            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public static long NowMicros() => (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
