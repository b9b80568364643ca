namespace Conduit.Runners.Pricing;

/// <summary>
/// Prices used to estimate the cost of a run when the CLI reports tokens but no cost (Codex, Gemini CLI, Cursor).
/// Keys are model name patterns where <c>*</c> matches any text (<c>gpt-5*</c>, <c>gemini-*flash-lite*</c>); matching
/// ignores case, and when several patterns match, the longest pattern wins.
/// </summary>
public sealed class PriceTable
{
    /// <summary>Prices by model name pattern.</summary>
    /// <value>Default: list prices of the known model families at the time of writing (see docs/runners.md).</value>
    public IDictionary<string, ModelPrice> Models { get; } = CreateDefaults();

    /// <summary>Finds the price for <paramref name="model"/>; <see langword="null"/> when no pattern matches.</summary>
    public ModelPrice? Find(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        ModelPrice? best = null;
        var bestLength = -1;
        foreach (var (pattern, price) in Models)
        {
            if (pattern.Length > bestLength && GlobMatches(pattern, model))
            {
                best = price;
                bestLength = pattern.Length;
            }
        }

        return best;
    }

    /// <summary>Estimates the cost of <paramref name="usage"/> for <paramref name="model"/>; <see langword="null"/> for an unknown model.</summary>
    public decimal? Estimate(string? model, AgentUsage usage) => Find(model)?.Estimate(usage);

    internal static bool GlobMatches(string pattern, string text)
    {
        // Iterative wildcard match with backtracking over the last '*'.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static Dictionary<string, ModelPrice> CreateDefaults() => new(StringComparer.OrdinalIgnoreCase)
    {
        // Anthropic (Claude Code reports its own cost; these serve Cursor runs on Claude models).
        ["claude-*opus*"] = new() { InputPerMillion = 5m, OutputPerMillion = 25m, CachedInputPerMillion = 0.5m, CacheWritePerMillion = 6.25m },
        ["claude-*sonnet*"] = new() { InputPerMillion = 3m, OutputPerMillion = 15m, CachedInputPerMillion = 0.3m, CacheWritePerMillion = 3.75m },
        ["claude-*haiku*"] = new() { InputPerMillion = 1m, OutputPerMillion = 5m, CachedInputPerMillion = 0.1m, CacheWritePerMillion = 1.25m },

        // OpenAI (Codex).
        ["gpt-5*"] = new() { InputPerMillion = 1.25m, OutputPerMillion = 10m, CachedInputPerMillion = 0.125m },
        ["gpt-5*mini*"] = new() { InputPerMillion = 0.25m, OutputPerMillion = 2m, CachedInputPerMillion = 0.025m },
        ["gpt-5*nano*"] = new() { InputPerMillion = 0.05m, OutputPerMillion = 0.4m, CachedInputPerMillion = 0.005m },
        ["gpt-4.1*"] = new() { InputPerMillion = 2m, OutputPerMillion = 8m, CachedInputPerMillion = 0.5m },
        ["o3*"] = new() { InputPerMillion = 2m, OutputPerMillion = 8m, CachedInputPerMillion = 0.5m },
        ["o4-mini*"] = new() { InputPerMillion = 1.1m, OutputPerMillion = 4.4m, CachedInputPerMillion = 0.275m },

        // Google (Gemini CLI).
        ["gemini-*pro*"] = new() { InputPerMillion = 1.25m, OutputPerMillion = 10m, CachedInputPerMillion = 0.31m },
        ["gemini-*flash*"] = new() { InputPerMillion = 0.3m, OutputPerMillion = 2.5m, CachedInputPerMillion = 0.075m },
        ["gemini-*flash-lite*"] = new() { InputPerMillion = 0.1m, OutputPerMillion = 0.4m, CachedInputPerMillion = 0.025m },
    };
}
