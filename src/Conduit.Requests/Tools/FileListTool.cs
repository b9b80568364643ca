using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conduit.Requests;

/// <summary><c>file.list</c>: files and directories under a path, depth-limited, skipping build and VCS folders.</summary>
internal sealed class FileListTool : IRequestTool
{
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { ".git", "node_modules", "dist", "build", ".next", "coverage" };

    public string Name => ToolNames.FileList;

    public Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var path = args.String("path", required: false, fallback: ".")!;
        var depth = args.Int("depth", 2, 1, 10);
        var glob = args.String("glob", required: false, fallback: "*")!;
        var maxItems = args.Int("maxItems", 1000, 1, 10_000);
        if (args.Error is not null)
        {
            return Task.FromResult(ToolOutcome.Fail(args.Error));
        }

        var guarded = context.Paths.Check(path);
        if (!guarded.IsInside)
        {
            return Task.FromResult(ToolOutcome.Denied($"Path is outside allowed roots: {path}"));
        }

        if (!Directory.Exists(guarded.RealPath))
        {
            return Task.FromResult(ToolOutcome.Fail($"Not a directory: {path}"));
        }

        var pattern = new Regex("^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var items = new JsonArray();
        var truncated = false;
        var prefix = guarded.RelativePath is "." or null ? string.Empty : guarded.RelativePath + "/";
        Walk(guarded.RealPath!, prefix, 1);

        void Walk(string directory, string relative, int level)
        {
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }

            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (truncated)
                {
                    return;
                }

                var isLink = entry.LinkTarget is not null;
                var entryPath = relative + entry.Name;
                var isDirectory = entry is DirectoryInfo;
                if (isLink)
                {
                    // A link is listed only when it resolves inside the roots, and never walked into.
                    var target = context.Paths.Check(entry.FullName);
                    if (!target.IsInside)
                    {
                        continue;
                    }

                    isDirectory = Directory.Exists(target.RealPath);
                }

                if (isDirectory && Skipped.Contains(entry.Name))
                {
                    continue;
                }

                if (pattern.IsMatch(entry.Name))
                {
                    if (items.Count >= maxItems)
                    {
                        truncated = true;
                        return;
                    }

                    items.Add(new JsonObject { ["path"] = entryPath, ["type"] = isDirectory ? "directory" : "file" });
                }

                if (isDirectory && !isLink && level < depth)
                {
                    Walk(entry.FullName, entryPath + "/", level + 1);
                }
            }
        }

        var metadata = new JsonObject { ["returnedItems"] = items.Count, ["truncated"] = truncated, ["maxItems"] = maxItems };
        return Task.FromResult(ToolOutcome.Ok(items, metadata));
    }
}
