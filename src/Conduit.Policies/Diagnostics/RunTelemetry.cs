using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Conduit.Policies.Diagnostics;

/// <summary>The runs lane's instruments and activities: runs, attempts, checks, hooks, and the queue.</summary>
internal static class RunTelemetry
{
    private static readonly Counter<long> Started = ConduitTelemetry.Meter.CreateCounter<long>(
        ConduitInstrumentNames.RunsStarted, "{run}", "Policy runs the orchestrator started executing");

    private static readonly Counter<long> Finished = ConduitTelemetry.Meter.CreateCounter<long>(
        ConduitInstrumentNames.RunsFinished, "{run}", "Policy runs that ended");

    private static readonly Histogram<double> Duration = ConduitTelemetry.Meter.CreateHistogram(
        ConduitInstrumentNames.RunDuration, "s", "How long policy runs executed", tags: null, ConduitTelemetry.DurationAdvice);

    private static readonly Counter<long> Attempts = ConduitTelemetry.Meter.CreateCounter<long>(
        ConduitInstrumentNames.RunAttempts, "{attempt}", "Attempts of policy runs that ended");

    private static readonly UpDownCounter<long> Queued = ConduitTelemetry.Meter.CreateUpDownCounter<long>(
        ConduitInstrumentNames.RunsQueued, "{run}", "Runs this process queued and has not yet claimed or canceled");

    private static readonly UpDownCounter<long> Active = ConduitTelemetry.Meter.CreateUpDownCounter<long>(
        ConduitInstrumentNames.RunsActive, "{run}", "Runs this process is executing");

    /// <summary>A run was queued by this process.</summary>
    public static void RunQueued(string policyId) => Queued.Add(1, Tag(ConduitTagNames.PolicyId, policyId));

    /// <summary>A run counted as queued was not stored after all (a duplicate idempotency key, a full queue, an error).</summary>
    public static void QueuedRunWithdrawn(string policyId) => Queued.Add(-1, Tag(ConduitTagNames.PolicyId, policyId));

    /// <summary>A queued run was canceled before it started.</summary>
    public static void QueuedRunCanceled(string policyId) => Queued.Add(-1, Tag(ConduitTagNames.PolicyId, policyId));

    /// <summary>The dispatcher claimed a run: it leaves the queue and becomes active.</summary>
    public static void RunClaimed(string policyId)
    {
        Queued.Add(-1, Tag(ConduitTagNames.PolicyId, policyId));
        Active.Add(1, Tag(ConduitTagNames.PolicyId, policyId));
    }

    /// <summary>An active run's execution ended.</summary>
    public static void RunReleased(string policyId) => Active.Add(-1, Tag(ConduitTagNames.PolicyId, policyId));

    /// <summary>Starts the activity and the measurements of executing <paramref name="run"/>.</summary>
    public static RunScope StartRun(RunRecord run) => new(run);

    /// <summary>Starts the activity of attempt <paramref name="index"/>.</summary>
    public static Activity? StartAttempt(RunRecord run, int index, RunnerSpec runner)
    {
        var activity = ConduitTelemetry.ActivitySource.StartActivity(ConduitActivityNames.RunAttempt);
        if (activity is not null)
        {
            activity.DisplayName = $"{ConduitActivityNames.RunAttempt} {index.ToString(CultureInfo.InvariantCulture)}";
            activity.SetTag(ConduitTagNames.RunId, run.RunId);
            activity.SetTag(ConduitTagNames.PolicyId, run.PolicyId);
            activity.SetTag(ConduitTagNames.AttemptIndex, index);
            activity.SetTag(ConduitTagNames.Provider, runner.Provider);
            activity.SetTag(ConduitTagNames.Model, runner.Model);
        }

        return activity;
    }

    /// <summary>Records an ended attempt and tags its activity.</summary>
    public static void AttemptEnded(Activity? activity, string policyId, string provider, RunStatus status)
    {
        var statusName = status.ToName();
        Attempts.Add(1, Tag(ConduitTagNames.PolicyId, policyId), Tag(ConduitTagNames.Provider, provider), Tag(ConduitTagNames.RunStatus, statusName));
        if (activity is not null)
        {
            activity.SetTag(ConduitTagNames.RunStatus, statusName);
            activity.SetStatus(status == RunStatus.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, statusName);
        }
    }

    /// <summary>Starts the activity of one check.</summary>
    public static Activity? StartCheck(string name)
    {
        var activity = ConduitTelemetry.ActivitySource.StartActivity(ConduitActivityNames.RunCheck);
        if (activity is not null)
        {
            activity.DisplayName = $"{ConduitActivityNames.RunCheck} {name}";
            activity.SetTag(ConduitTagNames.CheckName, name);
        }

        return activity;
    }

    /// <summary>Starts the activity of one hook.</summary>
    public static Activity? StartHook(string stage)
    {
        var activity = ConduitTelemetry.ActivitySource.StartActivity(ConduitActivityNames.RunHook);
        if (activity is not null)
        {
            activity.DisplayName = $"{ConduitActivityNames.RunHook} {stage}";
            activity.SetTag(ConduitTagNames.HookStage, stage);
        }

        return activity;
    }

    /// <summary>Tags a check's or a hook's activity with how its command ended.</summary>
    public static void CommandEnded(Activity? activity, CommandOutcome result, bool? passed = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(ConduitTagNames.ExitCode, result.ExitCode);
        activity.SetTag(ConduitTagNames.TimedOut, result.TimedOut);
        if (passed is { } checkPassed)
        {
            activity.SetTag(ConduitTagNames.CheckPassed, checkPassed);
        }

        activity.SetStatus(result.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, result.LaunchError);
    }

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    /// <summary>One executing run: its activity, and its started/finished/duration measurements.</summary>
    internal sealed class RunScope : IDisposable
    {
        private readonly string _policyId;
        private readonly long _startTimestamp = Stopwatch.GetTimestamp();
        private readonly Activity? _activity;
        private bool _ended;

        public RunScope(RunRecord run)
        {
            _policyId = run.PolicyId;
            _activity = ConduitTelemetry.ActivitySource.StartActivity(ConduitActivityNames.Run);
            if (_activity is not null)
            {
                _activity.DisplayName = $"{ConduitActivityNames.Run} {run.PolicyId}";
                _activity.SetTag(ConduitTagNames.RunId, run.RunId);
                _activity.SetTag(ConduitTagNames.PolicyId, run.PolicyId);
                _activity.SetTag(ConduitTagNames.ProjectId, run.ProjectId);
            }

            Started.Add(1, Tag(ConduitTagNames.PolicyId, _policyId));
        }

        /// <summary>Records the run's terminal status; returns <paramref name="finished"/>.</summary>
        public RunRecord End(RunRecord finished)
        {
            End(finished.Status);
            return finished;
        }

        /// <summary>A run whose execution threw (the orchestrator shut down) ends <c>interrupted</c>.</summary>
        public void Dispose()
        {
            End(RunStatus.Interrupted);
            _activity?.Dispose();
        }

        private void End(RunStatus status)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            var statusName = status.ToName();
            var tags = new TagList { { ConduitTagNames.PolicyId, _policyId }, { ConduitTagNames.RunStatus, statusName } };
            Finished.Add(1, tags);
            Duration.Record(Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds, tags);
            if (_activity is not null)
            {
                _activity.SetTag(ConduitTagNames.RunStatus, statusName);
                _activity.SetStatus(status == RunStatus.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, statusName);
            }
        }
    }
}
