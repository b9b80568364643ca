namespace Conduit.Requests;

/// <summary>Runs git with argv elements; repository hooks that run on read commands (fsmonitor) are switched off.</summary>
internal static class GitCommand
{
    public static Task<RequestProcessResult> RunAsync(ToolContext context, IReadOnlyList<string> arguments, int maxOutputChars, CancellationToken cancellationToken) =>
        context.Processes.RunAsync(
            new RequestProcessStart
            {
                FileName = "git",
                Arguments = ["-c", "core.fsmonitor=false", "-c", "core.pager=cat", .. arguments],
                WorkingDirectory = context.Paths.BaseDirectory,
                Timeout = context.Options.ShellTimeout,
                MaxOutputChars = maxOutputChars,
            },
            cancellationToken);

    public static bool IsNotARepository(RequestProcessResult result) =>
        result.ExitCode == 128 && result.StandardError.Contains("not a git repository", StringComparison.OrdinalIgnoreCase);
}
