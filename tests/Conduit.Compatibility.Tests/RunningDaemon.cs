using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conduit.Cli;

namespace Conduit.Compatibility.Tests;

/// <summary>Our daemon, <c>conduit serve --port 0</c> run in-process, and an HTTP client for it on 127.0.0.1.</summary>
internal sealed partial class RunningDaemon : IAsyncDisposable
{
    private static readonly string[] TerminalRunStatuses = ["succeeded", "failed", "canceled", "timed_out", "needs_attention", "interrupted"];
    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _serve;
    private readonly StringWriter _error;

    private RunningDaemon(CancellationTokenSource stop, Task<int> serve, StringWriter error, Uri baseAddress)
    {
        _stop = stop;
        _serve = serve;
        _error = error;
        BaseAddress = baseAddress;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<RunningDaemon> StartAsync(CompatibilitySandbox sandbox)
    {
        var output = new LineSignallingWriter("listening");
        var error = new StringWriter();
        var stop = new CancellationTokenSource();
        var serve = Task.Run(() => ConduitCli.InvokeAsync(["serve", "--port", "0"], sandbox.Environment(output, error), stop.Token));
        await Task.WhenAny(output.Seen, serve).WaitAsync(TimeSpan.FromSeconds(30));
        if (serve.IsCompleted)
        {
            throw new InvalidOperationException($"conduit serve ended early ({await serve}): {error}");
        }

        return new RunningDaemon(stop, serve, error, new Uri(UrlPattern().Match(output.ToString()).Value));
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        return Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Creates a run over <c>POST /runs</c>; returns its id.</summary>
    public async Task<string> CreateRunAsync(string json)
    {
        using var response = await PostJsonAsync("/runs", json);
        var body = await response.Content.ReadAsStringAsync();
        // Deliberate difference: POST /runs answers 202 Accepted (the original: 200).
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /runs: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["run_id"]!.GetValue<string>();
    }

    /// <summary>Polls <c>GET /runs/{id}?include=attempts</c> until the run ends.</summary>
    public async Task<JsonObject> WaitForRunAsync(string runId, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(45));
        while (true)
        {
            var run = await GetJsonAsync($"/runs/{runId}?include=attempts");
            if (TerminalRunStatuses.Contains(run["status"]!.GetValue<string>()))
            {
                return run;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"run {runId} did not end: {run.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _serve.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _stop.Dispose();
            _error.Dispose();
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex UrlPattern();

    /// <summary>A thread-safe writer that completes <see cref="Seen"/> once a line containing a marker was written.</summary>
    private sealed class LineSignallingWriter(string marker) : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
                if (value == '\n' && _text.ToString().Contains(marker, StringComparison.Ordinal))
                {
                    _seen.TrySetResult();
                }
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }
}
