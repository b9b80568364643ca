using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Conduit.Configuration;

/// <summary>
/// Reads and sets <c>conduit.project.id</c> in a project file (<c>&lt;project&gt;/.conduit/config.yaml</c>) as text:
/// only the id's line changes (or two lines are inserted after <c>conduit:</c>), so comments and layout stay. The edited
/// text is validated with the project-file rules before it atomically replaces the file.
/// </summary>
public static class ProjectConfigurationEditor
{
    /// <summary>The <c>conduit.project.id</c> written in <paramref name="projectFilePath"/>, or null (no file, no id).</summary>
    /// <exception cref="ConfigurationFileException">The file is not valid YAML.</exception>
    public static string? ReadProjectId(string projectFilePath)
    {
        ArgumentNullException.ThrowIfNull(projectFilePath);
        return File.Exists(projectFilePath) && Find(File.ReadAllText(projectFilePath), projectFilePath).Id is YamlScalarNode { Value: { Length: > 0 } id } ? id : null;
    }

    /// <summary>
    /// Sets <c>conduit.project.id</c> to <paramref name="projectId"/>, creating the file (and its directory) if needed.
    /// Returns false when the file already held that id (it is not touched).
    /// </summary>
    /// <exception cref="ConfigurationFileException">The file is invalid, or written in a way this editor cannot change safely.</exception>
    public static async Task<bool> SetProjectIdAsync(string projectFilePath, string projectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projectFilePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectId);
        var text = File.Exists(projectFilePath) ? await File.ReadAllTextAsync(projectFilePath, cancellationToken).ConfigureAwait(false) : string.Empty;
        var found = Find(text, projectFilePath);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var value = YamlText.Scalar(projectId);
        string updated;
        if (found.Id is YamlScalarNode existing)
        {
            if (existing.Value == projectId)
            {
                return false;
            }

            updated = text[..(int)existing.Start.Index] + value + text[(int)existing.End.Index..];
        }
        else if (found.Conduit is null && found.ConduitKey is null)
        {
            var separator = text.Length == 0 || text.EndsWith('\n') ? string.Empty : newline;
            updated = text + separator + $"conduit:{newline}  project:{newline}    id: {value}{newline}";
        }
        else if (found.Conduit is YamlMappingNode { Style: not MappingStyle.Flow } conduit && found.Project is null && conduit.Children.Count > 0)
        {
            var first = conduit.Children.First().Key;
            var indent = new string(' ', (int)first.Start.Column - 1);
            var lineStart = first.Start.Index == 0 ? 0 : text.LastIndexOf('\n', (int)first.Start.Index - 1) + 1;
            updated = text.Insert(lineStart, $"{indent}project:{newline}{indent}  id: {value}{newline}");
        }
        else if (found.Project is YamlMappingNode { Style: not MappingStyle.Flow } project && project.Children.Count > 0)
        {
            var first = project.Children.First().Key;
            var indent = new string(' ', (int)first.Start.Column - 1);
            var lineStart = first.Start.Index == 0 ? 0 : text.LastIndexOf('\n', (int)first.Start.Index - 1) + 1;
            updated = text.Insert(lineStart, $"{indent}id: {value}{newline}");
        }
        else
        {
            var node = (YamlNode?)found.Project ?? found.Conduit;
            throw new ConfigurationFileException(projectFilePath, (int?)node?.Start.Line, (int?)node?.Start.Column, "conduit.project.id",
                $"cannot add the project id to this file safely; add \"project: {{ id: {projectId} }}\" under \"conduit:\" by hand");
        }

        var diagnostics = ConduitConfigurationLoader.ValidateText(updated, projectFilePath, ConfigurationFileRole.Project);
        if (diagnostics.Count > 0 || Find(updated, projectFilePath).Id is not YamlScalarNode { Value: var written } || written != projectId)
        {
            throw new ConfigurationFileException(projectFilePath, null, null, "conduit.project.id",
                "the edit could not be made safely; the file was left unchanged. Edit it by hand" + (diagnostics.Count > 0 ? $" ({diagnostics[0].Problem})" : string.Empty));
        }

        await AtomicFile.WriteAllTextAsync(projectFilePath, updated, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static (YamlNode? ConduitKey, YamlNode? Conduit, YamlNode? Project, YamlNode? Id) Find(string text, string filePath)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            throw new ConfigurationFileException(filePath, (int)exception.Start.Line, (int)exception.Start.Column, null, "malformed YAML: " + (exception.InnerException?.Message ?? exception.Message), exception);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, null, null, null);
        }

        var (conduitKey, conduit) = Child(root, "conduit");
        var (_, project) = Child(conduit, "project");
        var (_, id) = Child(project, "id");
        return (conduitKey, conduit is YamlScalarNode { Value: null or "" or "~" or "null" } ? null : conduit, project, id);
    }

    private static (YamlNode? Key, YamlNode? Value) Child(YamlNode? node, string key)
    {
        if (node is YamlMappingNode mapping)
        {
            foreach (var (k, v) in mapping.Children)
            {
                if (k is YamlScalarNode { Value: var name } && name == key)
                {
                    return (k, v);
                }
            }
        }

        return (null, null);
    }
}
