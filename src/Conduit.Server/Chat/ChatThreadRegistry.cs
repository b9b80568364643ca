using Conduit.Runners.Transcripts;
using Conduit.Server.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Chat;

/// <summary>
/// The chat turns this daemon knows about, kept in memory: admission against the chat queue limits, the agent
/// runs themselves (each on its own task and cancellation, independent of the HTTP request that started it),
/// lookup and cancellation by thread id, and draining on shutdown.
/// </summary>
internal sealed partial class ChatThreadRegistry : IDisposable
{
    private static readonly TimeSpan QueueFullRetryAfter = TimeSpan.FromSeconds(5);

    private readonly ConduitServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ChatThreadRegistry> _logger;
    private readonly Lock _gate = new();
    private readonly List<ChatItem> _items = [];
    private readonly SemaphoreSlim? _slots;
    private int _queued;
    private int _active;

    public ChatThreadRegistry(IOptions<ConduitServerOptions> options, TimeProvider timeProvider, ILogger<ChatThreadRegistry> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        if (_options.Queue.MaxActiveRuns is { } max)
        {
            _slots = new SemaphoreSlim(max, max);
        }
    }

    public int QueuedCount => Volatile.Read(ref _queued);

    public int ActiveCount => Volatile.Read(ref _active);

    /// <summary>Admits a turn or returns the 429 problem that refuses it; admitted turns start at once or wait for a slot.</summary>
    public ChatItem Start(ChatItem item, IAgentRunner runner, AgentRequest request)
    {
        lock (_gate)
        {
            var mustWait = _options.Queue.MaxActiveRuns is { } maxActive && _active + _queued >= maxActive;
            if (mustWait && _options.Queue.MaxQueuedRuns is { } maxQueued && _queued >= maxQueued)
            {
                throw new ApiProblemException(ApiProblem.TooManyRequests(
                    maxQueued == 0 ? "active_capacity_exceeded" : "queue_full",
                    maxQueued == 0 ? "Active run capacity exceeded" : "Queue capacity exceeded",
                    QueueFullRetryAfter));
            }

            _queued++;
            _items.Add(item);
            Prune();
        }

        _ = Task.Run(() => RunAsync(item, runner, request), CancellationToken.None);
        return item;
    }

    private async Task RunAsync(ChatItem item, IAgentRunner runner, AgentRequest request)
    {
        var token = item.Cancellation.Token;
        var acquired = false;
        item.Transcript = StartTranscript(item);
        AgentResult? result = null;
        Exception? failure = null;
        try
        {
            if (_slots is not null)
            {
                await _slots.WaitAsync(token).ConfigureAwait(false);
                acquired = true;
            }

            var startedAt = _timeProvider.GetUtcNow();
            lock (_gate)
            {
                _queued--;
                _active++;
                item.MarkRunning(startedAt);
            }

            item.Signals.Writer.TryWrite(new ChatSignal { Kind = ChatSignalKind.Started, At = startedAt });
            LogChatStarted(_logger, item.ThreadId, item.Runner);
            var fold = new AgentEventFold(item.Runner);
            await foreach (var agentEvent in runner.StreamAsync(request, token).ConfigureAwait(false))
            {
                fold.Add(agentEvent);
                item.Transcript?.WriteEvent(agentEvent);
                item.Signals.Writer.TryWrite(new ChatSignal { Kind = ChatSignalKind.Agent, Event = agentEvent, At = _timeProvider.GetUtcNow() });
            }

            result = fold.ToResult();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Cancelled while waiting for a slot: it never ran.
        }
#pragma warning disable CA1031 // A runner failure must end the turn with an error, never take the daemon down.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
            LogChatFailed(_logger, item.ThreadId, exception);
        }
        finally
        {
            lock (_gate)
            {
                if (item.State == ChatState.Queued)
                {
                    _queued--;
                }
                else
                {
                    _active--;
                }
            }

            if (acquired)
            {
                _slots!.Release();
            }
        }

