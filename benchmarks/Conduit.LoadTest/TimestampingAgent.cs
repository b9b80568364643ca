using System.Globalization;

namespace Conduit.LoadTest;

/// <summary>
/// The agent of the load test: a bash script that speaks Claude's stream-json, runs for a set time and prints
/// timestamped text lines (<c>t=&lt;unix seconds with microseconds&gt;</c>, bash's <c>$EPOCHREALTIME</c>, taken
/// just before the write) so the client can measure line -> SSE latency against the same wall clock.
/// </summary>
/// <remarks>
/// A script rather than the .NET fake agent: a hundred .NET processes starting at once cost seconds of CPU on a
/// two-core machine, which would measure the runtime's start-up, not Conduit.
/// </remarks>
internal static class TimestampingAgent
{
    public static string Write(string directory, int milliseconds, int lines)
    {
        var path = Path.Combine(directory, "timestamping-agent.sh");
        var pause = (milliseconds / 1000.0 / lines).ToString("0.000", CultureInfo.InvariantCulture);
        File.WriteAllText(path, $$$"""
            #!/usr/bin/env bash
            # Load-test agent: Claude stream-json, {{{lines}}} timestamped lines over {{{milliseconds}}} ms.
            export LC_ALL=C
            printf '%s\n' '{"type":"system","subtype":"init","session_id":"load-test","model":"claude-opus-4-8","cwd":"/tmp","claude_code_version":"2.1.197"}'
            for ((i = 0; i < {{{lines}}}; i++)); do
              sleep {{{pause}}}
              printf '{"type":"assistant","message":{"id":"m%d","content":[{"type":"text","text":"t=%s"}]},"session_id":"load-test"}\n' "$i" "$EPOCHREALTIME"
            done
            printf '%s\n' '{"type":"result","subtype":"success","is_error":false,"result":"done","stop_reason":"end_turn","session_id":"load-test","total_cost_usd":0,"usage":{"input_tokens":1,"output_tokens":1}}'

            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The time in a <c>t=SECONDS.MICROS</c> text, as Unix microseconds; <see langword="null"/> for other text.</summary>
    public static long? TimestampOf(string text)
    {
        if (!text.StartsWith("t=", StringComparison.Ordinal))
        {
            return null;
        }

        var value = text.AsSpan(2);
        var dot = value.IndexOf('.');
        if (dot < 0 || !long.TryParse(value[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !long.TryParse(value[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
        {
            return null;
        }

        return (seconds * 1_000_000) + micros;
    }

    public static long NowMicros() => (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
