using System.Text.Json.Serialization;

namespace Conduit;

/// <summary>
/// The status of a run or an attempt. JSON names follow the original Conduit (<c>canceled</c> with one l);
/// <see cref="RunStatusNames.Parse"/> also accepts <c>cancelled</c>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>Accepted and waiting for a slot.</summary>
    [JsonStringEnumMemberName("queued")]
    Queued,

    /// <summary>Executing.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Every check passed.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>Attempts exhausted, a check asked for terminal failure, or a hook failed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Cancelled by a caller.</summary>
    [JsonStringEnumMemberName("canceled")]
    Cancelled,

    /// <summary>An attempt, check or the whole run exceeded its timeout.</summary>
    [JsonStringEnumMemberName("timed_out")]
    TimedOut,

    /// <summary>Escalation said to stop and ask a human.</summary>
    [JsonStringEnumMemberName("needs_attention")]
    NeedsAttention,

    /// <summary>The orchestrator died while the run was executing.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,
}

/// <summary>Names and helpers for <see cref="RunStatus"/>.</summary>
public static class RunStatusNames
{
    /// <summary>The JSON name of a status.</summary>
    public static string ToName(this RunStatus status) => status switch
    {
        RunStatus.Queued => "queued",
        RunStatus.Running => "running",
        RunStatus.Succeeded => "succeeded",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "canceled",
        RunStatus.TimedOut => "timed_out",
        RunStatus.NeedsAttention => "needs_attention",
        RunStatus.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Whether the status is final.</summary>
    public static bool IsTerminal(this RunStatus status) => status is not (RunStatus.Queued or RunStatus.Running);

    /// <summary>Parses a status name; accepts both <c>canceled</c> and <c>cancelled</c>.</summary>
    public static bool TryParse(string? name, out RunStatus status)
    {
        status = default;
        switch (name?.Trim().ToLowerInvariant())
        {
            case "queued": status = RunStatus.Queued; return true;
            case "running": status = RunStatus.Running; return true;
            case "succeeded": status = RunStatus.Succeeded; return true;
            case "failed": status = RunStatus.Failed; return true;
            case "canceled" or "cancelled": status = RunStatus.Cancelled; return true;
            case "timed_out": status = RunStatus.TimedOut; return true;
            case "needs_attention": status = RunStatus.NeedsAttention; return true;
            case "interrupted": status = RunStatus.Interrupted; return true;
            default: return false;
        }
    }

    /// <summary>Parses a status name or throws an error listing the valid names.</summary>
    public static RunStatus Parse(string name) => TryParse(name, out var status)
        ? status
        : throw new ArgumentException($"Unknown run status \"{name}\". Valid: queued, running, succeeded, failed, canceled, timed_out, needs_attention, interrupted.", nameof(name));
}
