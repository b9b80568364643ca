using System.Security.Cryptography;
using System.Text;
using Conduit.Requests;

namespace Conduit.Cli.Requests;

/// <summary>
/// <c>conduit request watch</c>: polls the clipboard; a new buffer holding a request gets the "still working" status
/// first, then its results (or repair, or review notice). Unchanged buffers and anything that is not a request are
/// left alone, and so is what the watcher wrote itself.
/// </summary>
internal sealed class ClipboardWatcher(RequestHost host, IClipboard clipboard)
{
    private string? _lastHash;

    /// <summary>Reads the clipboard once and handles a new request on it; returns the exit code of what it did.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var text = await clipboard.ReadAsync(cancellationToken).ConfigureAwait(false);
        var hash = Hash(text);
        if (hash == _lastHash)
        {
            return Hosting.ExitCodes.Success;
        }

        _lastHash = hash;
        var parsed = host.Processor.Parse(text, RequestOrigin.Clipboard);
        switch (parsed.Status)
        {
            case RequestParseStatus.Rejected:
                await host.Environment.Error.WriteLineAsync($"[conduit] rejected: {parsed.Repair!.Code}: {parsed.Repair.Reason}").ConfigureAwait(false);
                await WriteAsync(parsed.Repair.Render(), cancellationToken).ConfigureAwait(false);
                return Hosting.ExitCodes.UsageError;
            case RequestParseStatus.Request:
                var outcome = await ReviewedRequestRun.RunAsync(
                    host,
                    parsed.Request!,
                    (runId, sessionId) => WriteAsync(RequestResults.RenderWorkingStatus(runId, sessionId), cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                var (result, exitCode) = ReviewedRequestRun.Render(outcome, ResultFormat.Clipboard, host.Processor.Options.MaxClipboardResultChars);
                await WriteAsync(result, cancellationToken).ConfigureAwait(false);
                await host.Environment.Error.WriteLineAsync($"[conduit] run {outcome.RunId}: {Describe(outcome)} ({outcome.RunDirectory})").ConfigureAwait(false);
                return exitCode;
            default:
                return Hosting.ExitCodes.Success;
        }
    }

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await clipboard.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        _lastHash = Hash(text);
    }

    private static string Describe(RequestRunOutcome outcome) => outcome.Status switch
    {
        RequestRunStatus.Completed => outcome.Results!.Status,
        RequestRunStatus.ReviewRequired => "needs review",
        _ => "refused: " + outcome.Reason,
    };

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
