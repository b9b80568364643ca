namespace Conduit.Runners.Processes;

/// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> that process hygiene needs.</summary>
/// <remarks>
/// Read on every scan of <c>/proc</c> (each run's end scans every process on the machine), so parsed from the bytes
/// in a stack buffer, without a string or an exception for a process that has gone meanwhile.
/// </remarks>
internal readonly record struct ProcStat(char State, int ParentProcessId, int ProcessGroupId, int SessionId, long StartTime)
{
    // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
    // priority nice num_threads itrealvalue starttime ..."; comm is at most 64 bytes, the whole line well under 1 KiB.
    private const int BufferLength = 1024;
    private const int StartTimeField = 19;

    /// <summary>Not a zombie (exited, waiting to be reaped) and not dead.</summary>
    public bool IsAlive => State is not ('Z' or 'X' or 'x');

    public static bool TryRead(int pid, out ProcStat stat)
    {
        stat = default;
        Span<byte> buffer = stackalloc byte[BufferLength];
        var length = ProcFile.Read(pid, "stat", buffer);
        if (length <= 0)
        {
            return false;
        }

        // comm may itself contain spaces and parentheses: the fields start after the last ')'.
        var text = buffer[..length];
        var afterName = text.LastIndexOf((byte)')');
        if (afterName < 0)
        {
            return false;
        }

        text = text[(afterName + 1)..];
        char state = default;
        long parent = 0, group = 0, session = 0, startTime = 0;
        for (var field = 0; field <= StartTimeField; field++)
        {
            text = text.TrimStart((byte)' ');
            var end = text.IndexOf((byte)' ');
            var value = end < 0 ? text : text[..end];
            if (value.IsEmpty)
            {
                return false;
            }

            switch (field)
            {
                case 0:
                    state = (char)value[0];
                    break;
                case 1 when !TryParse(value, out parent):
                case 2 when !TryParse(value, out group):
                case 3 when !TryParse(value, out session):
                case StartTimeField when !TryParse(value, out startTime):
                    return false;
            }

            text = end < 0 ? default : text[end..];
        }

        stat = new ProcStat(state, (int)parent, (int)group, (int)session, startTime);
        return true;
    }

    private static bool TryParse(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        var negative = digits.Length > 0 && digits[0] == (byte)'-';
        if (negative)
        {
            digits = digits[1..];
        }

        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        value = negative ? -value : value;
        return true;
    }
}
