using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conduit.Server;

/// <summary>
/// Builds and runs the daemon: Kestrel bound as <see cref="ConduitServerOptions"/> say (loopback unless told
/// otherwise, optionally a Unix socket), the daemon's services and every endpoint.
/// </summary>
public static partial class ConduitServer
{
    /// <summary>
    /// Creates a builder with Kestrel and the daemon's services configured. Add the runners, the orchestrator and an
    /// <see cref="Projects.IProjectDirectoryResolver"/> to <see cref="WebApplicationBuilder.Services"/>, then call
    /// <see cref="Build"/>.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid (e.g. a non-loopback host without <see cref="ConduitServerOptions.AllowNonLoopback"/>).</exception>
    public static WebApplicationBuilder CreateBuilder(ConduitServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ConduitServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddConduitServer(options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersBytes;
            kestrel.Limits.MaxRequestHeaderCount = 64;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            var address = string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port);
            if (options.UnixSocketPath is { } socketPath)
            {
                PrepareSocketPath(socketPath);
                kestrel.ListenUnixSocket(socketPath);
            }
        });
        return builder;
    }

    /// <summary>Builds the application and maps every endpoint.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.MapConduitEndpoints();
        return app;
    }

    /// <summary>Starts <paramref name="app"/> and returns the addresses it listens on (e.g. <c>http://127.0.0.1:8888</c>).</summary>
    public static async Task<IReadOnlyList<Uri>> StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConduitServerOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConduitServer));
        if (!ConduitServerOptionsValidator.IsLoopback(options.Host))
        {
            LogNonLoopback(logger, options.Host, options.Port, options.AuthTokenFile is null ? " WITHOUT an auth token" : string.Empty);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        if (options.UnixSocketPath is { } socketPath && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Where(a => a.StartsWith("http", StringComparison.Ordinal)).Select(a => new Uri(a)).ToArray();
    }

    /// <summary>Builds, starts and runs the daemon until <paramref name="cancellationToken"/> is cancelled or the process is told to stop (SIGTERM, Ctrl+C).</summary>
    public static async Task RunAsync(WebApplicationBuilder builder, Action<IReadOnlyList<Uri>>? onStarted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = Build(builder);
        await using (app.ConfigureAwait(false))
        {
            var addresses = await StartAsync(app, cancellationToken).ConfigureAwait(false);
            onStarted?.Invoke(addresses);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void PrepareSocketPath(string socketPath)
    {
        var directory = Path.GetDirectoryName(socketPath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            var mode = File.GetUnixFileMode(directory);
            if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                throw new ConduitException($"The socket directory {directory} is writable by other users (mode {Convert.ToString((int)mode, 8)}); use a private directory (mode 0700).");
            }
        }

        if (File.Exists(socketPath))
        {
            // A stale socket of an earlier run; a live server on it would have refused our bind anyway.
            File.Delete(socketPath);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "!!! Listening on non-loopback address {Host}:{Port}{TokenNote}: anyone who can reach this address can run coding agents with your privileges. !!!")]
    private static partial void LogNonLoopback(ILogger logger, string host, int port, string tokenNote);
}
