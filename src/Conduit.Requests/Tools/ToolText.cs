namespace Conduit.Requests;

/// <summary>Text helpers shared by tools.</summary>
internal static class ToolText
{
    public const string TruncationMarker = "... (truncated)";

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters, adding the marker when cut.</summary>
    public static string Cap(string text, int max, out bool truncated)
    {
        truncated = text.Length > max;
        return truncated ? text[..max] + "\n" + TruncationMarker : text;
    }
}