        var endedAt = _timeProvider.GetUtcNow();
        item.Signals.Writer.TryWrite(new ChatSignal { Kind = ChatSignalKind.Finished, At = endedAt });
        item.Record(result, failure, endedAt);
        // The files are complete before anyone waiting for the turn hears that it ended.
        FinishTranscript(item);
        item.Release();
    }

    private ChatTranscript? StartTranscript(ChatItem item)
    {
        if (_options.StateDirectory is not { } stateDirectory)
        {
            return null;
        }

        try
        {
            return ChatTranscript.Start(stateDirectory, new ChatTranscriptTurn
            {
                ThreadId = item.ThreadId,
                QueueItemId = item.QueueItemId,
                Prompt = item.Prompt,
                Runner = item.Runner,
                ProjectId = item.ProjectId,
                CreatedAt = item.CreatedAt,
            });
        }
        catch (ConduitException exception)
        {
            LogTranscriptFailed(_logger, item.ThreadId, exception);
            return null;
        }
    }

    private void FinishTranscript(ChatItem item)
    {
        if (item.Transcript is not { } transcript)
        {
            return;
        }

        try
        {
            transcript.Complete(item.Result, new ChatTranscriptExit
            {
                Code = item.Result?.ExitCode,
                Signal = item.State == ChatState.Cancelled ? "SIGTERM" : null,
                FinalState = item.State.ToName(),
                EndedAt = item.EndedAt,
            });
        }
        catch (ConduitException exception)
        {
            LogTranscriptFailed(_logger, item.ThreadId, exception);
        }
        finally
        {
            transcript.Dispose();
        }
    }

    /// <summary>The newest turn of the thread, or <see langword="null"/>.</summary>
    public ChatItem? Latest(string threadId)
    {
        lock (_gate)
        {
            return _items.LastOrDefault(i => i.ThreadId == threadId);
        }
    }

    /// <summary>Cancels every unfinished turn of the thread; whether there was one.</summary>
    public bool Cancel(string threadId)
    {
        ChatItem[] running;
        lock (_gate)
        {
            running = _items.Where(i => i.ThreadId == threadId && !i.IsTerminal).ToArray();
        }

        var any = false;
        foreach (var item in running)
        {
            any |= item.RequestCancel();
        }

        return any;
    }

    public IReadOnlyList<ChatItem> Snapshot()
    {
        lock (_gate)
        {
            return _items.ToArray();
        }
    }

    /// <summary>Lets unfinished turns run for <paramref name="gracePeriod"/>, then cancels them and waits for them to end.</summary>
    public async Task DrainAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        var pending = Snapshot().Where(i => !i.IsTerminal).ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        LogDraining(_logger, pending.Length, gracePeriod);
        var all = Task.WhenAll(pending.Select(i => i.Finished));
        try
        {
            await all.WaitAsync(gracePeriod, _timeProvider, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (TimeoutException)
        {
        }

        foreach (var item in pending)
        {
            item.RequestCancel();
        }

        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(10), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private void Prune()
    {
        var finished = _items.Count(i => i.IsTerminal);
        for (var i = 0; i < _items.Count && finished > _options.MaxRetainedChatThreads; i++)
        {
            if (_items[i].IsTerminal)
            {
                _items.RemoveAt(i);
                i--;
                finished--;
            }
        }
    }

    public void Dispose() => _slots?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat thread {ThreadId}: cannot write its transcript")]
    private static partial void LogTranscriptFailed(ILogger logger, string threadId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ThreadId} started on {Runner}")]
    private static partial void LogChatStarted(ILogger logger, string threadId, RunnerSpec runner);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat {ThreadId} failed before it completed")]
    private static partial void LogChatFailed(ILogger logger, string threadId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: {Count} chat(s) still running; waiting up to {GracePeriod}")]
    private static partial void LogDraining(ILogger logger, int count, TimeSpan gracePeriod);
}
