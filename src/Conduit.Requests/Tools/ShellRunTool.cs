using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// <c>shell.run</c>: a shell command, by definition a shell string, run as <c>bash -c &lt;command&gt;</c> (the command
/// is one argv element) in the first root with a 30 s timeout; stdout (else stderr) capped at 30,000 characters.
/// </summary>
internal sealed class ShellRunTool : IRequestTool
{
    public string Name => ToolNames.ShellRun;

    public async Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var command = args.String("command", required: true);
        if (args.Error is not null || command is null)
        {
            return ToolOutcome.Fail(args.Error ?? "shell.run needs args.command.");
        }

        if (DestructiveShell.Match(command) is { } rule)
        {
            return ToolOutcome.Denied($"Destructive shell command denied ({rule}): {command}");
        }

        var max = context.Options.MaxToolOutputChars;
        var result = await context.Processes.RunAsync(
            new RequestProcessStart
            {
                FileName = OperatingSystem.IsWindows() ? "bash.exe" : "bash",
                Arguments = ["-c", command],
                WorkingDirectory = context.Paths.BaseDirectory,
                Timeout = context.Options.ShellTimeout,
                MaxOutputChars = max,
            },
            cancellationToken).ConfigureAwait(false);
        if (result.LaunchError is not null)
        {
            return ToolOutcome.Fail(result.LaunchError);
        }

        var useStdout = result.StandardOutputChars > 0 || result.StandardErrorChars == 0;
        var output = useStdout ? result.StandardOutput : result.StandardError;
        var total = useStdout ? result.StandardOutputChars : result.StandardErrorChars;
        var truncated = total > max;
        var content = truncated ? output + "\n" + ToolText.TruncationMarker : output;
        var metadata = new JsonObject
        {
            ["command"] = command,
            ["exitCode"] = result.ExitCode,
            ["truncated"] = truncated,
        };
        if (result.TimedOut)
        {
            metadata["timedOut"] = true;
            return ToolOutcome.Fail($"Command timed out after {context.Options.ShellTimeout.TotalSeconds:0} s; its process tree was killed.", metadata, content);
        }

        if (result.Cancelled)
        {
            return ToolOutcome.Fail("Command was cancelled; its process tree was killed.", metadata, content);
        }

        return result.ExitCode == 0
            ? ToolOutcome.Ok(content, metadata)
            : ToolOutcome.Fail($"Command exited with code {result.ExitCode}.", metadata, content);
    }
}
