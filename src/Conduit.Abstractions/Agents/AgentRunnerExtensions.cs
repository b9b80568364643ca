using System.Runtime.CompilerServices;
using System.Text;

namespace Conduit;

/// <summary>Buffered execution over the streaming <see cref="IAgentRunner"/>.</summary>
public static class AgentRunnerExtensions
{
    /// <summary>Runs the agent and folds its event stream into an <see cref="AgentResult"/>.</summary>
    public static Task<AgentResult> RunAsync(this IAgentRunner runner, AgentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(request);
        return runner.StreamAsync(request, cancellationToken).ToAgentResultAsync(request.Runner, cancellationToken);
    }

    /// <summary>Folds an event stream into an <see cref="AgentResult"/>.</summary>
    public static async Task<AgentResult> ToAgentResultAsync(
        this IAsyncEnumerable<AgentEvent> events,
        RunnerSpec runner,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(runner);
        var fold = new AgentEventFold(runner);
        await foreach (var agentEvent in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            fold.Add(agentEvent);
        }

        return fold.ToResult();
    }
}

/// <summary>Accumulates events into an <see cref="AgentResult"/>; usable incrementally by hosts that also stream.</summary>
public sealed class AgentEventFold
{
    private readonly RunnerSpec _runner;
    private readonly List<AgentEvent> _events = [];
    private readonly List<ErrorEvent> _errors = [];
    private readonly StringBuilder _lastMessage = new();
    private bool _lastWasDelta;
    private SessionStartedEvent? _session;
    private AgentUsage _usage = AgentUsage.Empty;
    private CompletedEvent? _completed;

    /// <summary>Creates a fold for a run of <paramref name="runner"/>.</summary>
    public AgentEventFold(RunnerSpec runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
    }

    /// <summary>The events so far.</summary>
    public IReadOnlyList<AgentEvent> Events => _events;

    /// <summary>Adds the next event.</summary>
    public void Add(AgentEvent agentEvent)
    {
        ArgumentNullException.ThrowIfNull(agentEvent);
        _events.Add(agentEvent);
        switch (agentEvent)
        {
            case SessionStartedEvent session:
                _session = session;
                break;
            case TextEvent text:
                if (!text.IsDelta || !_lastWasDelta)
                {
                    _lastMessage.Clear();
                }

                _lastMessage.Append(text.Text);
                _lastWasDelta = text.IsDelta;
                break;
            case UsageEvent usage:
                _usage += usage.Usage;
                break;
            case ErrorEvent error:
                _errors.Add(error);
                break;
            case CompletedEvent completed:
                _completed = completed;
                break;
        }
    }

    /// <summary>The result for the events so far. A stream without a completed event counts as failed.</summary>
    public AgentResult ToResult() => new()
    {
        Runner = _runner,
        Outcome = _completed?.Outcome ?? AgentOutcome.Failed,
        SessionId = _completed?.SessionId ?? _session?.SessionId,
        Model = _session?.Model,
        CliVersion = _session?.CliVersion,
        Text = _completed?.FinalText ?? (_lastMessage.Length > 0 ? _lastMessage.ToString() : null),
        Reason = _completed?.Reason ?? (_completed is null ? "the event stream ended without a completed event" : null),
        ExitCode = _completed?.ExitCode,
        Duration = _completed?.Duration ?? TimeSpan.Zero,
        Usage = _usage,
        Errors = _errors.ToArray(),
        Events = _events.ToArray(),
    };
}
