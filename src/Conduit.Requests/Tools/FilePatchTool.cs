using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary><c>file.patch</c>: a unified diff applied with <c>git apply</c> in the first root; the patch is kept in the run folder.</summary>
internal sealed class FilePatchTool : IRequestTool
{
    public string Name => ToolNames.FilePatch;

    public async Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var patch = args.String("patch", required: true);
        if (args.Error is not null || patch is null)
        {
            return ToolOutcome.Fail(args.Error ?? "file.patch needs args.patch.");
        }

        if (RequestPolicy.HardDeny(context.Action, context.Paths) is { } denied)
        {
            return ToolOutcome.Denied(denied);
        }

        Directory.CreateDirectory(context.RunDirectory);
        var patchFile = Path.Combine(context.RunDirectory, $"patch_{context.Action.Index}.diff");
        await File.WriteAllTextAsync(patchFile, patch.EndsWith('\n') ? patch : patch + "\n", cancellationToken).ConfigureAwait(false);
        var max = context.Options.MaxToolOutputChars;
        var metadata = new JsonObject { ["patchFile"] = patchFile };

        var check = await GitCommand.RunAsync(context, ["apply", "--check", "--", patchFile], max, cancellationToken).ConfigureAwait(false);
        if (check.LaunchError is not null)
        {
            return ToolOutcome.Fail(check.LaunchError, metadata);
        }

        if (check.ExitCode != 0)
        {
            return ToolOutcome.Fail("The patch does not apply: " + check.StandardError.Trim(), metadata,
                new JsonObject { ["success"] = false, ["message"] = check.StandardError.Trim() });
        }

        var apply = await GitCommand.RunAsync(context, ["apply", "--", patchFile], max, cancellationToken).ConfigureAwait(false);
        var success = apply.ExitCode == 0;
        var message = success ? "Patch applied." : apply.StandardError.Trim();
        var content = new JsonObject
        {
            ["success"] = success,
            ["message"] = message,
            ["diff"] = ToolText.Cap(patch, max, out _),
        };
        return success ? ToolOutcome.Ok(content, metadata) : ToolOutcome.Fail(message, metadata, content);
    }
}
