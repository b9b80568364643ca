using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Conduit.Runners.Diagnostics;

/// <summary>
/// The activity and the measurements of one agent run: started when the stream is opened, fed every event the stream
/// yields, and ended by the completed event, an exception, or the caller abandoning the stream.
/// </summary>
internal sealed class AgentRunTelemetry : IDisposable
{
    private static readonly Counter<long> Started = ConduitTelemetry.Meter.CreateCounter<long>(
        ConduitInstrumentNames.AgentRunsStarted, "{run}", "Agent runs started");

    private static readonly Counter<long> Finished = ConduitTelemetry.Meter.CreateCounter<long>(
        ConduitInstrumentNames.AgentRunsFinished, "{run}", "Agent runs finished");

    private static readonly Histogram<double> Duration = ConduitTelemetry.Meter.CreateHistogram(
        ConduitInstrumentNames.AgentRunDuration, "s", "How long agent runs took", tags: null, ConduitTelemetry.DurationAdvice);

    private static readonly Counter<long> Tokens = ConduitTelemetry.Meter.CreateCounter<long>(
        ConduitInstrumentNames.AgentTokens, "{token}", "Tokens the agents reported");

    private static readonly Counter<double> Cost = ConduitTelemetry.Meter.CreateCounter<double>(
        ConduitInstrumentNames.AgentCost, "USD", "Cost of agent runs, reported or estimated");

    private static readonly FrozenDictionary<AgentOutcome, string> OutcomeNames = Enum.GetValues<AgentOutcome>()
        .ToFrozenDictionary(outcome => outcome, outcome => JsonSerializer.Serialize(outcome).Trim('"'));

    private readonly string _provider;
    private readonly string? _requestedModel;
    private readonly long _startTimestamp;
    private readonly Activity? _activity;
    private string? _reportedModel;
    private AgentUsage _usage = AgentUsage.Empty;
    private bool _ended;

    private AgentRunTelemetry(string provider, string? requestedModel, string? resumeSessionId)
    {
        _provider = provider;
        _requestedModel = requestedModel;
        _startTimestamp = Stopwatch.GetTimestamp();
        _activity = ConduitTelemetry.ActivitySource.StartActivity(ConduitActivityNames.AgentRun, ActivityKind.Internal);
        if (_activity is not null)
        {
            _activity.DisplayName = $"{ConduitActivityNames.AgentRun} {provider}";
            _activity.SetTag(ConduitTagNames.Provider, provider);
            _activity.SetTag(ConduitTagNames.Model, requestedModel);
            _activity.SetTag(ConduitTagNames.SessionId, resumeSessionId);
        }

        Started.Add(1, Tags(provider, requestedModel));
    }

    private string? Model => _requestedModel ?? _reportedModel;

    public static AgentRunTelemetry Start(string provider, AgentRequest request) =>
        new(provider, request.EffectiveModel, request.ResumeSessionId);

    /// <summary>Takes what the run reports as its events go by: model, session id, usage, and the ending.</summary>
    public void Observe(AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case SessionStartedEvent session:
                _reportedModel ??= session.Model;
                if (_activity is not null)
                {
                    _activity.SetTag(ConduitTagNames.SessionId, session.SessionId);
                    _activity.SetTag(ConduitTagNames.Model, Model);
                }

                break;
            case UsageEvent usage:
                _usage += usage.Usage;
                break;
            case CompletedEvent completed:
                End(OutcomeNames[completed.Outcome], completed.SessionId, completed.Outcome == AgentOutcome.Succeeded ? null : completed.Reason);
                break;
        }
    }

    /// <summary>Makes the run's activity current, so that what the runner does and logs while the stream is read belongs to it.</summary>
    public void MakeCurrent()
    {
        if (_activity is not null)
        {
            Activity.Current = _activity;
        }
    }

    /// <summary>The stream threw: the run is recorded with the outcome <c>exception</c>.</summary>
    public void Fail(Exception exception)
    {
        _activity?.AddException(exception);
        End("exception", null, exception.Message);
    }

    /// <summary>Ends a run the caller stopped reading before its completed event (outcome <c>abandoned</c>).</summary>
    public void Dispose()
    {
        End("abandoned", null, "the caller stopped reading the stream");
        _activity?.Dispose();
    }

    private void End(string outcome, string? sessionId, string? error)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        var ended = Tags(_provider, Model);
        ended.Add(ConduitTagNames.Outcome, outcome);
        Finished.Add(1, ended);
        Duration.Record(Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds, ended);
        AddTokens(_usage.InputTokens, "input");
        AddTokens(_usage.OutputTokens, "output");
        AddTokens(_usage.CachedInputTokens, "cached_input");
        if (_usage.CostUsd is { } cost)
        {
            Cost.Add((double)cost, Tags(_provider, Model));
        }

        if (_activity is null)
        {
            return;
        }

        _activity.SetTag(ConduitTagNames.Model, Model);
        _activity.SetTag(ConduitTagNames.Outcome, outcome);
        if (sessionId is not null)
        {
            _activity.SetTag(ConduitTagNames.SessionId, sessionId);
        }

        _activity.SetTag(ConduitTagNames.InputTokens, _usage.InputTokens);
        _activity.SetTag(ConduitTagNames.OutputTokens, _usage.OutputTokens);
        _activity.SetTag(ConduitTagNames.CachedInputTokens, _usage.CachedInputTokens);
        if (_usage.CostUsd is { } activityCost)
        {
            _activity.SetTag(ConduitTagNames.CostUsd, (double)activityCost);
        }

        _activity.SetStatus(outcome == "succeeded" ? ActivityStatusCode.Ok : ActivityStatusCode.Error, error ?? outcome);
    }

    /// <summary>Provider, and model when known (an absent tag rather than an empty one).</summary>
    private static TagList Tags(string provider, string? model)
    {
        var tags = new TagList { { ConduitTagNames.Provider, provider } };
        if (model is not null)
        {
            tags.Add(ConduitTagNames.Model, model);
        }

        return tags;
    }

    private void AddTokens(long count, string type)
    {
        if (count > 0)
        {
            var tags = Tags(_provider, Model);
            tags.Add(ConduitTagNames.TokenType, type);
            Tokens.Add(count, tags);
        }
    }
}
