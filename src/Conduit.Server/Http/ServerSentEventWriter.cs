using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Conduit.Server.Http;

/// <summary>
/// Writes a <c>text/event-stream</c> response: comments and <c>id</c>/<c>event</c>/<c>data</c> frames. The
/// <c>...Async</c> methods flush each frame; <see cref="WriteJsonEvent{T}"/> and <see cref="WriteEvent"/> only buffer
/// (UTF-8, straight into the response's pipe), so a burst of events goes out with one <see cref="FlushAsync"/>.
/// </summary>
internal sealed class ServerSentEventWriter
{
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "\ndata: "u8.ToArray();
    private static readonly byte[] FrameEnd = "\n\n"u8.ToArray();

    private readonly HttpResponse _response;
    private readonly PipeWriter _body;

    private ServerSentEventWriter(HttpResponse response)
    {
        _response = response;
        _body = response.BodyWriter;
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

    public Task EventAsync(string eventName, string data, string? id, CancellationToken cancellationToken) =>
        WriteRawAsync(Frame(eventName, data, id), cancellationToken);

    public Task EventAsync(string eventName, string data, long id, CancellationToken cancellationToken) =>
        EventAsync(eventName, data, id.ToString(CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>
    /// Buffers one <c>event</c>/<c>data</c> frame whose data is <paramref name="value"/> serialized as JSON. The options
    /// must not indent: compact JSON never holds a raw line break (they are escaped in strings), so it is one data line.
    /// </summary>
    public void WriteJsonEvent<T>(string eventName, T value, JsonSerializerOptions options)
    {
        WriteAscii(EventPrefix);
        WriteText(eventName);
        WriteAscii(DataPrefix);
        using (var json = new Utf8JsonWriter(_body, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(json, value, options);
        }

        WriteAscii(FrameEnd);
    }

    /// <summary>Buffers one frame (as <see cref="EventAsync(string, string, string?, CancellationToken)"/>, without the flush).</summary>
    public void WriteEvent(string eventName, string data) => WriteText(Frame(eventName, data, id: null));

    /// <summary>Sends what was buffered.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) =>
        await _body.FlushAsync(cancellationToken).ConfigureAwait(false);

    private static string Frame(string eventName, string data, string? id)
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
        return frame.ToString();
    }

    private void WriteAscii(ReadOnlySpan<byte> bytes) => _body.Write(bytes);

    private void WriteText(string text)
    {
        var span = _body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _body.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private async Task WriteRawAsync(string text, CancellationToken cancellationToken)
    {
        WriteText(text);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
