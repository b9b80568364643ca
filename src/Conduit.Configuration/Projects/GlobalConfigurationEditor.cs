using System.Text;
using Conduit.Configuration.Parsing;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Conduit.Configuration;

/// <summary>The outcome of <see cref="GlobalConfigurationEditor.AddProjectAsync"/>.</summary>
public enum ProjectAddOutcome
{
    /// <summary>The project was added.</summary>
    Added,

    /// <summary>The project was already registered with the same path; the file was not touched.</summary>
    AlreadyRegistered,
}

/// <summary>
/// Edits the project registry (<c>conduit.projects</c>) in the global file as text: only the lines of the entry that is
/// added or removed change, so the rest of the file, its comments and its layout stay as they were. The new text is
/// parsed and validated before it replaces the file, and the file is replaced atomically (a temporary file in the same
/// directory, flushed to disk, then renamed over the original), so a crash leaves either the old or the new file.
/// A flow-style <c>projects: { ... }</c> mapping is rewritten in block style (comments inside the braces are lost).
/// </summary>
public static class GlobalConfigurationEditor
{
    /// <summary>Adds <c>conduit.projects.&lt;projectId&gt;.path: &lt;projectPath&gt;</c> to <paramref name="globalFilePath"/>, creating the file if needed.</summary>
    /// <exception cref="ConfigurationFileException">The file is invalid, or the id is registered with another path.</exception>
    public static async Task<ProjectAddOutcome> AddProjectAsync(string globalFilePath, string projectId, string projectPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(globalFilePath);
        ArgumentNullException.ThrowIfNull(projectId);
        ArgumentNullException.ThrowIfNull(projectPath);
        var text = File.Exists(globalFilePath) ? await File.ReadAllTextAsync(globalFilePath, cancellationToken).ConfigureAwait(false) : string.Empty;
        ThrowIfInvalid(text, globalFilePath);
        var document = SpanReader.Read(text);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var conduit = document?.Get("conduit");
        var projects = conduit?.Value.Get("projects");
        if (projects?.Value.Get(projectId) is { } existing)
        {
            var existingPath = existing.Value.Get("path")?.Value.Text;
            if (existingPath == projectPath)
            {
                return ProjectAddOutcome.AlreadyRegistered;
            }

            throw new ConfigurationFileException(
                globalFilePath, existing.Key.Line, existing.Key.Column, $"conduit.projects.{projectId}", $"project \"{projectId}\" is already registered with path {existingPath}; remove it first");
        }

        var pathText = YamlText.Scalar(projectPath);
        string updated;
        if (document is null)
        {
            updated = AppendBlock(text, newline, $"conduit:{newline}  projects:{newline}    {YamlText.Key(projectId)}:{newline}      path: {pathText}{newline}");
        }
        else if (document.IsFlow)
        {
            throw new ConfigurationFileException(globalFilePath, document.Line, document.Column, null, "the file is written as one flow mapping ({ ... }); add the project by hand");
        }
        else if (conduit is null)
        {
            updated = AppendBlock(text, newline, $"conduit:{newline}  projects:{newline}    {YamlText.Key(projectId)}:{newline}      path: {pathText}{newline}");
        }
        else if (conduit.Value.IsNull)
        {
            var indent = new string(' ', conduit.Key.Column - 1 + 2);
            updated = ReplaceValue(text, conduit.Value, $"{newline}{indent}projects:{newline}{indent}  {YamlText.Key(projectId)}:{newline}{indent}    path: {pathText}");
        }
        else if (conduit.Value.IsFlow || conduit.Value.Kind != SpanKind.Mapping)
        {
            throw new ConfigurationFileException(globalFilePath, conduit.Value.Line, conduit.Value.Column, "conduit", "\"conduit\" is written in flow style ({ ... }); add the project by hand");
        }
        else if (projects is null)
        {
            var first = conduit.Value.Entries[0].Key;
            var indent = new string(' ', first.Column - 1);
            var insertAt = LineStart(text, first.Start);
            updated = text.Insert(insertAt, $"{indent}projects:{newline}{indent}  {YamlText.Key(projectId)}:{newline}{indent}    path: {pathText}{newline}");
        }
        else if (projects.Value.IsNull || (projects.Value.IsFlow && projects.Value.Kind == SpanKind.Mapping))
        {
            var indent = new string(' ', projects.Key.Column - 1 + 2);
            var builder = new StringBuilder();
            foreach (var entry in projects.Value.Entries)
            {
                builder.Append(newline).Append(indent).Append(YamlText.Key(entry.Key.Text!)).Append(": ").Append(text[entry.Value.Start..entry.Value.End]);
            }

            builder.Append(newline).Append(indent).Append(YamlText.Key(projectId)).Append(':')
                .Append(newline).Append(indent).Append("  path: ").Append(pathText);
            updated = ReplaceValue(text, projects.Value, builder.ToString());
        }
        else if (projects.Value.Kind == SpanKind.Mapping && projects.Value.Entries.Count > 0)
        {
            var indent = new string(' ', projects.Value.Entries[0].Key.Column - 1);
            var insertAt = LineEnd(text, projects.Value.Entries[^1].Value);
            var prefix = insertAt == text.Length && !text.EndsWith('\n') ? newline : string.Empty;
            updated = text.Insert(insertAt, $"{prefix}{indent}{YamlText.Key(projectId)}:{newline}{indent}  path: {pathText}{newline}");
        }
        else
        {
            throw new ConfigurationFileException(globalFilePath, projects.Value.Line, projects.Value.Column, "conduit.projects", "\"conduit.projects\" is not a mapping");
        }

        await ReplaceFileAsync(globalFilePath, updated, projectId, expectPresent: true, cancellationToken).ConfigureAwait(false);
        return ProjectAddOutcome.Added;
    }

