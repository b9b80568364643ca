using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Conduit.LoadTest;

/// <summary>One round: N concurrent <c>POST /chat</c> with <c>Accept: text/event-stream</c>, each read to its end.</summary>
internal sealed class FanOutRound
{
    public required double WallMilliseconds { get; init; }

    public required double[] LatenciesMilliseconds { get; init; }

    public required int Failures { get; init; }

    public double Latency(double fraction)
    {
        var sorted = LatenciesMilliseconds.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

internal static class ChatFanOut
{
    private const string Body = """{"project_id":"load-test","prompt":"load test","runner":{"provider":"claude"}}""";

    public static async Task<FanOutRound> RunAsync(HttpClient client, int runs, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, runs).Select(async _ =>
        {
            var (runLatencies, succeeded) = await RunOneAsync(client, cancellationToken);
            lock (latencies)
            {
                latencies.AddRange(runLatencies);
                failures += succeeded ? 0 : 1;
            }
        }));
        var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return new FanOutRound { WallMilliseconds = wall, LatenciesMilliseconds = [.. latencies], Failures = failures };
    }

    private static async Task<(List<double> Latencies, bool Succeeded)> RunOneAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var latencies = new List<double>();
        if (!response.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"POST /chat: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            return (latencies, false);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var eventName = "";
        var succeeded = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName is "agent" or "result")
            {
                var received = TimestampingAgent.NowMicros();
                using var data = JsonDocument.Parse(line.AsMemory(6));
                var root = data.RootElement;
                if (eventName == "agent" && root.GetProperty("type").GetString() == "text"
                    && TimestampingAgent.TimestampOf(root.GetProperty("text").GetString() ?? "") is { } printed)
                {
                    latencies.Add((received - printed) / 1000.0);
                }
                else if (eventName == "result")
                {
                    succeeded = root.TryGetProperty("outcome", out var outcome) && outcome.GetString() == "succeeded";
                }
            }
        }

        return (latencies, succeeded);
    }
}
