using System.CommandLine;
using Conduit.Configuration;

namespace Conduit.Cli.Daemon;

/// <summary>
/// The global <c>--base-url</c> option: where the daemon is. The default is <c>http://127.0.0.1:&lt;conduit.server.port&gt;</c>,
/// as in the original Conduit.
/// </summary>
internal static class DaemonAddress
{
    public const string OptionName = "--base-url";

    /// <summary>Creates the option for the root command (recursive: every command accepts it).</summary>
    public static Option<string?> CreateOption() => new(OptionName)
    {
        Description = "The Conduit daemon's URL (default http://127.0.0.1:<conduit.server.port>). runs and runtime commands use it.",
        Recursive = true,
    };

    /// <summary>The <c>--base-url</c> value, else the default from <paramref name="settings"/>; always ends with a slash.</summary>
    public static Uri Resolve(ParseResult parseResult, ConduitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(settings);
        var text = parseResult.GetValue<string?>(OptionName);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Uri($"http://127.0.0.1:{settings.Server.Port}/");
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"--base-url \"{text}\" is not an http:// or https:// URL.");
        }

        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url.GetLeftPart(UriPartial.Path) + "/");
    }

    /// <summary>The URL as the original prints it: no trailing slash.</summary>
    public static string Display(Uri baseUrl) => baseUrl.ToString().TrimEnd('/');
}
