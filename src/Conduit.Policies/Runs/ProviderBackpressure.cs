using System.Collections.Concurrent;

namespace Conduit.Policies;

/// <summary>
/// Slows a provider that answered with rate limits: after a limit it is paused (doubling up to a cap); while paused the
/// dispatcher starts no new runs for it and its running attempts wait before calling it again. Other providers go on.
/// </summary>
internal sealed class ProviderBackpressure(TimeProvider timeProvider, TimeSpan initialPause, TimeSpan maxPause)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, TimeSpan Pause)> _paused = new(StringComparer.Ordinal);

    public static bool IsRateLimit(AgentResult result) =>
        result.Outcome == AgentOutcome.ApiError &&
        (Mentions(result.Reason) || result.Errors.Any(e => Mentions(e.Message) || e.Code is "429" or "rate_limit_error" or "rate_limit"));

    private static bool Mentions(string? text) => text is not null &&
        (text.Contains("429", StringComparison.Ordinal) || text.Contains("rate limit", StringComparison.OrdinalIgnoreCase) ||
         text.Contains("rate_limit", StringComparison.OrdinalIgnoreCase) || text.Contains("too many requests", StringComparison.OrdinalIgnoreCase));

    public void ReportRateLimit(string provider)
    {
        var now = timeProvider.GetUtcNow();
        _paused.AddOrUpdate(provider,
            _ => (now + initialPause, initialPause),
            (_, current) =>
            {
                var pause = current.Until > now ? TimeSpan.FromTicks(Math.Min(current.Pause.Ticks * 2, maxPause.Ticks)) : initialPause;
                return (now + pause, pause);
            });
    }

    public void ReportSuccess(string provider) => _paused.TryRemove(provider, out _);

    public IReadOnlyCollection<string> PausedProviders()
    {
        var now = timeProvider.GetUtcNow();
        return _paused.Where(p => p.Value.Until > now).Select(p => p.Key).ToArray();
    }

    public TimeSpan RemainingPause(string provider) =>
        _paused.TryGetValue(provider, out var state) && state.Until > timeProvider.GetUtcNow() ? state.Until - timeProvider.GetUtcNow() : TimeSpan.Zero;

    public async Task WaitAsync(string provider, CancellationToken cancellationToken)
    {
        while (RemainingPause(provider) is var remaining && remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
