namespace Conduit.Requests;

/// <summary>
/// Declared permissions must cover every action's need, else the request is refused before review
/// (stricter than other implementations, which only show permissions: a source cannot under-declare).
/// </summary>
internal static class PermissionCoverage
{
    public static void Check(IReadOnlyList<RequestAction> actions, IReadOnlyList<DeclaredPermission> declared, List<RequestProblem> problems)
    {
        foreach (var action in actions)
        {
            if (!ToolPermissions.IsCovered(action.Tool, declared))
            {
                problems.Add(RequestProblem.Permissions(
                    JsonPath.Index("$.actions", action.Index),
                    $"Action {action.Id} ({action.Tool}) needs permission {ToolPermissions.Describe(action.Tool)}, which \"permissions\" does not declare."));
            }
        }
    }

    /// <summary>The permissions the actions need (for agent turns that leave <c>permissions</c> out).</summary>
    public static IReadOnlyList<DeclaredPermission> Infer(IEnumerable<string> tools)
    {
        var needs = tools.Select(ToolPermissions.Needed).Where(n => n is not null).Select(n => n!.Value).Distinct().ToList();
        if (needs.Any(n => n is ("filesystem", "write")))
        {
            needs.RemoveAll(n => n is ("filesystem", "read"));
        }

        return needs.Select(n => new DeclaredPermission { Kind = n.Kind, Scope = n.Kind == "filesystem" ? "project" : null, Access = n.Access }).ToArray();
    }
}
