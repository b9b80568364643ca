namespace Conduit.Server.Tests;

/// <summary>Compares text with a file under tests/Conduit.Server.Tests/Golden; with UPDATE_GOLDEN=1 rewrites the file instead.</summary>
internal static class GoldenFile
{
    public static string PathOf(string name, [System.Runtime.CompilerServices.CallerFilePath] string callerFile = "") =>
        Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden", name);

    public static void AssertMatches(string name, string actual, [System.Runtime.CompilerServices.CallerFilePath] string callerFile = "")
    {
        var path = PathOf(name, callerFile);
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run the tests with UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected == actual)
        {
            return;
        }

        Assert.Fail($"{name} differs from its golden file {path} (run with UPDATE_GOLDEN=1 to accept the new version):\n{Diff(expected, actual)}");
    }

    /// <summary>A line diff: the first differing region with a little context.</summary>
    private static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start])
        {
            start++;
        }

        var endA = a.Length - 1;
        var endB = b.Length - 1;
        while (endA >= start && endB >= start && a[endA] == b[endB])
        {
            endA--;
            endB--;
        }

        var lines = new List<string> { $"@@ line {start + 1} @@" };
        for (var i = Math.Max(0, start - 3); i < start; i++)
        {
            lines.Add("  " + a[i]);
        }

        for (var i = start; i <= endA && i < start + 40; i++)
        {
            lines.Add("- " + a[i]);
        }

        for (var i = start; i <= endB && i < start + 40; i++)
        {
            lines.Add("+ " + b[i]);
        }

        return string.Join('\n', lines);
    }
}
