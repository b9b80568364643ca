using System.Text.Json.Serialization;

namespace Conduit.Server.Projects;

// The /projects routes' JSON shapes: snake_case, as the original Conduit.

/// <summary>One item of <c>GET /projects</c>.</summary>
internal sealed class ProjectListItem
{
    [JsonPropertyName("project_id")] public required string ProjectId { get; init; }

    [JsonPropertyName("path")] public required string Path { get; init; }
}

/// <summary>The answer of <c>GET /projects/{id}</c>.</summary>
internal sealed class ProjectResponse
{
    [JsonPropertyName("project_id")] public required string ProjectId { get; init; }

    [JsonPropertyName("path")] public required string Path { get; init; }

    /// <summary>The checked-out branch of the project's git HEAD (also when <c>.git</c> is a worktree's file); null outside git or when detached.</summary>
    [JsonPropertyName("default_branch")] public string? DefaultBranch { get; init; }

    [JsonPropertyName("policies")] public required IReadOnlyList<PolicyListItem> Policies { get; init; }
}

/// <summary>
/// One policy of a project: the original's <c>{policy_id, task_id, path}</c> (path = the policy's folder), plus ours:
/// <c>valid</c>, and for an invalid policy <c>error</c> (file, line and field) with <c>task_id: null</c>.
/// </summary>
internal sealed class PolicyListItem
{
    [JsonPropertyName("policy_id")] public required string PolicyId { get; init; }

    [JsonPropertyName("task_id")] public string? TaskId { get; init; }

    [JsonPropertyName("path")] public required string Path { get; init; }

    [JsonPropertyName("valid")] public required bool Valid { get; init; }

    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PolicyErrorItem? Error { get; init; }
}

/// <summary>Why a listed policy is invalid.</summary>
internal sealed class PolicyErrorItem
{
    /// <summary>The whole message: <c>&lt;file&gt;:&lt;line&gt;:&lt;column&gt;: &lt;field&gt;: &lt;problem&gt;</c>.</summary>
    [JsonPropertyName("message")] public required string Message { get; init; }

    [JsonPropertyName("file")] public required string File { get; init; }

    [JsonPropertyName("line")] public int? Line { get; init; }

    [JsonPropertyName("column")] public int? Column { get; init; }

    [JsonPropertyName("field")] public string? Field { get; init; }
}
