using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary><c>git.status</c>: <c>git status --short --branch</c> in the first root, or <c>{isGitRepo:false}</c>.</summary>
internal sealed class GitStatusTool : IRequestTool
{
    public string Name => ToolNames.GitStatus;

    public async Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var max = context.Options.MaxToolOutputChars;
        var result = await GitCommand.RunAsync(context, ["status", "--short", "--branch"], max, cancellationToken).ConfigureAwait(false);
        if (result.LaunchError is not null)
        {
            return ToolOutcome.Fail(result.LaunchError);
        }

        if (GitCommand.IsNotARepository(result))
        {
            return ToolOutcome.Ok(new JsonObject { ["isGitRepo"] = false });
        }

        if (result.ExitCode != 0)
        {
            return ToolOutcome.Fail($"git status failed (exit {result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "killed"}): {result.StandardError.Trim()}");
        }

        var text = ToolText.Cap(result.StandardOutput, max, out var truncated);
        return ToolOutcome.Ok(text, new JsonObject { ["isGitRepo"] = true, ["truncated"] = truncated || result.StandardOutputChars > max });
    }
}
