using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Conduit.Server.Http;

/// <summary>Writes a <c>text/event-stream</c> response: comments and <c>id</c>/<c>event</c>/<c>data</c> frames, flushed one by one.</summary>
internal sealed class ServerSentEventWriter
{
    private readonly HttpResponse _response;

    private ServerSentEventWriter(HttpResponse response)
    {
        _response = response;
    }

    public static async Task<ServerSentEventWriter> StartAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        return new ServerSentEventWriter(response);
    }

    /// <summary>Whether the client is a browser-style SSE client (the <c>Accept</c> header names <c>text/event-stream</c>).</summary>
    public static bool IsRequested(HttpRequest request) =>
        request.Headers.Accept.Any(value => value is not null && value.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));

    public Task CommentAsync(string text, CancellationToken cancellationToken) =>
        WriteRawAsync($": {text}\n\n", cancellationToken);

    public Task EventAsync(string eventName, string data, string? id, CancellationToken cancellationToken)
    {
        var frame = new StringBuilder();
        if (id is not null)
        {
            frame.Append("id: ").Append(id).Append('\n');
        }

        frame.Append("event: ").Append(eventName).Append('\n');
        foreach (var line in data.Split('\n'))
        {
            frame.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }

        frame.Append('\n');
        return WriteRawAsync(frame.ToString(), cancellationToken);
    }

    public Task EventAsync(string eventName, string data, long id, CancellationToken cancellationToken) =>
        EventAsync(eventName, data, id.ToString(CultureInfo.InvariantCulture), cancellationToken);

    private async Task WriteRawAsync(string text, CancellationToken cancellationToken)
    {
        await _response.WriteAsync(text, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        await _response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
