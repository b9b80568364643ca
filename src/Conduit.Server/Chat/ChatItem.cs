using System.Threading.Channels;
using Conduit.Runners.Transcripts;

namespace Conduit.Server.Chat;

/// <summary>One chat turn (the original's "queue item") of a thread, and what happened to it.</summary>
internal sealed class ChatItem
{
    private readonly Lock _gate = new();
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChatItem(string threadId, string queueItemId, string? projectId, string prompt, RunnerSpec runner, string? externalRef, DateTimeOffset createdAt)
    {
        ThreadId = threadId;
        QueueItemId = queueItemId;
        ProjectId = projectId;
        Prompt = prompt;
        Runner = runner;
        ExternalRef = externalRef;
        CreatedAt = createdAt;
    }

    public string ThreadId { get; }

    public string QueueItemId { get; }

    public string? ProjectId { get; }

    public string Prompt { get; }

    public RunnerSpec Runner { get; }

    public string? ExternalRef { get; }

    public DateTimeOffset CreatedAt { get; }

    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>
    /// What happened, for the one request that started the turn (SSE). Unbounded: a turn's output is finite. Written by
    /// the turn's loop and by the runner's stderr callback.
    /// </summary>
    public Channel<ChatSignal> Signals { get; } = Channel.CreateUnbounded<ChatSignal>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    public Task Finished => _finished.Task;

    public ChatState State { get; private set; } = ChatState.Queued;

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public AgentResult? Result { get; private set; }

    /// <summary>The exception that stopped the turn before the agent produced its completed event.</summary>
    public Exception? Failure { get; private set; }

    public bool CancelRequested { get; private set; }

    /// <summary>The turn's files under <c>&lt;stateDir&gt;/chats/</c>, while it runs; <see langword="null"/> without a state directory.</summary>
    public ChatTranscript? Transcript { get; set; }

    /// <summary>The agent CLI's stderr lines so far.</summary>
    public IReadOnlyList<string> StandardErrorLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    public bool IsTerminal => State is ChatState.Completed or ChatState.Failed or ChatState.Cancelled;

    /// <summary>Keeps one stderr line of the agent CLI (for the debug answer, the SSE <c>stderr</c> event and <c>stderr.log</c>).</summary>
    public void AddStandardErrorLine(string line, DateTimeOffset at)
    {
        lock (_gate)
        {
            _stderr.Add(line);
        }

        Transcript?.WriteStandardErrorLine(line);
        Signals.Writer.TryWrite(new ChatSignal { Kind = ChatSignalKind.StandardError, Line = line, At = at });
    }

    public void MarkRunning(DateTimeOffset at)
    {
        lock (_gate)
        {
            State = ChatState.Running;
            StartedAt = at;
        }
    }

    public bool RequestCancel()
    {
        lock (_gate)
        {
            if (IsTerminal)
            {
                return false;
            }

            CancelRequested = true;
        }

        Cancellation.Cancel();
        return true;
    }

    /// <summary>Sets how the turn ended; <see cref="Release"/> then tells the waiting requests.</summary>
    public void Record(AgentResult? result, Exception? failure, DateTimeOffset at)
    {
        lock (_gate)
        {
            Result = result;
            Failure = failure;
            EndedAt = at;
            State = result?.Outcome switch
            {
                AgentOutcome.Succeeded => ChatState.Completed,
                AgentOutcome.Cancelled => ChatState.Cancelled,
                null when CancelRequested => ChatState.Cancelled,
                _ => ChatState.Failed,
            };
        }
    }

    /// <summary>Ends the signal stream and releases the requests waiting for the turn.</summary>
    public void Release()
    {
        Signals.Writer.TryComplete();
        Cancellation.Dispose();
        _finished.TrySetResult();
    }
}

/// <summary>The original Conduit's <c>finalState</c> values.</summary>
internal enum ChatState
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>One thing to tell the client that started a chat turn.</summary>
internal sealed class ChatSignal
{
    public required ChatSignalKind Kind { get; init; }

    public AgentEvent? Event { get; init; }

    /// <summary>The stderr line of a <see cref="ChatSignalKind.StandardError"/> signal.</summary>
    public string? Line { get; init; }

    public required DateTimeOffset At { get; init; }
}

internal enum ChatSignalKind
{
    Started,
    Agent,
    StandardError,
    Finished,
}

internal static class ChatStateNames
{
    public static string ToName(this ChatState state) => state switch
    {
        ChatState.Queued => "queued",
        ChatState.Running => "running",
        ChatState.Completed => "completed",
        ChatState.Failed => "failed",
        ChatState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