    /// <summary>Removes <c>conduit.projects.&lt;projectId&gt;</c> from <paramref name="globalFilePath"/>; false when it is not there.</summary>
    /// <exception cref="ConfigurationFileException">The file is invalid.</exception>
    public static async Task<bool> RemoveProjectAsync(string globalFilePath, string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(globalFilePath);
        ArgumentNullException.ThrowIfNull(projectId);
        if (!File.Exists(globalFilePath))
        {
            return false;
        }

        var text = await File.ReadAllTextAsync(globalFilePath, cancellationToken).ConfigureAwait(false);
        ThrowIfInvalid(text, globalFilePath);
        var projects = SpanReader.Read(text)?.Get("conduit")?.Value.Get("projects");
        var entry = projects?.Value.Get(projectId);
        if (projects is null || entry is null)
        {
            return false;
        }

        string updated;
        var remaining = projects.Value.Entries.Where(e => e.Key.Text != projectId).ToList();
        if (projects.Value.IsFlow)
        {
            var flow = remaining.Count == 0
                ? "{}"
                : "{ " + string.Join(", ", remaining.Select(e => YamlText.Key(e.Key.Text!) + ": " + text[e.Value.Start..e.Value.End])) + " }";
            updated = text[..projects.Value.Start] + flow + text[projects.Value.End..];
        }
        else
        {
            var start = LineStart(text, entry.Key.Start);
            var end = LineEnd(text, entry.Value);
            updated = text[..start] + text[end..];
            if (remaining.Count == 0)
            {
                // Leave "projects: {}" rather than a bare "projects:" so the file still says what it holds.
                var colon = text.IndexOf(':', projects.Key.End);
                updated = updated.Insert(colon + 1, " {}");
            }
        }

        await ReplaceFileAsync(globalFilePath, updated, projectId, expectPresent: false, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static void ThrowIfInvalid(string text, string filePath)
    {
        var diagnostics = ConduitConfigurationLoader.ValidateText(text, filePath, ConfigurationFileRole.Global);
        if (diagnostics.Count > 0)
        {
            throw ConfigurationDiagnostic.ToException(diagnostics);
        }
    }

    private static async Task ReplaceFileAsync(string filePath, string text, string projectId, bool expectPresent, CancellationToken cancellationToken)
    {
        // Check the edit before it replaces anything: the new text must be valid and hold (or not hold) the project.
        var diagnostics = ConduitConfigurationLoader.ValidateText(text, filePath, ConfigurationFileRole.Global);
        var present = SpanReader.Read(text)?.Get("conduit")?.Value.Get("projects")?.Value.Get(projectId) is not null;
        if (diagnostics.Count > 0 || present != expectPresent)
        {
            throw new ConfigurationFileException(
                filePath, null, null, $"conduit.projects.{projectId}", "the edit could not be made safely; the file was left unchanged. Edit it by hand"
                + (diagnostics.Count > 0 ? $" ({diagnostics[0].Problem})" : string.Empty));
        }

        await AtomicFile.WriteAllTextAsync(filePath, text, cancellationToken).ConfigureAwait(false);
    }

    private static string AppendBlock(string text, string newline, string block) =>
        text.Length == 0 || text.EndsWith('\n') ? text + block : text + newline + block;

    /// <summary>Replaces a value (e.g. an empty or <c>{}</c> mapping) and the blanks before it on its line.</summary>
    private static string ReplaceValue(string text, SpanNode value, string replacement)
    {
        var start = value.Start;
        while (start > 0 && text[start - 1] is ' ' or '\t')
        {
            start--;
        }

        return text[..start] + replacement + text[value.End..];
    }

    private static int LineStart(string text, int index) => index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    /// <summary>The index just after the line on which <paramref name="node"/> ends.</summary>
    private static int LineEnd(string text, SpanNode node)
    {
        var last = Math.Max(node.Start, node.End - 1);
        var newline = last < text.Length ? text.IndexOf('\n', last) : -1;
        return newline < 0 ? text.Length : newline + 1;
    }

    private enum SpanKind
    {
        Scalar,
        Sequence,
        Mapping,
    }

    /// <summary>A YAML node with its character span in the text.</summary>
    private sealed class SpanNode
    {
        public required SpanKind Kind { get; init; }

        public required int Start { get; init; }

        public required int End { get; set; }

        public required int Line { get; init; }

        public required int Column { get; init; }

        public bool IsFlow { get; init; }

        public string? Text { get; init; }

        public bool IsNull { get; init; }

        public List<(SpanNode Key, SpanNode Value)> Entries { get; } = [];

        public SpanEntry? Get(string key) => Entries.Where(e => e.Key.Text == key).Select(e => new SpanEntry(e.Key, e.Value)).FirstOrDefault();
    }

    private sealed record SpanEntry(SpanNode Key, SpanNode Value);

    private static class SpanReader
    {
        public static SpanNode? Read(string text)
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                return null;
            }

            var root = ReadNode(parser);
            return root.IsNull ? null : root;
        }

        private static SpanNode ReadNode(IParser parser)
        {
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                return new SpanNode
                {
                    Kind = SpanKind.Scalar,
                    Start = (int)scalar.Start.Index,
                    End = (int)scalar.End.Index,
                    Line = (int)scalar.Start.Line,
                    Column = (int)scalar.Start.Column,
                    Text = scalar.Value,
                    IsNull = scalar.Style == ScalarStyle.Plain && YamlConfigReader.TypePlainScalar(scalar.Value) is null,
                };
            }

            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                return new SpanNode { Kind = SpanKind.Scalar, Start = (int)alias.Start.Index, End = (int)alias.End.Index, Line = (int)alias.Start.Line, Column = (int)alias.Start.Column };
            }

