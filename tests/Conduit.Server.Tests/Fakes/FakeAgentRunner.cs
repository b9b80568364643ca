using System.Runtime.CompilerServices;
using Conduit;

namespace Conduit.Server.Tests.Fakes;

/// <summary>An agent runner whose events come from a delegate.</summary>
internal sealed class FakeAgentRunner : IAgentRunner
{
    public Func<AgentRequest, CancellationToken, IAsyncEnumerable<AgentEvent>> Stream { get; set; } = (request, _) => Script.Succeeds("done", request.Runner.Provider);

    public List<AgentRequest> Requests { get; } = [];

    public IAsyncEnumerable<AgentEvent> StreamAsync(AgentRequest request, CancellationToken cancellationToken = default)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return Stream(request, cancellationToken);
    }
}

/// <summary>A factory that hands out one <see cref="FakeAgentRunner"/> for every known provider.</summary>
internal sealed class FakeAgentRunnerFactory : IAgentRunnerFactory
{
    public FakeAgentRunner Runner { get; } = new();

    public IReadOnlyList<string> Providers { get; set; } = AgentProviders.All;

    public IAgentRunner GetRunner(RunnerSpec spec) => Runner;
}

/// <summary>Event scripts for the fake runner.</summary>
internal static class Script
{
    public static async IAsyncEnumerable<AgentEvent> Succeeds(string text, string provider = "claude", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var now = DateTimeOffset.UnixEpoch;
        yield return new SessionStartedEvent { SessionId = "sess-1", Model = "model-x", Provider = provider, LineNumber = 1, RawRepresentation = "{\"type\":\"system\",\"session_id\":\"sess-1\"}", Timestamp = now };
        yield return new TextEvent { Text = text, Provider = provider, LineNumber = 2, RawRepresentation = "{\"type\":\"assistant\",\"text\":\"" + text + "\"}", Timestamp = now };
        yield return new UsageEvent { Usage = new AgentUsage { InputTokens = 10, OutputTokens = 5, CachedInputTokens = 3, CostUsd = 0.0125m }, Provider = provider, LineNumber = 3, RawRepresentation = "{\"type\":\"result\"}", Timestamp = now };
        yield return new CompletedEvent { Outcome = AgentOutcome.Succeeded, FinalText = text, ExitCode = 0, SessionId = "sess-1", Duration = TimeSpan.FromMilliseconds(1234), Provider = provider, LineNumber = 3, RawRepresentation = "{\"type\":\"result\"}", Timestamp = now };
    }

    /// <summary>Starts, then waits until cancelled (as a real runner: ends with Completed(Cancelled), never throws).</summary>
    public static async IAsyncEnumerable<AgentEvent> RunsUntilCancelled(TaskCompletionSource? started = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new SessionStartedEvent { SessionId = "sess-long", Timestamp = DateTimeOffset.UnixEpoch };
        started?.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        yield return new CompletedEvent { Outcome = AgentOutcome.Cancelled, SessionId = "sess-long", Reason = "cancelled", Timestamp = DateTimeOffset.UnixEpoch };
    }
}
