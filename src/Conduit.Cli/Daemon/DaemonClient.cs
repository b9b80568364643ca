using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Cli.Daemon;

/// <summary>
/// A small typed client for the daemon's HTTP API (<c>/healthz</c> and the runs lane), used by the CLI's
/// <c>runs</c> and <c>runtime</c> commands. Errors become <see cref="DaemonRequestException"/> carrying the
/// daemon's <c>error</c> message.
/// </summary>
internal sealed class DaemonClient : IDisposable
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(2);
    private readonly HttpClient _http;

    /// <param name="baseUrl">The daemon's base address.</param>
    /// <param name="bearerToken">The daemon's token (<c>conduit serve --token-file</c>), sent as <c>Authorization: Bearer</c>; <see langword="null"/> sends none.</param>
    public DaemonClient(Uri baseUrl, string? bearerToken = null)
    {
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (bearerToken is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }
    }

    /// <summary>The daemon's base address, e.g. <c>http://127.0.0.1:8888/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Whether a daemon answers <c>GET /healthz</c> with a success status (within 2 seconds).</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HealthTimeout);
        try
        {
            using var response = await _http.GetAsync(new Uri("healthz", UriKind.Relative), timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary><c>POST /runs</c>: returns the answer (<c>{run_id, status, project_id, policy_id, url, events_url}</c>).</summary>
    public Task<JsonObject> CreateRunAsync(JsonObject body, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "runs", body, cancellationToken);

    /// <summary><c>GET /runs/{id}[?include=attempts]</c>: the run record as the daemon serialized it.</summary>
    public Task<JsonObject> GetRunAsync(string runId, bool includeAttempts, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"runs/{Uri.EscapeDataString(runId)}{(includeAttempts ? "?include=attempts" : "")}", null, cancellationToken);

    /// <summary><c>POST /runs/{id}/cancel</c>: returns <c>{run_id, canceled}</c>.</summary>
    public Task<JsonObject> CancelRunAsync(string runId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"runs/{Uri.EscapeDataString(runId)}/cancel", new JsonObject(), cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new DaemonRequestException($"No Conduit daemon answers at {BaseUrl}: {exception.Message}", System.Net.HttpStatusCode.ServiceUnavailable);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonNode? json = null;
            try
            {
                json = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON: reported below with the status.
            }

            if (!response.IsSuccessStatusCode)
            {
                var message = (json as JsonObject)?["error"]?.GetValueKind() == JsonValueKind.String
                    ? json!["error"]!.GetValue<string>()
                    : $"{method} /{path} answered {(int)response.StatusCode} {response.ReasonPhrase}";
                throw new DaemonRequestException(message, response.StatusCode);
            }

            return json as JsonObject ?? throw new DaemonRequestException($"{method} /{path} answered something that is not a JSON object: {Truncate(text)}", response.StatusCode);
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
