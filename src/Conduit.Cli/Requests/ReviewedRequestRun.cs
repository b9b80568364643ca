using Conduit.Cli.Hosting;
using Conduit.Requests;

namespace Conduit.Cli.Requests;

/// <summary>How results are printed: <c>json</c> (<c>conduit.results.v1</c>) or <c>clipboard</c> (the CONDUIT_RESULTS_JSON block).</summary>
internal enum ResultFormat
{
    Json = 0,
    Clipboard,
}

/// <summary>
/// Runs one parsed request the way <c>conduit request run</c> and <c>watch</c> do: a live session's request runs
/// directly; anything else is reviewed on the terminal first, and with no terminal it is refused (nothing runs).
/// Every outcome, including refusals and denials, is logged in the run folder by <see cref="RequestProcessor"/>.
/// </summary>
internal static class ReviewedRequestRun
{
    /// <summary>Runs <paramref name="request"/>; <paramref name="started"/> hears the run id (and session) before anything runs.</summary>
    public static async Task<RequestRunOutcome> RunAsync(
        RequestHost host,
        ParsedRequest request,
        Func<string, string?, Task>? started,
        CancellationToken cancellationToken)
    {
        var environment = host.Environment;
        var processor = host.Processor;
        const RequestTransport transport = RequestTransport.Clipboard;
        var evaluation = await processor.EvaluateAsync(request, transport, cancellationToken).ConfigureAwait(false);
        if (evaluation.Trusted || evaluation.Repair is not null)
        {
            var runId = processor.NewRunId();
            if (started is not null && evaluation.Repair is null)
            {
                await started(runId, request.SessionId).ConfigureAwait(false);
            }

            return await processor.ExecuteAsync(request, transport, approval: null, runId, cancellationToken).ConfigureAwait(false);
        }

        var review = processor.CreateReview(request, evaluation);
        if (started is not null)
        {
            await started(review.RunId, null).ConfigureAwait(false);
        }

        await environment.Error.WriteAsync(review.Text).ConfigureAwait(false);
        if (!environment.IsInputTerminal)
        {
            await environment.Error.WriteLineAsync("[conduit] needs review: standard input is not a terminal, so nothing ran. Review it with a terminal (conduit request run FILE).").ConfigureAwait(false);
            return await processor.ExecuteAsync(request, transport, approval: null, review.RunId, cancellationToken).ConfigureAwait(false);
        }

        var approval = await TerminalReviewer.AskAsync(environment, request, review, cancellationToken).ConfigureAwait(false);
        return await processor.ExecuteAsync(request, transport, approval, review.RunId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The text to print (or put on the clipboard) for an outcome, and the exit code.</summary>
    public static (string Text, int ExitCode) Render(RequestRunOutcome outcome, ResultFormat format, int maxClipboardChars)
    {
        switch (outcome.Status)
        {
            case RequestRunStatus.Completed:
                var results = outcome.Results!;
                var text = format == ResultFormat.Clipboard ? results.RenderForClipboard(maxClipboardChars) : results.ToJsonString();
                return (text, results.Status == "ok" ? ExitCodes.Success : ExitCodes.AgentFailed);
            case RequestRunStatus.ReviewRequired:
                return (outcome.Review!.ClipboardNotice, ExitCodes.NeedsReview);
            default:
                if (outcome.Repair is { } repair)
                {
                    return (format == ResultFormat.Clipboard ? repair.Render() : repair.ToJsonString(), ExitCodes.UsageError);
                }

                return ($"Conduit: nothing ran. {outcome.Reason}\nRun: {outcome.RunId}\n", ExitCodes.ReviewDenied);
        }
    }
}
