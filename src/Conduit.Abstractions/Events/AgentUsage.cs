using System.Text.Json.Serialization;

namespace Conduit;

/// <summary>Tokens and cost of a run.</summary>
public sealed class AgentUsage
{
    /// <summary>Input tokens, including cached ones where the CLI counts them so.</summary>
    [JsonPropertyName("input_tokens")]
    public long InputTokens { get; init; }

    /// <summary>Output tokens.</summary>
    [JsonPropertyName("output_tokens")]
    public long OutputTokens { get; init; }

    /// <summary>Input tokens served from the prompt cache.</summary>
    [JsonPropertyName("cached_input_tokens")]
    public long CachedInputTokens { get; init; }

    /// <summary>Tokens written to the prompt cache.</summary>
    [JsonPropertyName("cache_write_tokens")]
    public long CacheWriteTokens { get; init; }

    /// <summary>Reasoning tokens, where reported separately.</summary>
    [JsonPropertyName("reasoning_tokens")]
    public long ReasoningTokens { get; init; }

    /// <summary>Input plus output tokens.</summary>
    [JsonPropertyName("total_tokens")]
    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary>Cost in US dollars, as reported by the CLI or estimated (see <see cref="IsCostEstimated"/>).</summary>
    [JsonPropertyName("cost_usd")]
    public decimal? CostUsd { get; init; }

    /// <summary>Whether <see cref="CostUsd"/> was estimated from tokens with a price table rather than reported by the CLI.</summary>
    [JsonPropertyName("cost_estimated")]
    public bool IsCostEstimated { get; init; }

    /// <summary>An empty usage.</summary>
    public static AgentUsage Empty { get; } = new();

    /// <summary>Adds two usages; cost is summed when either has one.</summary>
    public static AgentUsage operator +(AgentUsage left, AgentUsage right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new AgentUsage
        {
            InputTokens = left.InputTokens + right.InputTokens,
            OutputTokens = left.OutputTokens + right.OutputTokens,
            CachedInputTokens = left.CachedInputTokens + right.CachedInputTokens,
            CacheWriteTokens = left.CacheWriteTokens + right.CacheWriteTokens,
            ReasoningTokens = left.ReasoningTokens + right.ReasoningTokens,
            CostUsd = left.CostUsd is null && right.CostUsd is null ? null : (left.CostUsd ?? 0) + (right.CostUsd ?? 0),
            IsCostEstimated = left.IsCostEstimated || right.IsCostEstimated,
        };
    }

    /// <summary>Adds two usages.</summary>
    public static AgentUsage Add(AgentUsage left, AgentUsage right) => left + right;
}
