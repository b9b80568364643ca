using Conduit.Server.Chat;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Lifecycle;

/// <summary>
/// Graceful shutdown. When the host stops (SIGTERM, Ctrl+C) Kestrel stops accepting connections and waits for
/// in-flight requests; this service gives in-flight chats <see cref="ConduitServerOptions.ShutdownGracePeriod"/>
/// to finish, then cancels them (their agents' process trees are killed and they end as <c>cancelled</c>).
/// Runs belong to the orchestrator, which marks the ones it could not finish as interrupted when it is disposed.
/// </summary>
internal sealed partial class ServerShutdownService : IHostedService, IDisposable
{
    private readonly ChatThreadRegistry _chats;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _gracePeriod;
    private readonly ILogger<ServerShutdownService> _logger;
    private ITimer? _deadline;
    private CancellationTokenRegistration _registration;

    public ServerShutdownService(ChatThreadRegistry chats, IHostApplicationLifetime lifetime, TimeProvider timeProvider, IOptions<ConduitServerOptions> options, ILogger<ServerShutdownService> logger)
    {
        _chats = chats;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
        _gracePeriod = options.Value.ShutdownGracePeriod;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = _lifetime.ApplicationStopping.Register(() =>
        {
            LogStopping(_logger, _gracePeriod);
            _deadline = _timeProvider.CreateTimer(_ => CancelAll(), null, _gracePeriod, Timeout.InfiniteTimeSpan);
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Whatever is left when the web server has stopped is cancelled now, and waited for briefly.
        await _chats.DrainAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
    }

    private void CancelAll()
    {
        foreach (var item in _chats.Snapshot())
        {
            if (item.RequestCancel())
            {
                LogCancelled(_logger, item.ThreadId);
            }
        }
    }

    public void Dispose()
    {
        _registration.Dispose();
        _deadline?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: no new connections; in-flight chats have {GracePeriod} to finish")]
    private static partial void LogStopping(ILogger logger, TimeSpan gracePeriod);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grace period over: cancelled chat {ThreadId}")]
    private static partial void LogCancelled(ILogger logger, string threadId);
}
