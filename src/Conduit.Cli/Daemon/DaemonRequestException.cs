using System.Net;

namespace Conduit.Cli.Daemon;

/// <summary>The daemon answered a request with an error; the message is its <c>error</c> member.</summary>
internal sealed class DaemonRequestException(string message, HttpStatusCode statusCode) : ConduitException(message)
{
    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;
}
