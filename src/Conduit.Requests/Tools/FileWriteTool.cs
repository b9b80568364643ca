using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary><c>file.write</c>: create, overwrite or append a file inside the roots; the previous content is backed up in the run folder.</summary>
internal sealed class FileWriteTool : IRequestTool
{
    public string Name => ToolNames.FileWrite;

    public async Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var path = args.String("path", required: true);
        var content = args.String("content", required: true);
        var mode = args.String("mode", required: false, fallback: "overwrite");
        if (args.Error is not null || path is null || content is null)
        {
            return ToolOutcome.Fail(args.Error ?? "file.write needs args.path and args.content.");
        }

        if (mode is not ("create" or "overwrite" or "append"))
        {
            return ToolOutcome.Fail("args.mode must be create, overwrite or append.");
        }

        if (RequestPolicy.PathProblem(path, write: true, context.Paths) is { } problem)
        {
            return ToolOutcome.Denied(problem);
        }

        var guarded = context.Paths.Check(path);
        var real = guarded.RealPath!;
        if (Directory.Exists(real))
        {
            return ToolOutcome.Fail($"Path is a directory: {path}");
        }

        var exists = File.Exists(real);
        if (mode == "create" && exists)
        {
            return ToolOutcome.Fail($"File already exists: {path}");
        }

        long previousSize = 0;
        string? backup = null;
        if (exists)
        {
            previousSize = new FileInfo(real).Length;
            var backups = Path.Combine(context.RunDirectory, "backups");
            Directory.CreateDirectory(backups);
            backup = Path.Combine(backups, $"{context.Action.Index}_{Path.GetFileName(real)}");
            File.Copy(real, backup, overwrite: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        if (mode == "append")
        {
            await File.AppendAllTextAsync(real, content, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await File.WriteAllTextAsync(real, content, cancellationToken).ConfigureAwait(false);
        }

        var metadata = new JsonObject
        {
            ["path"] = guarded.RelativePath,
            ["mode"] = mode,
            ["previousSize"] = previousSize,
            ["newSize"] = new FileInfo(real).Length,
        };
        if (backup is not null)
        {
            metadata["backupPath"] = backup;
        }

        return ToolOutcome.Ok(new JsonObject { ["success"] = true }, metadata);
    }
}
