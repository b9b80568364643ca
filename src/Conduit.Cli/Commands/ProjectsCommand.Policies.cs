using System.CommandLine;
using System.Text.Json.Nodes;
using Conduit.Cli.Hosting;
using Conduit.Configuration;
using Conduit.Policies;

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit projects policies &lt;id&gt;</c> and <c>projects policy &lt;id&gt; &lt;policy-id&gt;</c>: a registered project's
/// policies, as the original Conduit prints them (in-process; <c>--base-url</c> is not used).
/// </summary>
internal static partial class ProjectsCommand
{
    static partial void AddSubcommands(Command projects, CliEnvironment environment)
    {
        projects.Subcommands.Add(CreatePolicies(environment));
        projects.Subcommands.Add(CreatePolicy(environment));
    }

    private static Command CreatePolicies(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The project id." };
        var json = JsonOption();
        var command = new Command("policies", "List a project's policies as <policy_id><TAB><task_id><TAB><dir> lines.") { id, json };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(WithProject(environment, parseResult.GetValue(id)!, (project, _) =>
        {
            var policies = PolicyLoader.ListPolicyIds(project.Path).Select(policyId => PolicyLoader.Load(project.Path, policyId, project.Id)).ToArray();
            if (parseResult.GetValue(json))
            {
                CliConfiguration.WriteJson(environment, new JsonArray(policies.Select(p => (JsonNode?)new JsonObject
                {
                    ["policy_id"] = p.PolicyId,
                    ["task_id"] = p.TaskId,
                    ["path"] = p.Directory,
                }).ToArray()));
            }
            else
            {
                foreach (var policy in policies)
                {
                    environment.Out.WriteLine($"{policy.PolicyId}\t{policy.TaskId}\t{policy.Directory}");
                }
            }
        })));
        return command;
    }

    private static Command CreatePolicy(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The project id." };
        var policyId = new Argument<string>("policy-id") { Description = "The policy id." };
        var json = JsonOption();
        var command = new Command("policy", "Print one of a project's policies as Conduit resolved it.") { id, policyId, json };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(WithProject(environment, parseResult.GetValue(id)!, (project, settings) =>
        {
            var policy = PolicyLoader.Load(project.Path, parseResult.GetValue(policyId)!, project.Id);
            if (parseResult.GetValue(json))
            {
                CliConfiguration.WriteJson(environment, ResolvedPolicyJson.Create(policy, settings.DefaultRunner));
            }
            else
            {
                PoliciesCommands.WriteText(environment.Out, policy);
            }
        })));
        return command;
    }

    /// <summary>Runs <paramref name="action"/> on a registered project; unknown projects and policies exit 2, invalid policies 4.</summary>
    private static int WithProject(CliEnvironment environment, string projectId, Action<RegisteredProject, ConduitSettings> action)
    {
        var configuration = CliConfiguration.TryLoad(environment);
        if (configuration is null)
        {
            return ExitCodes.ConfigurationError;
        }

        try
        {
            action(new ProjectRegistry(configuration).Get(projectId), configuration.Settings);
            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is ProjectNotFoundException or PolicyNotFoundException)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            return ExitCodes.UsageError;
        }
        catch (PolicyInvalidException exception)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            return ExitCodes.ConfigurationError;
        }
    }
}
