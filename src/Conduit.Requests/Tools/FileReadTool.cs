using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary><c>file.read</c>: text of a file inside the roots, by character window or line range.</summary>
internal sealed class FileReadTool : IRequestTool
{
    private const long MaxFileBytes = 16 * 1024 * 1024;

    public string Name => ToolNames.FileRead;

    public async Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var path = args.String("path", required: true);
        var maxChars = args.Int("maxChars", 20_000, 1, 100_000);
        var offset = args.Int("offset", 0, 0, int.MaxValue);
        var startLine = args.OptionalInt("startLine", 1, int.MaxValue);
        var endLine = args.OptionalInt("endLine", 1, int.MaxValue);
        if (args.Error is not null || path is null)
        {
            return ToolOutcome.Fail(args.Error ?? "file.read needs args.path.");
        }

        if (RequestPolicy.PathProblem(path, write: false, context.Paths) is { } problem)
        {
            return ToolOutcome.Denied(problem);
        }

        var guarded = context.Paths.Check(path);
        var info = new FileInfo(guarded.RealPath!);
        if (!info.Exists)
        {
            return ToolOutcome.Fail($"Not a file: {path}");
        }

        if (info.Length > MaxFileBytes)
        {
            return ToolOutcome.Fail($"File is too large to read: {info.Length} bytes > {MaxFileBytes} bytes.");
        }

        var text = await File.ReadAllTextAsync(info.FullName, cancellationToken).ConfigureAwait(false);
        if (startLine is not null || endLine is not null)
        {
            var lines = text.Split('\n');
            var first = (startLine ?? 1) - 1;
            var last = Math.Min(endLine ?? lines.Length, lines.Length);
            text = first >= last ? string.Empty : string.Join('\n', lines[first..last]);
        }

        var window = Math.Min(maxChars, context.Options.MaxToolOutputChars);
        var start = Math.Min(offset, text.Length);
        var returned = Math.Min(window, text.Length - start);
        var truncated = start + returned < text.Length;
        var metadata = new JsonObject
        {
            ["absolutePath"] = guarded.RealPath,
            ["relativePath"] = guarded.RelativePath,
            ["offset"] = start,
            ["returnedChars"] = returned,
            ["chars"] = returned,
            ["totalChars"] = text.Length,
            ["truncated"] = truncated,
        };
        if (truncated)
        {
            metadata["nextOffset"] = start + returned;
        }

        return ToolOutcome.Ok(text.Substring(start, returned), metadata);
    }
}
