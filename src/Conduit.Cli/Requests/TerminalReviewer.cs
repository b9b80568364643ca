using Conduit.Cli.Hosting;
using Conduit.Requests;

namespace Conduit.Cli.Requests;

/// <summary>
/// Asks the person at the terminal about a review: approve or deny, the permission profile to grant (when the
/// request does more than read), and which writing or shell actions to confirm. Prompts go to standard error.
/// </summary>
internal static class TerminalReviewer
{
    private static readonly HashSet<string> ReadTools = new(StringComparer.Ordinal)
    {
        ToolNames.FileRead, ToolNames.FileList, ToolNames.GitStatus, ToolNames.GitDiff, ToolNames.ConduitAbout, ToolNames.ConduitHelp,
    };

    /// <summary>The reviewer's decision; never asks when standard input is not a terminal (the caller refuses first).</summary>
    public static async Task<RequestApproval> AskAsync(CliEnvironment environment, ParsedRequest request, RequestReview review, CancellationToken cancellationToken)
    {
        var decidedBy = "terminal:" + (environment.GetEnvironmentVariable("USER") ?? environment.GetEnvironmentVariable("USERNAME") ?? "user");
        if (!await AskYesAsync(environment, "Approve this request? [y/N] ", cancellationToken).ConfigureAwait(false))
        {
            return review.Deny(environment.TimeProvider.GetUtcNow(), decidedBy, "Denied at the terminal.");
        }

        var profile = PermissionProfile.ReadOnly;
        var confirmed = new List<string>();
        var acting = request.Actions.Where(a => !ReadTools.Contains(a.Tool)).ToList();
        if (acting.Count > 0)
        {
            profile = await AskProfileAsync(environment, cancellationToken).ConfigureAwait(false);
            if (profile != PermissionProfile.ReadOnly)
            {
                foreach (var action in acting)
                {
                    if (await AskYesAsync(environment, $"Run {action.Id} ({action.Tool})? [y/N] ", cancellationToken).ConfigureAwait(false))
                    {
                        confirmed.Add(action.Id);
                    }
                }
            }
        }

        return review.Approve(environment.TimeProvider.GetUtcNow(), decidedBy, profile, confirmed);
    }

    private static async Task<PermissionProfile> AskProfileAsync(CliEnvironment environment, CancellationToken cancellationToken)
    {
        while (true)
        {
            await environment.Error.WriteAsync("Grant which profile: read-only, edit-with-confirmation or shell-manual? [read-only] ").ConfigureAwait(false);
            var answer = (await environment.In.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(answer))
            {
                return PermissionProfile.ReadOnly;
            }

            if (PermissionProfileNames.TryParse(answer, out var profile))
            {
                return profile;
            }

            await environment.Error.WriteLineAsync($"\"{answer}\" is not a profile.").ConfigureAwait(false);
        }
    }

    private static async Task<bool> AskYesAsync(CliEnvironment environment, string question, CancellationToken cancellationToken)
    {
        await environment.Error.WriteAsync(question).ConfigureAwait(false);
        var answer = (await environment.In.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }
}
