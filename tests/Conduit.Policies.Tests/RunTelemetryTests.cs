using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Xunit;

namespace Conduit.Policies.Tests;

public sealed class RunTelemetryTests : IAsyncDisposable
{
    private readonly TestProject _project = new();

    public ValueTask DisposeAsync() => _project.DisposeAsync();

    [Fact]
    public async Task A_policy_run_records_run_attempt_check_and_hook_activities_and_the_runs_lane_measurements()
    {
        // A policy id no other test uses: the source and the meter are process-wide, tests run in parallel.
        var policyId = "telemetry_" + Guid.NewGuid().ToString("N")[..8];
        _project.WritePolicy(policyId, $"""
            policy_id: {policyId}
            task_id: t
            runner: {"{"}provider: claude{"}"}
            max_attempts: 3
            backoff: {"{"}initial: 10ms, max: 10ms, jitter: false{"}"}
            hooks:
              before_attempt: ["true"]
            checks:
              - name: second_time_lucky
                command: ./count.sh
                on_fail: retry
            """);
        _project.WriteScript(policyId, "count.sh", """
            n=$(cat "$CONDUIT_PROJECT_PATH/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$CONDUIT_PROJECT_PATH/count"
            [ $n -ge 2 ]
            """);
        using var telemetry = new RunTelemetryRecorder(policyId);
        var orchestrator = _project.CreateOrchestrator();

        var run = await orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = policyId, Input = new JsonObject() });
        var done = await orchestrator.FinishAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        var runActivity = Assert.Single(telemetry.Activities, a => a.OperationName == ConduitActivityNames.Run);
        Assert.Equal(run.RunId, runActivity.GetTagItem(ConduitTagNames.RunId));
        Assert.Equal("succeeded", runActivity.GetTagItem(ConduitTagNames.RunStatus));
        var attempts = telemetry.Activities.Where(a => a.OperationName == ConduitActivityNames.RunAttempt).OrderBy(a => a.GetTagItem(ConduitTagNames.AttemptIndex)).ToArray();
        Assert.Equal([1, 2], attempts.Select(a => a.GetTagItem(ConduitTagNames.AttemptIndex)));
        Assert.Equal(["failed", "succeeded"], attempts.Select(a => a.GetTagItem(ConduitTagNames.RunStatus)));
        Assert.All(attempts, a => Assert.Equal(runActivity.SpanId, a.ParentSpanId));
        Assert.All(attempts, a => Assert.Equal("claude", a.GetTagItem(ConduitTagNames.Provider)));
        var checks = telemetry.Activities.Where(a => a.OperationName == ConduitActivityNames.RunCheck).ToArray();
        Assert.Equal(2, checks.Length);
        Assert.Equal([false, true], checks.OrderBy(c => c.StartTimeUtc).Select(c => c.GetTagItem(ConduitTagNames.CheckPassed)));
        Assert.All(checks, c => Assert.Contains(c.ParentSpanId, attempts.Select(a => a.SpanId)));
        var hooks = telemetry.Activities.Where(a => a.OperationName == ConduitActivityNames.RunHook).ToArray();
        Assert.Equal(2, hooks.Length);
        Assert.All(hooks, h => Assert.Equal("before_attempt", h.GetTagItem(ConduitTagNames.HookStage)));

        Assert.Equal(1, telemetry.Sum(ConduitInstrumentNames.RunsStarted));
        var finished = Assert.Single(telemetry.Measurements(ConduitInstrumentNames.RunsFinished));
        Assert.Equal("succeeded", finished.Tags[ConduitTagNames.RunStatus]);
        Assert.Single(telemetry.Measurements(ConduitInstrumentNames.RunDuration));
        Assert.Equal(1, telemetry.Sum(ConduitInstrumentNames.RunAttempts, ConduitTagNames.RunStatus, "failed"));
        Assert.Equal(1, telemetry.Sum(ConduitInstrumentNames.RunAttempts, ConduitTagNames.RunStatus, "succeeded"));

        // Queued then claimed, active then released: both net to zero, and each moved.
        Assert.Equal([1, -1], telemetry.Measurements(ConduitInstrumentNames.RunsQueued).Select(m => m.Value));
        Assert.Equal(0, telemetry.Sum(ConduitInstrumentNames.RunsActive));
        Assert.Contains(telemetry.Measurements(ConduitInstrumentNames.RunsActive), m => m.Value == 1);
    }

    [Fact]
    public async Task A_queued_run_canceled_before_it_starts_leaves_the_queue()
    {
        var policyId = "telemetry_" + Guid.NewGuid().ToString("N")[..8];
        _project.WritePolicy(policyId, $"policy_id: {policyId}\ntask_id: t\n");
        using var telemetry = new RunTelemetryRecorder(policyId);
        var orchestrator = _project.CreateOrchestrator(o => o.ExecuteRuns = false);

        var run = await orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = policyId, Input = new JsonObject() });
        Assert.Equal(1, telemetry.Sum(ConduitInstrumentNames.RunsQueued));
        Assert.True(await orchestrator.CancelAsync(run.RunId));

        Assert.Equal([1, -1], telemetry.Measurements(ConduitInstrumentNames.RunsQueued).Select(m => m.Value));
        Assert.Empty(telemetry.Measurements(ConduitInstrumentNames.RunsStarted));
    }

    [Fact]
    public async Task A_repeated_idempotency_key_queues_one_run_in_the_measurements()
    {
        var policyId = "telemetry_" + Guid.NewGuid().ToString("N")[..8];
        _project.WritePolicy(policyId, $"policy_id: {policyId}\ntask_id: t\n");
        using var telemetry = new RunTelemetryRecorder(policyId);
        var orchestrator = _project.CreateOrchestrator(o => o.ExecuteRuns = false);
        var submission = new RunSubmission { ProjectId = "demo", PolicyId = policyId, Input = new JsonObject(), IdempotencyKey = "same" };

        var first = await orchestrator.SubmitAsync(submission);
        var second = await orchestrator.SubmitAsync(submission);

        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal(1, telemetry.Sum(ConduitInstrumentNames.RunsQueued));
    }
}

/// <summary>Records Conduit's stopped activities and measurements of one policy (by its id tag, or its run's activity tree).</summary>
internal sealed class RunTelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public RunTelemetryRecorder(string policyId)
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConduitTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                for (var a = activity; a is not null; a = a.Parent)
                {
                    if (Equals(a.GetTagItem(ConduitTagNames.PolicyId), policyId))
                    {
                        _stopped.Enqueue(activity);
                        return;
                    }
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
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags, policyId));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags, policyId));
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

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string policyId)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        if (Equals(dictionary.GetValueOrDefault(ConduitTagNames.PolicyId), policyId))
        {
            _measurements.Enqueue((instrument.Name, value, dictionary));
        }
    }
}
