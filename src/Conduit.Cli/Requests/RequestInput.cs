using Conduit.Cli.Hosting;
using Conduit.Requests;

namespace Conduit.Cli.Requests;

/// <summary>Where a request's text comes from: a file, standard input (<c>-</c>), the clipboard or a <c>conduit://</c> link.</summary>
internal sealed class RequestInput
{
    public string? File { get; init; }

    public bool Clipboard { get; init; }

    public string? Link { get; init; }

    /// <summary>Reads the text and its origin; on a usage problem writes it and returns null.</summary>
    public async Task<(string Text, RequestOrigin Origin)?> ReadAsync(CliEnvironment environment, CancellationToken cancellationToken)
    {
        var given = (File is null ? 0 : 1) + (Clipboard ? 1 : 0) + (Link is null ? 0 : 1);
        if (given != 1)
        {
            CliConfiguration.WriteError(environment, "Give the request as exactly one of: a FILE, - (standard input), --clipboard or --link URL.");
            return null;
        }

        if (Link is not null)
        {
            return (Link, RequestOrigin.Link);
        }

        if (Clipboard)
        {
            var clipboard = SystemClipboard.Detect(environment.GetEnvironmentVariable);
            return (await clipboard.ReadAsync(cancellationToken).ConfigureAwait(false), RequestOrigin.Clipboard);
        }

        if (File == "-")
        {
            return (await environment.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false), RequestOrigin.File);
        }

        var path = Path.GetFullPath(File!, environment.WorkingDirectory);
        try
        {
            return (await System.IO.File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), RequestOrigin.File);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            CliConfiguration.WriteError(environment, $"{path}: {exception.Message}");
            return null;
        }
    }
}
