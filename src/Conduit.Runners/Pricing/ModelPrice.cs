namespace Conduit.Runners.Pricing;

/// <summary>The price of one model family, in US dollars per million tokens.</summary>
public sealed class ModelPrice
{
    /// <summary>Price of a million input tokens that were not served from the prompt cache.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>Price of a million output tokens (reasoning tokens included).</summary>
    public decimal OutputPerMillion { get; set; }

    /// <summary>Price of a million input tokens served from the prompt cache.</summary>
    /// <value>Default <see langword="null"/>: cached tokens cost <see cref="InputPerMillion"/>.</value>
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>Price of a million tokens written to the prompt cache.</summary>
    /// <value>Default <see langword="null"/>: cache writes cost <see cref="InputPerMillion"/>.</value>
    public decimal? CacheWritePerMillion { get; set; }

    /// <summary>The estimated cost of <paramref name="usage"/> at this price.</summary>
    /// <remarks>
    /// <see cref="AgentUsage.InputTokens"/> is taken to include cached and cache-write tokens (as Conduit reports it
    /// for every CLI), so fresh input is input minus both.
    /// </remarks>
    public decimal Estimate(AgentUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var fresh = Math.Max(0, usage.InputTokens - usage.CachedInputTokens - usage.CacheWriteTokens);
        var total = (fresh * InputPerMillion)
            + (usage.CachedInputTokens * (CachedInputPerMillion ?? InputPerMillion))
            + (usage.CacheWriteTokens * (CacheWritePerMillion ?? InputPerMillion))
            + (usage.OutputTokens * OutputPerMillion);
        return total / 1_000_000m;
    }
}
