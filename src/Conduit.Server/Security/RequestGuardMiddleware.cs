using System.Globalization;
using Conduit.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Conduit.Server.Security;

/// <summary>
/// The checks of security.md's "The local daemon", before any endpoint runs: the Host header must name this
/// server on loopback with its port (DNS rebinding), a browser Origin must be this server's own or allow-listed,
/// state-changing requests must be <c>application/json</c> (no simple cross-site form or text posts), and the
/// bearer token must match when auth is on. Every refusal is a problem-details answer. Also sets the security
/// response headers (CSP, nosniff, no referrer) on every answer; no CORS header is ever sent.
/// </summary>
internal sealed partial class RequestGuardMiddleware
{
    private static readonly string[] PublicPaths = ["/healthz", "/", "/docs", "/docs/json", "/openapi.json", "/status", "/playground"];

    private readonly RequestDelegate _next;
    private readonly ConduitServerOptions _options;
    private readonly AuthTokenFile? _token;
    private readonly ILogger<RequestGuardMiddleware> _logger;

    public RequestGuardMiddleware(RequestDelegate next, IOptions<ConduitServerOptions> options, ServerAuth auth, ILogger<RequestGuardMiddleware> logger)
    {
        _next = next;
        _options = options.Value;
        _token = auth.Token;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers[HeaderNames.XFrameOptions] = "DENY";
        response.Headers[HeaderNames.ContentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

        var request = context.Request;
        var host = request.Headers.Host.ToString();
        if (!IsAllowedHost(context, host))
        {
            LogRefused(_logger, "host", request.Method, request.Path.Value ?? string.Empty);
            return new ApiProblem
            {
                Status = StatusCodes.Status421MisdirectedRequest,
                Code = "host_not_allowed",
                Title = "Host not allowed",
                Detail = $"The Host header \"{Sanitize(host)}\" does not name this server; use http://127.0.0.1:{LocalPort(context)} (or localhost, [::1]).",
                Field = "Host",
            }.WriteAsync(context);
        }

        var origin = request.Headers.Origin;
        if (origin.Count > 0 && !IsAllowedOrigin(origin.ToString(), host))
        {
            LogRefused(_logger, "origin", request.Method, request.Path.Value ?? string.Empty);
            return ApiProblem.Forbidden("origin_not_allowed", $"Requests from origin \"{Sanitize(origin.ToString())}\" are not allowed.", "Origin").WriteAsync(context);
        }

        var isStateChanging = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        if (HttpMethods.IsOptions(request.Method))
        {
            // No CORS: a preflight never succeeds.
            return ApiProblem.Forbidden("cors_not_supported", "Cross-origin requests are not supported.").WriteAsync(context);
        }

        if (_token is not null && !IsPublic(request) && !_token.Matches(BearerToken(request)))
        {
            LogRefused(_logger, "token", request.Method, request.Path.Value ?? string.Empty);
            response.Headers.WWWAuthenticate = "Bearer";
            return new ApiProblem
            {
                Status = StatusCodes.Status401Unauthorized,
                Code = "unauthorized",
                Title = "Unauthorized",
                Detail = "A valid bearer token is required: send \"Authorization: Bearer <token>\" with the token from the server's token file.",
                Field = "Authorization",
            }.WriteAsync(context);
        }

        if (isStateChanging && !IsJson(request.ContentType))
        {
            LogRefused(_logger, "content-type", request.Method, request.Path.Value ?? string.Empty);
            return new ApiProblem
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Code = "unsupported_media_type",
                Title = "Unsupported media type",
                Detail = string.IsNullOrEmpty(request.ContentType)
                    ? "A Content-Type header is required: send the body as application/json."
                    : $"Content-Type \"{Sanitize(request.ContentType)}\" is not accepted: send the body as application/json.",
                Field = "Content-Type",
            }.WriteAsync(context);
        }

        return _next(context);
    }

    private bool IsAllowedHost(HttpContext context, string host)
    {
        if (host.Length == 0 || host.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        if (context.Connection.LocalIpAddress is null)
        {
            // A Unix domain socket: clients such as curl --unix-socket send "localhost".
            return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || host.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase);
        }

        var port = LocalPort(context);
        if (string.Equals(host, $"127.0.0.1:{port}", StringComparison.Ordinal)
            || string.Equals(host, $"localhost:{port}", StringComparison.OrdinalIgnoreCase)
            || string.Equals(host, $"[::1]:{port}", StringComparison.Ordinal))
        {
            return true;
        }

        return _options.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
    }

    private bool IsAllowedOrigin(string origin, string host) =>
        !string.Equals(origin, "null", StringComparison.OrdinalIgnoreCase)
        && (string.Equals(origin, $"http://{host}", StringComparison.OrdinalIgnoreCase)
            || _options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase));

    private static bool IsPublic(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && (PublicPaths.Contains(request.Path.Value ?? "/", StringComparer.Ordinal) || request.Path.StartsWithSegments("/assets", StringComparison.Ordinal));

    private static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1)
        {
            return null;
        }

        var value = authorization[0];
        return value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : null;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && mediaType.Parameters.All(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
            && p.Value.ToString().Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static string LocalPort(HttpContext context) => context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture);

    private static string Sanitize(string value)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 200 ? clean : clean[..200] + "...";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request ({Check} check): {Method} {Path}")]
    private static partial void LogRefused(ILogger logger, string check, string method, string path);
}

/// <summary>The loaded auth token, or none when auth is off.</summary>
internal sealed class ServerAuth
{
    public ServerAuth(AuthTokenFile? token)
    {
        Token = token;
    }

    public AuthTokenFile? Token { get; }
}
