using Microsoft.Extensions.Logging;

namespace Conduit.Runners.Logging;

/// <summary>The runners' log messages. Prompts, argv and agent output only at Trace; never environment values.</summary>
internal static partial class RunnerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Starting {Provider} run ({Executable}, model {Model}, resume {ResumeSessionId})")]
    public static partial void RunStarted(ILogger logger, string provider, string executable, string? model, string? resumeSessionId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Trace, Message = "{Provider} argv: {Arguments}")]
    public static partial void Arguments(ILogger logger, string provider, string arguments);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "{Provider} run ended: {Outcome} after {Duration} (exit code {ExitCode}, session {SessionId})")]
    public static partial void RunEnded(ILogger logger, string provider, AgentOutcome outcome, TimeSpan duration, int? exitCode, string? sessionId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Stopping {Provider} run early: {Outcome}")]
    public static partial void StoppingEarly(ILogger logger, string provider, AgentOutcome outcome);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Trace, Message = "{Provider} stderr: {Line}")]
    public static partial void StandardErrorLine(ILogger logger, string provider, string line);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "{Provider} executable {Executable} was not found")]
    public static partial void NotInstalled(ILogger logger, string provider, string executable);
}
