namespace Conduit.Requests;

/// <summary>The tools by canonical name.</summary>
internal static class ToolRegistry
{
    private static readonly Dictionary<string, IRequestTool> Tools = new IRequestTool[]
    {
        new ConduitHelpTool(), new ConduitAboutTool(), new FileReadTool(), new FileListTool(), new FileWriteTool(),
        new FilePatchTool(), new GitStatusTool(), new GitDiffTool(), new ShellRunTool(), new AgentChatTool(), new RunsStartTool(),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static IRequestTool? Find(string name) => Tools.GetValueOrDefault(name);
}
