namespace Conduit;

/// <summary>The buffered result of an agent run: the fold of its event stream.</summary>
public sealed class AgentResult
{
    /// <summary>The runner that ran.</summary>
    public required RunnerSpec Runner { get; init; }

    /// <summary>How the run ended.</summary>
    public required AgentOutcome Outcome { get; init; }

    /// <summary>Whether <see cref="Outcome"/> is <see cref="AgentOutcome.Succeeded"/>.</summary>
    public bool IsSuccess => Outcome == AgentOutcome.Succeeded;

    /// <summary>The provider's session id, when one was seen.</summary>
    public string? SessionId { get; init; }

    /// <summary>The model the CLI reported.</summary>
    public string? Model { get; init; }

    /// <summary>The CLI's version, when known.</summary>
    public string? CliVersion { get; init; }

    /// <summary>The final text: the completed event's, else all text of the last message.</summary>
    public string? Text { get; init; }

    /// <summary>Why the run ended as it did.</summary>
    public string? Reason { get; init; }

    /// <summary>The CLI's exit code.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Usage for the run; <see cref="AgentUsage.Empty"/> when none was reported.</summary>
    public AgentUsage Usage { get; init; } = AgentUsage.Empty;

    /// <summary>Every error event.</summary>
    public IReadOnlyList<ErrorEvent> Errors { get; init; } = [];

    /// <summary>Every event, in order.</summary>
    public IReadOnlyList<AgentEvent> Events { get; init; } = [];
}
