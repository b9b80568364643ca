namespace Conduit.Requests;

/// <summary>The paths a unified diff touches, and whether it creates symbolic links (refused: a link could lead out of the roots).</summary>
internal static class PatchPaths
{
    public static (IReadOnlyList<string> Paths, bool CreatesSymlink) Read(string patch)
    {
        var paths = new List<string>();
        var symlink = false;
        foreach (var raw in patch.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                foreach (var part in line[11..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    Add(paths, part);
                }
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal) || line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var name = line[4..].Split('\t')[0].Trim();
                Add(paths, name);
            }
            else if (line.StartsWith("rename from ", StringComparison.Ordinal) || line.StartsWith("rename to ", StringComparison.Ordinal)
                || line.StartsWith("copy from ", StringComparison.Ordinal) || line.StartsWith("copy to ", StringComparison.Ordinal))
            {
                paths.Add(line[(line.IndexOf(' ', line.IndexOf(' ', StringComparison.Ordinal) + 1) + 1)..].Trim());
            }
            else if (line.Contains("mode 120000", StringComparison.Ordinal))
            {
                symlink = true;
            }
        }

        return (paths.Distinct(StringComparer.Ordinal).ToArray(), symlink);
    }

    private static void Add(List<string> paths, string name)
    {
        if (name == "/dev/null" || name.Length == 0)
        {
            return;
        }

        if (name.StartsWith('"') && name.EndsWith('"') && name.Length >= 2)
        {
            name = name[1..^1];
        }

        paths.Add(name.StartsWith("a/", StringComparison.Ordinal) || name.StartsWith("b/", StringComparison.Ordinal) ? name[2..] : name);
    }
}
