using Microsoft.Extensions.Logging;

namespace Conduit.Requests;

/// <summary>The package's log messages. Request contents are never logged above Trace.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Request rejected from {Origin}: {Code} at {Path}")]
    public static partial void RequestRejected(ILogger logger, RequestOrigin origin, string code, string path);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Request {Hash} evaluated: {Decision} ({Reason})")]
    public static partial void RequestEvaluated(ILogger logger, string hash, string decision, string reason);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Request run {RunId} ended {Status} in session {SessionId}")]
    public static partial void RunCompleted(ILogger logger, string runId, string status, string? sessionId);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Request run {RunId} refused: {Reason}")]
    public static partial void RunRefused(ILogger logger, string runId, string reason);
}
