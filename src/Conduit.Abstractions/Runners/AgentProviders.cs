namespace Conduit;

/// <summary>The agent CLIs Conduit knows how to drive.</summary>
public static class AgentProviders
{
    /// <summary>Claude Code (<c>claude</c>, npm <c>@anthropic-ai/claude-code</c>).</summary>
    public const string Claude = "claude";

    /// <summary>OpenAI Codex CLI (<c>codex</c>, npm <c>@openai/codex</c>).</summary>
    public const string Codex = "codex";

    /// <summary>Google Gemini CLI (<c>gemini</c>, npm <c>@google/gemini-cli</c>).</summary>
    public const string Gemini = "gemini";

    /// <summary>Cursor Agent (<c>cursor-agent</c>).</summary>
    public const string Cursor = "cursor";

    /// <summary>Every known provider, in alphabetical order.</summary>
    public static IReadOnlyList<string> All { get; } = [Claude, Codex, Cursor, Gemini];

    /// <summary>Whether <paramref name="provider"/> (lower case) is a known provider.</summary>
    public static bool IsKnown(string provider) => All.Contains(provider, StringComparer.Ordinal);
}
