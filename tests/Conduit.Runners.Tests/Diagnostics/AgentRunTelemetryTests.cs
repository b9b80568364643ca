using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Conduit.Runners.Tests.Infrastructure;
using Conduit.Runners.Tests.Parsing;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Runners.Tests.Diagnostics;

public sealed class AgentRunTelemetryTests
{
    [Fact]
    public async Task An_agent_run_records_its_activity_and_its_measurements_with_provider_model_and_outcome()
    {
        // A model name no other test uses: the source and the meter are process-wide, tests run in parallel.
        var model = "telemetry-" + Guid.NewGuid().ToString("N");
        using var telemetry = new TelemetryRecorder(tags => Equals(tags.GetValueOrDefault(ConduitTagNames.Model), model));
        using var services = new ServiceCollection()
            .AddConduit(b => b.ConfigureRunner("claude", o =>
            {
                o.ExecutablePath = FakeAgent.ExecutablePath;
                o.Environment["FAKE_AGENT_REPLAY"] = Capture.PathOf("claude-text");
            }))
            .Services.BuildServiceProvider();

        var result = await services.GetRequiredKeyedService<IAgentRunner>("claude")
            .RunAsync(new AgentRequest { Prompt = "say hello", Runner = new RunnerSpec("claude", model) });

        Assert.True(result.IsSuccess);
        var activity = Assert.Single(telemetry.Activities);
        Assert.Equal(ConduitActivityNames.AgentRun, activity.OperationName);
        Assert.Equal("claude", activity.GetTagItem(ConduitTagNames.Provider));
        Assert.Equal("succeeded", activity.GetTagItem(ConduitTagNames.Outcome));
        Assert.Equal(result.SessionId, activity.GetTagItem(ConduitTagNames.SessionId));
        Assert.Equal(result.Usage.InputTokens, activity.GetTagItem(ConduitTagNames.InputTokens));
        Assert.Equal(result.Usage.OutputTokens, activity.GetTagItem(ConduitTagNames.OutputTokens));
        Assert.Equal(ActivityStatusCode.Ok, activity.Status);

        Assert.Equal(1, telemetry.Sum(ConduitInstrumentNames.AgentRunsStarted));
        var finished = Assert.Single(telemetry.Measurements(ConduitInstrumentNames.AgentRunsFinished));
        Assert.Equal("claude", finished.Tags[ConduitTagNames.Provider]);
        Assert.Equal("succeeded", finished.Tags[ConduitTagNames.Outcome]);
        var duration = Assert.Single(telemetry.Measurements(ConduitInstrumentNames.AgentRunDuration));
        Assert.InRange(duration.Value, 0, result.Duration.TotalSeconds + 5);
        Assert.True(result.Usage.InputTokens > 0);
        Assert.Equal(result.Usage.InputTokens, telemetry.Sum(ConduitInstrumentNames.AgentTokens, ConduitTagNames.TokenType, "input"));
        Assert.Equal(result.Usage.OutputTokens, telemetry.Sum(ConduitInstrumentNames.AgentTokens, ConduitTagNames.TokenType, "output"));
        Assert.Equal(result.Usage.CachedInputTokens, telemetry.Sum(ConduitInstrumentNames.AgentTokens, ConduitTagNames.TokenType, "cached_input"));
        Assert.NotNull(result.Usage.CostUsd);
        Assert.Equal((double)result.Usage.CostUsd!.Value, telemetry.Sum(ConduitInstrumentNames.AgentCost), 9);
    }

    [Fact]
    public async Task A_missing_cli_ends_the_activity_with_the_exception_outcome()
    {
        var model = "telemetry-" + Guid.NewGuid().ToString("N");
        using var telemetry = new TelemetryRecorder(tags => Equals(tags.GetValueOrDefault(ConduitTagNames.Model), model));
        using var services = new ServiceCollection()
            .AddConduit(b => b.ConfigureRunner("codex", o => o.ExecutablePath = "/nonexistent/codex-" + model))
            .Services.BuildServiceProvider();

        await Assert.ThrowsAsync<ProviderNotInstalledException>(() => services.GetRequiredKeyedService<IAgentRunner>("codex")
            .RunAsync(new AgentRequest { Prompt = "say hello", Runner = new RunnerSpec("codex", model) }));

        var activity = Assert.Single(telemetry.Activities);
        Assert.Equal("exception", activity.GetTagItem(ConduitTagNames.Outcome));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        var finished = Assert.Single(telemetry.Measurements(ConduitInstrumentNames.AgentRunsFinished));
        Assert.Equal("exception", finished.Tags[ConduitTagNames.Outcome]);
    }
}

/// <summary>Records Conduit's stopped activities and measurements whose tags match a filter.</summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly Func<IReadOnlyDictionary<string, object?>, bool> _filter;
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public TelemetryRecorder(Func<IReadOnlyDictionary<string, object?>, bool> filter)
    {
        _filter = filter;
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConduitTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (_filter(activity.TagObjects.ToDictionary(t => t.Key, t => t.Value)))
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ConduitTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    public IReadOnlyList<Activity> Activities => [.. _stopped];

    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Measurements(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];

    public double Sum(string instrument, string? tag = null, object? value = null) =>
        Measurements(instrument).Where(m => tag is null || Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        if (_filter(dictionary))
        {
            _measurements.Enqueue((instrument.Name, value, dictionary));
        }
    }
}