            if (parser.TryConsume<SequenceStart>(out var sequenceStart))
            {
                var sequence = new SpanNode
                {
                    Kind = SpanKind.Sequence,
                    Start = (int)sequenceStart.Start.Index,
                    End = (int)sequenceStart.End.Index,
                    Line = (int)sequenceStart.Start.Line,
                    Column = (int)sequenceStart.Start.Column,
                    IsFlow = sequenceStart.Style == SequenceStyle.Flow,
                };
                SequenceEnd? sequenceEnd;
                while (!parser.TryConsume<SequenceEnd>(out sequenceEnd))
                {
                    sequence.End = ReadNode(parser).End;
                }

                if (sequence.IsFlow)
                {
                    sequence.End = (int)sequenceEnd.Start.Index + 1; // just after ']'
                }

                return sequence;
            }

            var mappingStart = parser.Consume<MappingStart>();
            var mapping = new SpanNode
            {
                Kind = SpanKind.Mapping,
                Start = (int)mappingStart.Start.Index,
                End = (int)mappingStart.End.Index,
                Line = (int)mappingStart.Start.Line,
                Column = (int)mappingStart.Start.Column,
                IsFlow = mappingStart.Style == MappingStyle.Flow,
            };
            MappingEnd? end;
            while (!parser.TryConsume<MappingEnd>(out end))
            {
                var key = ReadNode(parser);
                var value = ReadNode(parser);
                mapping.Entries.Add((key, value));
                mapping.End = Math.Max(key.End, value.End);
            }

            if (mapping.IsFlow)
            {
                mapping.End = (int)end.Start.Index + 1; // just after '}'
            }

            return mapping;
        }
    }
}
