using System.Text;

namespace Conduit.Compatibility.Tests;

/// <summary>One server-sent event as a client sees it: <see cref="Name"/> is null for a comment (<see cref="Comment"/>).</summary>
internal sealed record SseEvent(string? Name, string Data, string? Comment);

/// <summary>Reads server-sent events one at a time from a streaming response.</summary>
internal sealed class SseStream(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event or comment; <see langword="null"/> at the end of the stream.</summary>
    public async Task<SseEvent?> ReadAsync()
    {
        string? name = null, comment = null;
        var data = new List<string>();
        var any = false;
        while (await _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            if (line.Length == 0)
            {
                if (any)
                {
                    return new SseEvent(name, string.Join('\n', data), comment);
                }

                continue;
            }

            any = true;
            if (line.StartsWith(':'))
            {
                comment = line[1..].Trim();
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line[6..]);
            }
        }

        return any ? new SseEvent(name, string.Join('\n', data), comment) : null;
    }

    /// <summary>Every remaining event.</summary>
    public async Task<List<SseEvent>> ReadToEndAsync()
    {
        var events = new List<SseEvent>();
        while (await ReadAsync() is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    public void Dispose() => _reader.Dispose();
}
