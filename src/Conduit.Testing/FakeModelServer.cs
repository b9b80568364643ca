using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Testing.Protocols;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Testing;

/// <summary>
/// A scripted fake model API on 127.0.0.1 (random port) that the real agent CLIs talk to: Anthropic Messages (Claude
/// Code), OpenAI Responses (Codex) and the Gemini API (Gemini CLI), all streamed as the CLIs expect.
/// </summary>
/// <remarks>
/// <para>Each model request takes the next <see cref="FakeTurn"/>: first from the provider's own script
/// (<see cref="ScriptFor"/>), then from the shared <see cref="Script"/>, else <see cref="FakeModelServerOptions.DefaultTurn"/>.
/// Every request is recorded in <see cref="Requests"/>; a path the server does not know is answered 404 and shows up
/// in <see cref="UnexpectedRequests"/>. Usage numbers are fixed (<see cref="FakeModelServerOptions"/>), ids count up,
/// so runs are deterministic.</para>
/// <para>The server also owns a refusing loopback proxy (<see cref="ProxyAddress"/>) that
/// <see cref="FakeModelEnvironment"/> hands the CLIs as HTTP(S)_PROXY: connection attempts to any other host are
/// recorded in <see cref="BlockedConnections"/>.</para>
/// </remarks>
public sealed class FakeModelServer : IAsyncDisposable
{
    private static readonly string[] SecretHeaders = ["authorization", "proxy-authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie"];

    private readonly WebApplication _app;
    private readonly ProxyTrap _proxy;
    private readonly FakeModelServerOptions _options;
    private readonly ConcurrentDictionary<string, FakeScript> _providerScripts = new(StringComparer.Ordinal);
    private readonly List<FakeModelRequest> _requests = [];
    private readonly ConcurrentBag<FakeModelEnvironment> _ownedEnvironments = [];
    private readonly Lock _requestsLock = new();
    private int _sequence;
    private int _disposed;

