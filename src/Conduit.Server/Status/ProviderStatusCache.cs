namespace Conduit.Server.Status;

/// <summary>
/// The dashboard's view of <see cref="IAgentProviderProbe"/>: each provider probed at most once per 30 seconds
/// (a probe may start the CLI with <c>--version</c>), so polling the dashboard starts no processes in between.
/// </summary>
internal sealed class ProviderStatusCache : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly IAgentProviderProbe? _probe;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, (AgentProviderStatus Status, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ProviderStatusCache(TimeProvider timeProvider, IAgentProviderProbe? probe = null)
    {
        _timeProvider = timeProvider;
        _probe = probe;
    }

    /// <summary>The provider's status, or <see langword="null"/> when no probe is registered.</summary>
    public async Task<AgentProviderStatus?> GetAsync(string provider, CancellationToken cancellationToken)
    {
        if (_probe is null)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_cache.TryGetValue(provider, out var cached) && now - cached.At < Lifetime)
            {
                return cached.Status;
            }

            var status = await _probe.ProbeAsync(provider, cancellationToken).ConfigureAwait(false);
            _cache[provider] = (status, now);
            return status;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
