namespace Conduit.Server.Tests;

/// <summary>One server-sent event (or comment) as a client sees it.</summary>
internal sealed record SseEvent(string? Name, string Data, string? Id, string? Comment);

internal static class SseParser
{
    public static List<SseEvent> Parse(string text)
    {
        var events = new List<SseEvent>();
        foreach (var frame in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null, id = null, comment = null;
            var data = new List<string>();
            foreach (var line in frame.Split('\n'))
            {
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
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
            }

            events.Add(new SseEvent(name, string.Join('\n', data), id, comment));
        }

        return events;
    }
}