    private FakeModelServer(WebApplication app, ProxyTrap proxy, FakeModelServerOptions options)
    {
        _app = app;
        _proxy = proxy;
        _options = options;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The refusing loopback proxy handed to the CLIs as HTTP(S)_PROXY.</summary>
    public Uri ProxyAddress => _proxy.Address;

    /// <summary>The options the server runs with.</summary>
    public FakeModelServerOptions Options => _options;

    /// <summary>The turns shared by every provider, answered after the provider's own script is empty.</summary>
    public FakeScript Script { get; } = new();

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<FakeModelRequest> Requests
    {
        get
        {
            lock (_requestsLock)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>The model requests (those that took a scripted or default turn) so far, in order.</summary>
    public IReadOnlyList<FakeModelRequest> ModelRequests => Requests.Where(request => request.Turn is not null).ToArray();

    /// <summary>Requests to paths the fake model API does not know (answered 404).</summary>
    public IReadOnlyList<FakeModelRequest> UnexpectedRequests => Requests.Where(request => request.Endpoint == FakeModelEndpoint.Unknown).ToArray();

    /// <summary>
    /// Connection attempts that reached the refusing proxy, i.e. a CLI tried to contact a host other than 127.0.0.1;
    /// each entry is the first request line (e.g. <c>CONNECT statsig.anthropic.com:443 HTTP/1.1</c>).
    /// </summary>
    public IReadOnlyList<string> BlockedConnections => _proxy.Attempts;

    /// <summary>Starts a server on 127.0.0.1 with a port chosen by the system.</summary>
    public static async Task<FakeModelServer> StartAsync(FakeModelServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeModelServerOptions();
        options.Validate();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        var proxy = new ProxyTrap();
        var server = new FakeModelServer(app, proxy, options);
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>The turns only <paramref name="provider"/>'s requests take (e.g. <see cref="AgentProviders.Claude"/>), before the shared <see cref="Script"/>.</summary>
    /// <exception cref="UnknownProviderException">The provider has no fake model API.</exception>
    public FakeScript ScriptFor(string provider) => _providerScripts.GetOrAdd(FakeModelEnvironment.CheckProvider(provider), _ => new FakeScript());

    /// <summary>The requests that spoke <paramref name="provider"/>'s wire protocol.</summary>
    public IReadOnlyList<FakeModelRequest> RequestsFor(string provider)
    {
        var checkedProvider = FakeModelEnvironment.CheckProvider(provider);
        return Requests.Where(request => request.Provider == checkedProvider).ToArray();
    }

    /// <summary>
    /// Creates what <paramref name="provider"/>'s CLI needs to talk only to this server: environment variables, a
    /// throwaway home directory with its settings files, and extra arguments. Dispose it to delete the home directory.
    /// </summary>
    public FakeModelEnvironment CreateEnvironment(string provider, FakeModelEnvironmentOptions? options = null) =>
        FakeModelEnvironment.Create(this, provider, options);

    /// <summary>Creates an environment that is disposed (its home directory deleted) together with this server.</summary>
    internal FakeModelEnvironment CreateOwnedEnvironment(string provider, FakeModelEnvironmentOptions? options)
    {
        var environment = FakeModelEnvironment.Create(this, provider, options);
        _ownedEnvironments.Add(environment);
        return environment;
    }

    /// <summary>Stops the server and the proxy, and deletes the environments created for runners.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _proxy.DisposeAsync().ConfigureAwait(false);
        foreach (var environment in _ownedEnvironments)
        {
            environment.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var sequence = Interlocked.Increment(ref _sequence);
        var bodyText = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        var body = ParseJson(bodyText);
        var (endpoint, provider) = Classify(request.Method, request.Path.Value ?? "/");

        FakeTurn? turn = null;
        FakeReply reply;
        switch (endpoint)
        {
            case FakeModelEndpoint.AnthropicProbe:
                reply = FakeReply.NotFound("the fake model API has nothing at /");
                break;
            case FakeModelEndpoint.AnthropicMessages:
                turn = NextTurn(provider!);
                reply = AnthropicMessagesProtocol.Render(turn, body, _options, sequence);
                break;
            case FakeModelEndpoint.AnthropicCountTokens:
                reply = AnthropicMessagesProtocol.CountTokens(_options);
                break;
            case FakeModelEndpoint.OpenAIResponses:
                turn = NextTurn(provider!);
                reply = OpenAIResponsesProtocol.Render(turn, body, _options, sequence);
                break;
            case FakeModelEndpoint.GeminiStreamGenerateContent:
                turn = NextTurn(provider!);
                reply = GeminiProtocol.StreamGenerateContent(turn, body, _options);
                break;
            case FakeModelEndpoint.GeminiGenerateContent:
                reply = GeminiProtocol.GenerateContent(_options);
                break;
            default:
                reply = FakeReply.NotFound($"the fake model API does not serve {request.Method} {request.Path}");
                break;
        }

        var record = new FakeModelRequest
        {
            Sequence = sequence,
            Endpoint = endpoint,
            Provider = provider,
            Method = request.Method,
            Path = request.Path.Value ?? "/",
            Query = request.QueryString.Value ?? "",
            Headers = Headers(request),
            BodyText = bodyText,
            Body = body,
            Turn = turn,
            ResponseStatusCode = reply.StatusCode,
        };
        lock (_requestsLock)
        {
            _requests.Add(record);
        }

        context.Response.StatusCode = reply.StatusCode;
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        context.Response.ContentType = reply.ContentType;
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private FakeTurn NextTurn(string provider)
    {
        if (_providerScripts.TryGetValue(provider, out var own) && own.TryDequeue(out var turn))
        {
            return turn;
        }

        return Script.TryDequeue(out turn) ? turn : _options.DefaultTurn;
    }

    private static (FakeModelEndpoint Endpoint, string? Provider) Classify(string method, string path)
    {
        if ((HttpMethods.IsHead(method) || HttpMethods.IsGet(method)) && path == "/")
        {
            return (FakeModelEndpoint.AnthropicProbe, AgentProviders.Claude);
        }

        if (!HttpMethods.IsPost(method))
        {
            return (FakeModelEndpoint.Unknown, null);
        }

        if (path == "/v1/messages")
        {
            return (FakeModelEndpoint.AnthropicMessages, AgentProviders.Claude);
        }

        if (path == "/v1/messages/count_tokens")
        {
            return (FakeModelEndpoint.AnthropicCountTokens, AgentProviders.Claude);
        }

        if (path == "/v1/responses")
        {
            return (FakeModelEndpoint.OpenAIResponses, AgentProviders.Codex);
        }

        if (path.StartsWith("/v1beta/models/", StringComparison.Ordinal))
        {
            if (path.EndsWith(":streamGenerateContent", StringComparison.Ordinal))
            {
                return (FakeModelEndpoint.GeminiStreamGenerateContent, AgentProviders.Gemini);
            }

            if (path.EndsWith(":generateContent", StringComparison.Ordinal))
            {
                return (FakeModelEndpoint.GeminiGenerateContent, AgentProviders.Gemini);
            }
        }

        return (FakeModelEndpoint.Unknown, null);
    }

    private static Dictionary<string, string> Headers(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers)
        {
            var key = name.ToLowerInvariant();
            headers[key] = SecretHeaders.Contains(key, StringComparer.Ordinal) ? "<redacted>" : values.ToString();
        }

        return headers;
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        Stream body = request.Body;
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        body = encoding switch
        {
            "gzip" => new GZipStream(body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
            "br" => new BrotliStream(body, CompressionMode.Decompress, leaveOpen: true),
            _ => body,
        };
        try
        {
            using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return "";
        }
        finally
        {
            if (!ReferenceEquals(body, request.Body))
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static JsonNode? ParseJson(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
