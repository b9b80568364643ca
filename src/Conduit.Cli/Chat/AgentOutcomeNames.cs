namespace Conduit.Cli.Chat;

/// <summary>Printable names and exit codes for <see cref="AgentOutcome"/>.</summary>
internal static class AgentOutcomeNames
{
    public static string ToName(this AgentOutcome outcome) => outcome switch
    {
        AgentOutcome.Succeeded => "succeeded",
        AgentOutcome.Failed => "failed",
        AgentOutcome.ApiError => "api_error",
        AgentOutcome.AuthRequired => "auth_required",
        AgentOutcome.NeedsInput => "needs_input",
        AgentOutcome.MaxTurns => "max_turns",
        AgentOutcome.PermissionDenied => "permission_denied",
        AgentOutcome.TimedOut => "timed_out",
        AgentOutcome.Cancelled => "cancelled",
        AgentOutcome.LaunchFailed => "launch_failed",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static int ToExitCode(this AgentOutcome outcome) => outcome switch
    {
        AgentOutcome.Succeeded => Hosting.ExitCodes.Success,
        AgentOutcome.TimedOut => Hosting.ExitCodes.TimedOut,
        AgentOutcome.Cancelled => Hosting.ExitCodes.Cancelled,
        AgentOutcome.LaunchFailed => Hosting.ExitCodes.ProviderNotInstalled,
        _ => Hosting.ExitCodes.AgentFailed,
    };
}
