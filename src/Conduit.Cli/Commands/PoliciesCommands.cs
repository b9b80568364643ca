using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Conduit.Cli.Hosting;
using Conduit.Cli.Runs;
using Conduit.Configuration;
using Conduit.Policies;

namespace Conduit.Cli.Commands;

/// <summary><c>conduit policies list|show|validate|init</c>.</summary>
internal static class PoliciesCommands
{
    private static readonly JsonSerializerOptions Indented = new(ConduitJson.Options) { WriteIndented = true };

    public static Command Create(CliEnvironment environment)
    {
        var project = new Option<string?>("--project") { Description = "The project id or path (default: the nearest folder above holding .conduit/policies).", Recursive = true };
        var stateDir = new Option<string?>("--state-dir") { Description = "The state directory (where the project registry's config lives).", Recursive = true };
        var json = new Option<bool>("--json") { Description = "JSON output.", Recursive = true };
        var policies = new Command("policies", "Policies: .conduit/policies/<id>/policy.yaml with hooks and checks.");
        policies.Options.Add(project);
        policies.Options.Add(stateDir);
        policies.Options.Add(json);

        var list = new Command("list", "List the project's policies (policy_id, task_id, folder).");
        list.SetAction((parse, _) => RunsCommands.Guard(environment, () =>
        {
            var root = ProjectPath(environment, parse.GetValue(project), parse.GetValue(stateDir));
            var loaded = PolicyLoader.ListPolicyIds(root).Select(id => PolicyLoader.Load(root, id)).ToArray();
            if (parse.GetValue(json))
            {
                environment.Out.WriteLine(JsonSerializer.Serialize(loaded.Select(p => new { policy_id = p.PolicyId, task_id = p.TaskId, path = p.Directory }), Indented));
            }
            else
            {
                foreach (var policy in loaded)
                {
                    environment.Out.WriteLine($"{policy.PolicyId}\t{policy.TaskId}\t{policy.Directory}");
                }
            }

            return Task.FromResult(ExitCodes.Success);
        }));

        var showId = new Argument<string>("policy-id");
        var show = new Command("show", "Print a policy as Conduit resolved it.") { showId };
        show.SetAction((parse, _) => RunsCommands.Guard(environment, () =>
        {
            var root = ProjectPath(environment, parse.GetValue(project), parse.GetValue(stateDir));
            var policy = PolicyLoader.Load(root, parse.GetValue(showId)!, root);
            if (parse.GetValue(json))
            {
                var defaultRunner = ConduitConfigurationLoader.Load(CliConfiguration.LoadOptions(environment)).Settings.DefaultRunner;
                environment.Out.WriteLine(ResolvedPolicyJson.Create(policy, defaultRunner).ToJsonString(Indented));
            }
            else
            {
                WriteText(environment.Out, policy);
            }

            return Task.FromResult(ExitCodes.Success);
        }));

        var validateId = new Argument<string?>("policy-id") { Arity = ArgumentArity.ZeroOrOne };
        var validate = new Command("validate", "Validate one policy, or all of the project's; exit code 4 when any is invalid.") { validateId };
        validate.SetAction((parse, _) => RunsCommands.Guard(environment, () =>
        {
            var root = ProjectPath(environment, parse.GetValue(project), parse.GetValue(stateDir));
            var ids = parse.GetValue(validateId) is { } one ? [one] : PolicyLoader.ListPolicyIds(root);
            var invalid = 0;
            foreach (var id in ids)
            {
                try
                {
                    PolicyLoader.Load(root, id, root);
                    environment.Out.WriteLine($"ok\t{id}");
                }
                catch (ConduitException exception)
                {
                    invalid++;
                    environment.Out.WriteLine($"invalid\t{id}");
                    environment.Error.WriteLine($"Error: {exception.Message}");
                }
            }

            if (ids.Count == 0)
            {
                environment.Error.WriteLine($"No policies under {PolicyLoader.PoliciesDirectory(root)}.");
            }

            return Task.FromResult(invalid == 0 ? ExitCodes.Success : ExitCodes.ConfigurationError);
        }));

        var initId = new Argument<string>("policy-id");
        var force = new Option<bool>("--force") { Description = "Overwrite an existing policy." };
        var init = new Command("init", "Write a commented example policy.yaml, prompt.md and hook scripts.") { initId, force };
        init.SetAction((parse, _) => RunsCommands.Guard(environment, () =>
        {
            var root = parse.GetValue(project) is null ? environment.WorkingDirectory : ProjectPath(environment, parse.GetValue(project), parse.GetValue(stateDir));
            foreach (var file in PolicyScaffold.Write(root, parse.GetValue(initId)!, parse.GetValue(force)))
            {
                environment.Out.WriteLine($"created\t{file}");
            }

            return Task.FromResult(ExitCodes.Success);
        }));

        policies.Subcommands.Add(list);
        policies.Subcommands.Add(show);
        policies.Subcommands.Add(validate);
        policies.Subcommands.Add(init);
        return policies;
    }

    private static string ProjectPath(CliEnvironment environment, string? project, string? stateDir)
    {
        if (project is null)
        {
            return CliProjectResolver.NearestProject(environment.WorkingDirectory);
        }

        var resolver = new CliProjectResolver(environment.WorkingDirectory, RunsContext.ResolveStateDirectory(environment, stateDir), environment.GetEnvironmentVariable("HOME"));
        return resolver.Resolve(project) ?? throw new Conduit.Configuration.ProjectNotFoundException(project, []);
    }

    internal static void WriteText(TextWriter output, PolicyDefinition policy)
    {
        output.WriteLine($"policy_id: {policy.PolicyId}");
        output.WriteLine($"task_id: {policy.TaskId}");
        output.WriteLine($"runner: {policy.Runner?.ToString() ?? "(default)"}");
        output.WriteLine($"max_attempts: {policy.MaxAttempts}");
        if (policy.Timeout is { } timeout)
        {
            output.WriteLine($"timeout_seconds: {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        output.WriteLine($"workspace: {(policy.Workspace.Mode == WorkspaceMode.Worktree ? "worktree" : "in_place")}");
        output.WriteLine($"policy_dir: {policy.Directory}");
        foreach (var check in policy.Checks)
        {
            output.WriteLine($"check {check.Name}: {check.Command.Text} [on_fail={check.OnFail.ToString().ToLowerInvariant()}{(check.Timeout is { } t ? $", timeout={t.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s" : "")}]");
        }

        foreach (var stage in Enum.GetValues<PolicyHookStage>())
        {
            foreach (var hook in policy.HooksFor(stage))
            {
                output.WriteLine($"hook {PolicyLoader.StageName(stage)}: {hook.Text}");
            }
        }

        foreach (var runner in policy.EscalationRunners)
        {
            output.WriteLine($"escalation: {runner}");
        }

        if (policy.Escalation is { } escalation)
        {
            output.WriteLine($"escalation: after {escalation.AfterFailedAttempts} failed attempt(s) -> {(escalation.StopNeedsAttention ? "needs_attention" : escalation.Runner?.ToString() ?? "model " + escalation.Model)}");
        }
    }
}
