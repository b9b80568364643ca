using Xunit;

namespace Conduit.Tests;

/// <summary>
/// Compares generated text with a checked-in file of the repository; with UPDATE_GOLDEN=1 rewrites the file instead
/// (scripts/update-generated-docs.sh). Linked into the test projects that generate documents.
/// </summary>
internal static class GeneratedDocument
{
    public static void AssertMatches(string repositoryPath, string actual, [System.Runtime.CompilerServices.CallerFilePath] string callerFile = "")
    {
        var root = Path.GetDirectoryName(callerFile)!;
        while (!File.Exists(Path.Combine(root, "Conduit.Sdk.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException($"No Conduit.Sdk.sln above {callerFile}.");
        }

        var path = Path.Combine(root, repositoryPath);
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing; run scripts/update-generated-docs.sh to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected == actual)
        {
            return;
        }

        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line])
        {
            line++;
        }

        Assert.Fail($"{repositoryPath} is out of date from line {line + 1} (run scripts/update-generated-docs.sh):\n"
            + $"- {(line < a.Length ? a[line] : "<end>")}\n+ {(line < b.Length ? b[line] : "<end>")}");
    }
}
