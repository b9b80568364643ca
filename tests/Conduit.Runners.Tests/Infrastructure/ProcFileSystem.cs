using System.Text;

namespace Conduit.Runners.Tests.Infrastructure;

/// <summary>
/// Reads /proc directly, independently of Conduit's own process bookkeeping, to check what is really running.
/// </summary>
internal static class ProcFileSystem
{
    /// <summary>The live (not zombie) processes whose initial environment holds <c>name=value</c>.</summary>
    public static List<int> FindLiveProcessesWithVariable(string name, string value)
    {
        var entry = Encoding.UTF8.GetBytes($"{name}={value}\0");
        var found = new List<int>();
        foreach (var pid in AllProcessIds())
        {
            if (ReadState(pid) is { } state && state != 'Z' && state != 'X' && ReadEnviron(pid) is { } environ
                && environ.AsSpan().IndexOf(entry) >= 0)
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>The zombie processes whose parent is <paramref name="parentProcessId"/>.</summary>
    public static List<int> FindZombieChildren(int parentProcessId) =>
        AllProcessIds().Where(pid => ReadStat(pid) is { } stat && stat.State == 'Z' && stat.ParentProcessId == parentProcessId).ToList();

    /// <summary>The process group and session of <paramref name="pid"/>.</summary>
    public static (int ProcessGroupId, int SessionId) ReadGroupAndSession(int pid)
    {
        var stat = ReadStat(pid) ?? throw new InvalidOperationException($"Process {pid} does not exist.");
        return (stat.ProcessGroupId, stat.SessionId);
    }

    private static IEnumerable<int> AllProcessIds() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, out var pid) ? pid : -1)
            .Where(pid => pid > 0);

    private static char? ReadState(int pid) => ReadStat(pid)?.State;

    private static Stat? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return new Stat(fields[0][0], int.Parse(fields[1]), int.Parse(fields[2]), int.Parse(fields[3]));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static byte[]? ReadEnviron(int pid)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid}/environ");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed record Stat(char State, int ParentProcessId, int ProcessGroupId, int SessionId);
}
