using System.Text;

namespace Conduit.Runners.Benchmarks;

/// <summary>
/// The real CLI captures (tests/Conduit.Runners.Tests/Captures, copied next to the benchmarks), one stream per provider:
/// every capture of that provider, concatenated in name order.
/// </summary>
public sealed class CapturedStream
{
    private CapturedStream(string provider, byte[] bytes)
    {
        Provider = provider;
        Bytes = bytes;
        Lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The provider whose captures these are.</summary>
    public string Provider { get; }

    /// <summary>The stream as the CLI printed it: UTF-8 lines ending in <c>\n</c>.</summary>
    public byte[] Bytes { get; }

    /// <summary>The stream's lines, decoded, as the parser receives them.</summary>
    public string[] Lines { get; }

    /// <summary>The providers with captures.</summary>
    public static IReadOnlyList<string> Providers { get; } = ["claude", "codex", "gemini", "cursor"];

    /// <summary>Loads the captures of <paramref name="provider"/>.</summary>
    public static CapturedStream Load(string provider)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Captures");
        var bytes = new List<byte>();
        foreach (var file in Directory.GetFiles(directory, provider + "-*.jsonl").Order(StringComparer.Ordinal))
        {
            var content = File.ReadAllBytes(file);
            bytes.AddRange(content);
            if (content.Length > 0 && content[^1] != (byte)'\n')
            {
                bytes.Add((byte)'\n');
            }
        }

        return bytes.Count == 0
            ? throw new InvalidOperationException($"No {provider}-*.jsonl captures in {directory}.")
            : new CapturedStream(provider, [.. bytes]);
    }
}
