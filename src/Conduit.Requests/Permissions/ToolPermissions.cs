namespace Conduit.Requests;

/// <summary>What each tool needs, and how profiles treat it (protocol §3).</summary>
internal static class ToolPermissions
{
    /// <summary>How a profile treats a tool.</summary>
    public enum ProfileRule
    {
        Auto,
        Confirm,
        Deny,
        NotInProfile,
    }

    private static readonly string[] ReadTools = [ToolNames.FileRead, ToolNames.FileList, ToolNames.GitStatus, ToolNames.GitDiff, ToolNames.ConduitAbout, ToolNames.ConduitHelp];

    /// <summary>The permission a tool needs as (kind, access), or <see langword="null"/> for none.</summary>
    public static (string Kind, string? Access)? Needed(string tool) => tool switch
    {
        ToolNames.FileRead or ToolNames.FileList or ToolNames.GitStatus or ToolNames.GitDiff => ("filesystem", "read"),
        ToolNames.FileWrite or ToolNames.FilePatch => ("filesystem", "write"),
        ToolNames.ShellRun => ("shell", null),
        ToolNames.AgentChat or ToolNames.RunsStart => ("agent", null),
        _ => null,
    };

    /// <summary>Whether <paramref name="declared"/> covers what <paramref name="tool"/> needs. Filesystem write covers read.</summary>
    public static bool IsCovered(string tool, IReadOnlyList<DeclaredPermission> declared)
    {
        if (Needed(tool) is not { } need)
        {
            return true;
        }

        return declared.Any(p => p.Kind == need.Kind
            && (need.Access is null || (p.Access ?? "read") == need.Access || (need.Access == "read" && p.Access == "write")));
    }

    /// <summary>The permission a tool needs, as text for messages.</summary>
    public static string Describe(string tool) => Needed(tool) is { } need ? (need.Access is null ? need.Kind : $"{need.Kind}:{need.Access}") : "none";

    public static ProfileRule Rule(PermissionProfile profile, string tool)
    {
        if (ReadTools.Contains(tool))
        {
            return ProfileRule.Auto;
        }

        return (profile, tool) switch
        {
            (PermissionProfile.ReadOnly, ToolNames.FileWrite or ToolNames.FilePatch or ToolNames.ShellRun) => ProfileRule.Deny,
            (PermissionProfile.ReadOnly, _) => ProfileRule.NotInProfile,
            (PermissionProfile.EditWithConfirmation, ToolNames.FileWrite or ToolNames.FilePatch or ToolNames.AgentChat or ToolNames.RunsStart) => ProfileRule.Confirm,
            (PermissionProfile.EditWithConfirmation, ToolNames.ShellRun) => ProfileRule.Deny,
            (PermissionProfile.ShellManual, ToolNames.FileWrite or ToolNames.FilePatch or ToolNames.ShellRun or ToolNames.AgentChat or ToolNames.RunsStart) => ProfileRule.Confirm,
            _ => ProfileRule.NotInProfile,
        };
    }
}
