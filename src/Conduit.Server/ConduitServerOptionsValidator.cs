using System.Net;
using Microsoft.Extensions.Options;

namespace Conduit.Server;

/// <summary>Validates <see cref="ConduitServerOptions"/>; the server refuses to start with invalid options.</summary>
public sealed class ConduitServerOptionsValidator : IValidateOptions<ConduitServerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ConduitServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("conduit.server.host: must be an IP address or localhost.");
        }
        else if (!IsLoopback(options.Host))
        {
            if (!IPAddress.TryParse(options.Host, out _))
            {
                failures.Add($"conduit.server.host: \"{options.Host}\" is not an IP address or localhost.");
            }
            else if (!options.AllowNonLoopback)
            {
                failures.Add(
                    $"conduit.server.host: refusing to listen on non-loopback address {options.Host}: anyone who can reach it can run agents "
                    + "with your privileges. Bind 127.0.0.1, or pass --allow-non-loopback (and set an auth token) if you really mean it.");
            }
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"conduit.server.port: {options.Port} is not a port (0-65535).");
        }

        if (!AgentProviders.IsKnown(options.DefaultRunner.Split('/', ':')[0].Trim().ToLowerInvariant()))
        {
            failures.Add($"conduit.defaultRunner: unsupported runner provider \"{options.DefaultRunner}\". Known providers: {string.Join(", ", AgentProviders.All)}.");
        }

        if (options.Queue.MaxQueuedRuns is < 0)
        {
            failures.Add("conduit.server.queue.maxQueuedRuns: must be 0 or more (or null for no cap).");
        }

        if (options.Queue.MaxActiveRuns is < 1)
        {
            failures.Add("conduit.server.queue.maxActiveRuns: must be 1 or more (or null for no cap).");
        }

        if (options.Throttling.WindowMs < 1)
        {
            failures.Add("conduit.server.throttling.windowMs: must be 1 or more.");
        }

        if (options.Throttling.MaxRequests < 1)
        {
            failures.Add("conduit.server.throttling.maxRequests: must be 1 or more.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 64L * 1024 * 1024)
        {
            failures.Add("conduit.server.maxRequestBodyBytes: must be between 1 KiB and 64 MiB.");
        }

        if (options.MaxRequestHeadersBytes is < 1024 or > 64 * 1024)
        {
            failures.Add("conduit.server.maxRequestHeadersBytes: must be between 1 KiB and 64 KiB.");
        }

        if (options.MaxJsonDepth is < 2 or > 256)
        {
            failures.Add("conduit.server.maxJsonDepth: must be between 2 and 256.");
        }

        if (options.ShutdownGracePeriod < TimeSpan.Zero || options.ShutdownGracePeriod > TimeSpan.FromHours(1))
        {
            failures.Add("conduit.server.shutdownGracePeriod: must be between 0 and 1 hour.");
        }

        if (options.MaxRetainedChatThreads < 1)
        {
            failures.Add("conduit.server.maxRetainedChatThreads: must be 1 or more.");
        }

        if (options.UnixSocketPath is { } socket && !Path.IsPathFullyQualified(socket))
        {
            failures.Add($"conduit.server.unixSocketPath: \"{socket}\" must be an absolute path.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                failures.Add($"conduit.server.allowedOrigins: \"{origin}\" is not an origin (scheme://host[:port]).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether <paramref name="host"/> is <c>localhost</c> or a loopback IP address.</summary>
    internal static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
