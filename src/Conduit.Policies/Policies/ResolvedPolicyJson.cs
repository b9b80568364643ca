using System.Text.Json.Nodes;

namespace Conduit.Policies;

/// <summary>
/// A loaded policy in the original Conduit's resolved form (<c>GET /projects/{id}/policies/{pid}</c>,
/// <c>conduit projects policy</c>): <c>policy_id</c>, <c>task_id</c>, <c>runner {provider, model}</c> (the default
/// runner when the policy names none), the five hook lists, <c>checks</c>, <c>retry {max_attempts, timeout_seconds,
/// escalation: [{provider, model}]}</c> and <c>policy_dir</c>; with Conduit for .NET's own fields beside them.
/// </summary>
public static class ResolvedPolicyJson
{
    /// <summary>Builds the resolved form of <paramref name="policy"/>.</summary>
    /// <param name="policy">The loaded policy.</param>
    /// <param name="defaultRunner">The runner of policies that name none (<c>conduit.defaultRunner</c>), as <c>provider</c> or <c>provider/model</c>.</param>
    public static JsonObject Create(PolicyDefinition policy, string defaultRunner)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(defaultRunner);
        var runner = policy.Runner is { } r
            ? new JsonObject { ["provider"] = r.Provider, ["model"] = r.Model }
            : RunnerSpec.TryParse(defaultRunner, out var spec)
                ? new JsonObject { ["provider"] = spec.Provider, ["model"] = spec.Model }
                : new JsonObject { ["provider"] = defaultRunner, ["model"] = null };
        if (policy.Runner?.Args is { } args)
        {
            runner["args"] = new JsonArray(args.Select(a => (JsonNode?)a).ToArray());
        }

        var hooks = new JsonObject();
        foreach (var stage in Enum.GetValues<PolicyHookStage>())
        {
            hooks[PolicyLoader.StageName(stage)] = new JsonArray(policy.HooksFor(stage).Select(h => (JsonNode?)h.Text).ToArray());
        }

        var checks = new JsonArray(policy.Checks.Select(c => (JsonNode?)new JsonObject
        {
            ["name"] = c.Name,
            ["command"] = c.Command.Text,
            ["timeout_seconds"] = c.Timeout?.TotalSeconds,
            ["on_fail"] = c.OnFail.ToString().ToLowerInvariant(),
        }).ToArray());
        return new JsonObject
        {
            ["policy_id"] = policy.PolicyId,
            ["task_id"] = policy.TaskId,
            ["runner"] = runner,
            ["hooks"] = hooks,
            ["checks"] = checks,
            ["retry"] = new JsonObject
            {
                ["max_attempts"] = policy.MaxAttempts,
                ["timeout_seconds"] = policy.Timeout?.TotalSeconds,
                ["escalation"] = new JsonArray(policy.EscalationRunners.Select(e => (JsonNode?)new JsonObject { ["provider"] = e.Provider, ["model"] = e.Model }).ToArray()),
            },
            ["policy_dir"] = policy.Directory,

            // Ours.
            ["policy_file"] = policy.FilePath,
            ["attempt_timeout_seconds"] = policy.AttemptTimeout?.TotalSeconds,
            ["hook_timeout_seconds"] = policy.HookTimeout.TotalSeconds,
            ["escalation"] = policy.Escalation is { } e
                ? new JsonObject
                {
                    ["after_failed_attempts"] = e.AfterFailedAttempts,
                    ["runner"] = e.Runner?.ToString(),
                    ["model"] = e.Model,
                    ["stop"] = e.StopNeedsAttention ? "needs_attention" : null,
                }
                : null,
            ["workspace"] = new JsonObject
            {
                ["mode"] = policy.Workspace.Mode == WorkspaceMode.Worktree ? "worktree" : "in_place",
                ["keep_on_failure"] = policy.Workspace.KeepOnFailure,
            },
            ["prompt_template"] = policy.PromptTemplate,
        };
    }
}
