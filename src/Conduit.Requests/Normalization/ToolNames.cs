namespace Conduit.Requests;

/// <summary>The canonical tool names and the aliases of the compact dialect.</summary>
public static class ToolNames
{
    /// <summary>Reads a text file.</summary>
    public const string FileRead = "file.read";

    /// <summary>Lists files.</summary>
    public const string FileList = "file.list";

    /// <summary>Writes a file.</summary>
    public const string FileWrite = "file.write";

    /// <summary>Applies a unified diff with <c>git apply</c>.</summary>
    public const string FilePatch = "file.patch";

    /// <summary><c>git status --short --branch</c>.</summary>
    public const string GitStatus = "git.status";

    /// <summary><c>git diff</c>.</summary>
    public const string GitDiff = "git.diff";

    /// <summary>Runs a shell command.</summary>
    public const string ShellRun = "shell.run";

    /// <summary>Explains the protocol.</summary>
    public const string ConduitHelp = "conduit.help";

    /// <summary>Says what Conduit is.</summary>
    public const string ConduitAbout = "conduit.about";

    /// <summary>Runs a prompt through an agent CLI (IAgentRunner).</summary>
    public const string AgentChat = "agent.chat";

    /// <summary>Starts a policy run (IRunOrchestrator).</summary>
    public const string RunsStart = "runs.start";

    /// <summary>Every canonical tool name.</summary>
    public static IReadOnlyList<string> All { get; } =
        [ConduitHelp, ConduitAbout, FileRead, FileList, FileWrite, FilePatch, GitStatus, GitDiff, ShellRun, AgentChat, RunsStart];

    /// <summary>The shortcut keys, in the order the compact dialect tries them.</summary>
    internal static IReadOnlyList<string> ShortcutKeys { get; } = ["read", "list", "status", "diff", "write", "patch", "shell", "help", "about", ".help", ".about"];

    /// <summary>The keys that name a tool, in the order tried.</summary>
    internal static IReadOnlyList<string> NameKeys { get; } = ["tool", "action", "call", "do", "op"];

    private static readonly Dictionary<string, string> Aliases = CreateAliases();

    /// <summary>Maps an alias (<c>read</c>, <c>ls</c>, <c>file_read</c>, …) to its canonical name; unknown names pass through.</summary>
    public static string Canonicalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Aliases.TryGetValue(name, out var canonical) ? canonical : name;
    }

    /// <summary>Whether <paramref name="name"/> is a canonical tool this package implements.</summary>
    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);

    /// <summary>The argument a shortcut's operand fills (<c>read:P</c> → <c>path</c>); <see langword="null"/> when the operand is ignored.</summary>
    internal static string? OperandArgument(string canonicalTool) => canonicalTool switch
    {
        FileRead or FileList or GitDiff or FileWrite => "path",
        FilePatch => "patch",
        ShellRun => "command",
        ConduitHelp => "topic",
        _ => null,
    };

    /// <summary>The sibling keys copied into <c>args</c> for a tool in the compact dialect.</summary>
    internal static IReadOnlyList<string> SiblingArguments(string canonicalTool) => canonicalTool switch
    {
        FileRead => ["path", "maxChars", "offset", "startLine", "endLine"],
        FileList => ["path", "depth", "glob", "maxItems"],
        GitDiff => ["path"],
        FileWrite => ["path", "content", "mode"],
        FilePatch => ["patch"],
        ShellRun => ["command"],
        ConduitHelp => ["topic"],
        AgentChat => ["prompt", "runner", "model", "path", "permissionMode"],
        RunsStart => ["project", "policy", "input", "runner", "wait"],
        _ => [],
    };

    private static Dictionary<string, string> CreateAliases()
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["read"] = FileRead,
            ["list"] = FileList,
            ["ls"] = FileList,
            ["status"] = GitStatus,
            ["diff"] = GitDiff,
            ["write"] = FileWrite,
            ["patch"] = FilePatch,
            ["shell"] = ShellRun,
            ["sh"] = ShellRun,
            ["run"] = ShellRun,
            ["help"] = ConduitHelp,
            [".help"] = ConduitHelp,
            ["docs"] = ConduitHelp,
            ["about"] = ConduitAbout,
            [".about"] = ConduitAbout,
        };
        foreach (var name in All)
        {
            aliases[name] = name;
            aliases[name.Replace('.', '_')] = name;
        }

        return aliases;
    }
}
