using System.CommandLine;
using Conduit.Cli.Hosting;

namespace Conduit.Cli.Daemon;

/// <summary>
/// The <c>runs</c> commands' <c>--token-file</c> option: the file a daemon started with <c>conduit serve --token-file</c>
/// keeps its bearer token in. The default is <c>$CONDUIT_TOKEN_FILE</c>; without either, no token is sent.
/// </summary>
internal static class DaemonTokenFile
{
    public const string OptionName = "--token-file";

    public const string EnvironmentVariable = "CONDUIT_TOKEN_FILE";

    /// <summary>Creates the option (recursive: every <c>runs</c> subcommand accepts it).</summary>
    public static Option<string?> CreateOption() => new(OptionName)
    {
        Description = "The daemon's token file (the one given to `conduit serve --token-file`; default $CONDUIT_TOKEN_FILE): its token is sent as \"Authorization: Bearer\".",
        Recursive = true,
    };

    /// <summary>The token to send, or <see langword="null"/> when no token file is named.</summary>
    /// <exception cref="ConduitException">The named file cannot be read or is empty.</exception>
    public static string? ReadToken(ParseResult parseResult, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(environment);
        var path = parseResult.GetValue<string?>(OptionName);
        path ??= environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var fullPath = Path.GetFullPath(path, environment.WorkingDirectory);
        string token;
        try
        {
            token = File.ReadAllText(fullPath).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConduitException($"Cannot read the daemon's token file {fullPath}: {exception.Message}", exception);
        }

        return token.Length == 0 ? throw new ConduitException($"The daemon's token file {fullPath} is empty.") : token;
    }
}
