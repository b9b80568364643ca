using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary><c>git.diff</c>: the working-tree diff, optionally for one path, at most 30,000 characters.</summary>
internal sealed class GitDiffTool : IRequestTool
{
    public string Name => ToolNames.GitDiff;

    public async Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var path = args.String("path", required: false);
        if (args.Error is not null)
        {
            return ToolOutcome.Fail(args.Error);
        }

        List<string> arguments = ["diff", "--no-color", "--no-ext-diff"];
        if (path is not null)
        {
            if (RequestPolicy.PathProblem(path, write: false, context.Paths) is { } problem)
            {
                return ToolOutcome.Denied(problem);
            }

            // After "--", a path starting with "-" cannot become an option.
            arguments.Add("--");
            arguments.Add(context.Paths.Check(path).RealPath!);
        }

        var max = context.Options.MaxToolOutputChars;
        var result = await GitCommand.RunAsync(context, arguments, max, cancellationToken).ConfigureAwait(false);
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
            return ToolOutcome.Fail($"git diff failed: {result.StandardError.Trim()}");
        }

        var truncated = result.StandardOutputChars > max;
        return ToolOutcome.Ok(result.StandardOutput, new JsonObject { ["truncated"] = truncated, ["totalChars"] = result.StandardOutputChars });
    }
}
