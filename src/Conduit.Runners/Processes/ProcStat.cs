using System.Globalization;

namespace Conduit.Runners.Processes;

/// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> that process hygiene needs.</summary>
internal readonly record struct ProcStat(char State, int ParentProcessId, int ProcessGroupId, int SessionId)
{
    /// <summary>Not a zombie (exited, waiting to be reaped) and not dead.</summary>
    public bool IsAlive => State is not ('Z' or 'X' or 'x');

    public static bool TryRead(int pid, out ProcStat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) state ppid pgrp session ..."; comm may itself contain spaces and parentheses.
        var afterName = text.LastIndexOf(')');
        if (afterName < 0)
        {
            return false;
        }

        var fields = text[(afterName + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session))
        {
            return false;
        }

        stat = new ProcStat(fields[0][0], parent, group, session);
        return true;
    }
}
