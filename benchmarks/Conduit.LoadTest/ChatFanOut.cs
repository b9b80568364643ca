using System.Buffers.Text;
using System.Diagnostics;

namespace Conduit.LoadTest;

/// <summary>One round: N concurrent <c>POST /chat</c> with <c>Accept: text/event-stream</c>, each read to its end.</summary>
internal sealed class FanOutRound
{
    public required double WallMilliseconds { get; init; }

    public required double[] LatenciesMilliseconds { get; init; }

    /// <summary>Each run's latencies, in the order its agent printed the lines.</summary>
    public required double[][] LatenciesByRun { get; init; }

    public required int Failures { get; init; }

    /// <summary>The load test's own CPU time (user + system) during the round: the client shares the cores.</summary>
    public required double ClientCpuMilliseconds { get; init; }

    /// <summary>The p99 of each line's latency (first line, second line, ...): where in a run the tail is.</summary>
    public string P99ByLine()
    {
        var lines = LatenciesByRun.Length == 0 ? 0 : LatenciesByRun.Max(run => run.Length);
        return string.Join(" / ", Enumerable.Range(0, lines).Select(i =>
        {
            var sorted = LatenciesByRun.Where(run => run.Length > i).Select(run => run[i]).Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(0.99 * sorted.Length) - 1, 0, sorted.Length - 1)].ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        }));
    }

    public double Latency(double fraction)
    {
        var sorted = LatenciesMilliseconds.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// The SSE client of the load test. It shares the two cores with the daemon and the agents, so it is kept lean: one
/// request body and one read buffer per connection, the event stream scanned as bytes (no string, no JSON document per
/// line), and the arrival time taken once per read, as soon as the bytes are in.
/// </summary>
internal static class ChatFanOut
{
    private static readonly byte[] Body = """{"project_id":"load-test","prompt":"load test","runner":{"provider":"claude"}}"""u8.ToArray();
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] AgentEvent = "agent"u8.ToArray();
    private static readonly byte[] ResultEvent = "result"u8.ToArray();
    private static readonly byte[] TimestampText = "\"text\":\"t="u8.ToArray();
    private static readonly byte[] SucceededOutcome = "\"outcome\":\"succeeded\""u8.ToArray();

    public static async Task<FanOutRound> RunAsync(HttpClient client, int runs, CancellationToken cancellationToken)
    {
        var latencies = new double[runs][];
        var succeeded = new bool[runs];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, runs).Select(async run =>
        {
            var received = new List<double>(8);
            succeeded[run] = await RunOneAsync(client, received, cancellationToken);
            latencies[run] = [.. received];
        }));
        var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        return new FanOutRound
        {
            WallMilliseconds = wall,
            LatenciesMilliseconds = [.. latencies.SelectMany(l => l)],
            LatenciesByRun = latencies,
            Failures = succeeded.Count(s => !s),
            ClientCpuMilliseconds = cpu,
        };
    }

    private static async Task<bool> RunOneAsync(HttpClient client, List<double> latencies, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat") { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Accept.Add(new("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"POST /chat: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            return false;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[16 * 1024];
        var filled = 0;
        var scanner = new EventStreamScanner();
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            var receivedMicros = TimestampingAgent.NowMicros();
            filled += read;
            var consumed = scanner.Scan(buffer.AsSpan(0, filled), receivedMicros, latencies);
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }

        return scanner.Succeeded;
    }

    /// <summary>Reads whole <c>event:</c>/<c>data:</c> lines out of the bytes received so far.</summary>
    private sealed class EventStreamScanner
    {
        private bool _inAgentEvent;
        private bool _inResultEvent;
        private bool _inErrorEvent;

        public bool Succeeded { get; private set; }

        /// <summary>Handles every complete line; returns how many bytes were consumed.</summary>
        public int Scan(ReadOnlySpan<byte> bytes, long receivedMicros, List<double> latencies)
        {
            var consumed = 0;
            int newline;
            while ((newline = bytes[consumed..].IndexOf((byte)'\n')) >= 0)
            {
                var line = bytes.Slice(consumed, newline);
                consumed += newline + 1;
                if (line.StartsWith(EventPrefix))
                {
                    var name = line[EventPrefix.Length..];
                    _inAgentEvent = name.SequenceEqual(AgentEvent);
                    _inResultEvent = name.SequenceEqual(ResultEvent);
                    _inErrorEvent = name.SequenceEqual("error"u8);
                }
                else if (line.StartsWith(DataPrefix))
                {
                    if (_inAgentEvent && TimestampOf(line) is { } printed)
                    {
                        latencies.Add((receivedMicros - printed) / 1000.0);
                    }
                    else if (_inResultEvent)
                    {
                        Succeeded = line.IndexOf(SucceededOutcome) >= 0;
                        if (!Succeeded)
                        {
                            Console.Error.WriteLine($"run did not succeed: {System.Text.Encoding.UTF8.GetString(line)}");
                        }
                    }
                    else if (_inErrorEvent)
                    {
                        Console.Error.WriteLine($"run failed: {System.Text.Encoding.UTF8.GetString(line)}");
                    }
                }
            }

            return consumed;
        }

        // "text":"t=SECONDS.MICROS" in an agent text event, as Unix microseconds.
        private static long? TimestampOf(ReadOnlySpan<byte> line)
        {
            var at = line.IndexOf(TimestampText);
            if (at < 0)
            {
                return null;
            }

            var value = line[(at + TimestampText.Length)..];
            if (!Utf8Parser.TryParse(value, out long seconds, out var secondsLength) || secondsLength >= value.Length || value[secondsLength] != '.'
                || !Utf8Parser.TryParse(value[(secondsLength + 1)..], out long micros, out _))
            {
                return null;
            }

            return (seconds * 1_000_000) + micros;
        }
    }
}
