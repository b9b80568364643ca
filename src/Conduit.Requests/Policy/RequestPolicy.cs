using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// The per-action policy of protocol §3, in the documented order: unknown tool, profile deny, not in profile,
/// outside roots, sensitive file, destructive shell, confirmation, allow; then the per-request caps.
/// For an untrusted request every action that is not hard-denied needs review.
/// </summary>
internal static class RequestPolicy
{
    public const string UntrustedReason = "Request is not attached to a trusted session.";

    public static IReadOnlyList<ActionDecision> Decide(
        ParsedRequest request,
        bool trusted,
        PermissionProfile profile,
        PathGuard paths,
        int maxActionsPerRequest,
        int? sessionActionsLeft)
    {
        ArgumentNullException.ThrowIfNull(request);
        var count = request.Actions.Count;
        if (count > maxActionsPerRequest)
        {
            return Uniform(request, RequestDecision.Deny, $"Too many actions: {count} > {maxActionsPerRequest}.");
        }

        if (sessionActionsLeft is { } left && count > left)
        {
            return Uniform(request, RequestDecision.Deny, $"Session action budget exhausted: {count} > {Math.Max(left, 0)} left.");
        }

        return request.Actions.Select(a => DecideAction(a, trusted, profile, paths)).ToArray();
    }

    public static RequestDecision Combine(IReadOnlyList<ActionDecision> decisions) =>
        decisions.Count == 0 ? RequestDecision.Deny : decisions.Max(d => d.Decision);

    private static ActionDecision DecideAction(RequestAction action, bool trusted, PermissionProfile profile, PathGuard paths)
    {
        ActionDecision Make(RequestDecision decision, string reason) => new() { ActionId = action.Id, Tool = action.Tool, Decision = decision, Reason = reason };

        if (!ToolNames.IsKnown(action.Tool))
        {
            return Make(RequestDecision.Deny, $"Unknown tool: {action.Tool}");
        }

        if (trusted)
        {
            switch (ToolPermissions.Rule(profile, action.Tool))
            {
                case ToolPermissions.ProfileRule.Deny:
                    return Make(RequestDecision.Deny, $"Tool denied by {profile.ToName()} profile: {action.Tool}");
                case ToolPermissions.ProfileRule.NotInProfile:
                    return Make(RequestDecision.Deny, $"Tool is not in {profile.ToName()} profile: {action.Tool}");
            }
        }

        if (HardDeny(action, paths) is { } hard)
        {
            return Make(RequestDecision.Deny, hard);
        }

        if (trusted && action.Tool == ToolNames.AgentChat && AgentModeProblem(action, profile) is { } agentProblem)
        {
            return Make(RequestDecision.Deny, agentProblem);
        }

        if (!trusted)
        {
            return Make(RequestDecision.RequiresReview, UntrustedReason);
        }

        return ToolPermissions.Rule(profile, action.Tool) == ToolPermissions.ProfileRule.Confirm
            ? Make(RequestDecision.RequiresConfirmation, $"Tool requires confirmation: {action.Tool}")
            : Make(RequestDecision.Allow, $"Allowed by {profile.ToName()} profile: {action.Tool}");
    }

    /// <summary>The checks no profile, review or mode lifts: outside roots, sensitive files, destructive shell, symlinking patches.</summary>
    internal static string? HardDeny(RequestAction action, PathGuard paths)
    {
        var write = action.Tool is ToolNames.FileWrite or ToolNames.FilePatch;
        if (action.Args["path"] is JsonValue pathValue && pathValue.TryGetValue(out string? path))
        {
            if (PathProblem(path, write, paths) is { } problem)
            {
                return problem;
            }
        }

        if (action.Tool == ToolNames.FilePatch && action.Args["patch"] is JsonValue patchValue && patchValue.TryGetValue(out string? patch))
        {
            var (patchPaths, symlink) = PatchPaths.Read(patch);
            if (symlink)
            {
                return "Patch creates a symbolic link, which is denied.";
            }

            foreach (var patchPath in patchPaths)
            {
                if (PathProblem(patchPath, write: true, paths) is { } problem)
                {
                    return problem;
                }
            }
        }

        if (action.Tool == ToolNames.ShellRun && action.Args["command"] is JsonValue commandValue && commandValue.TryGetValue(out string? command)
            && DestructiveShell.Match(command) is { } rule)
        {
            return $"Destructive shell command denied ({rule}): {command}";
        }

        return null;
    }

    internal static string? PathProblem(string path, bool write, PathGuard paths)
    {
        var guarded = paths.Check(path);
        if (!guarded.IsInside)
        {
            return $"Path is outside allowed roots: {path}";
        }

        if (guarded.IsSensitive)
        {
            return write ? $"Sensitive file write denied: {path}" : $"Sensitive file read denied: {path}";
        }

        return null;
    }

    private static string? AgentModeProblem(RequestAction action, PermissionProfile profile)
    {
        var mode = action.Args["permissionMode"] is JsonValue v && v.TryGetValue(out string? s) ? s : "read-only";
        var allowed = profile switch
        {
            PermissionProfile.ShellManual => mode is "read-only" or "accept-edits" or "full-access",
            PermissionProfile.EditWithConfirmation => mode is "read-only" or "accept-edits",
            _ => mode is "read-only",
        };
        return allowed ? null : $"Agent permission mode {mode} is not allowed by {profile.ToName()} profile.";
    }

    private static ActionDecision[] Uniform(ParsedRequest request, RequestDecision decision, string reason) =>
        request.Actions.Select(a => new ActionDecision { ActionId = a.Id, Tool = a.Tool, Decision = decision, Reason = reason }).ToArray();
}
