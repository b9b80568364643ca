using Conduit.Policies;
using Conduit.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Projects;

/// <summary>
/// The original Conduit's <c>/projects</c> routes: the project registry (<see cref="IProjectDirectoryResolver"/>) and
/// each project's policies (<see cref="PolicyLoader"/>).
/// </summary>
internal static class ProjectEndpoints
{
    public static void MapProjectEndpoints(this IEndpointRouteBuilder routes)
    {
        var projects = routes.MapGroup("/projects").WithTags("projects");
        projects.MapGet(string.Empty, ListAsync)
            .WithName("listProjects")
            .WithSummary("The registered projects, sorted by id")
            .Produces<ProjectListItem[]>();
        projects.MapGet("/{projectId}", GetAsync)
            .WithName("getProject")
            .WithSummary("A project: its path, git branch and policies")
            .Produces<ProjectResponse>()
            .ProducesApiProblem(StatusCodes.Status404NotFound);
        projects.MapGet("/{projectId}/policies", ListPoliciesAsync)
            .WithName("listProjectPolicies")
            .WithSummary("A project's policies, sorted by id")
            .WithDescription("An invalid policy does not hide the others: it is listed with `valid: false`, `task_id: null` and an `error` naming the file, line and field.")
            .Produces<PolicyListItem[]>()
            .ProducesApiProblem(StatusCodes.Status404NotFound);
        projects.MapGet("/{projectId}/policies/{policyId}", GetPolicyAsync)
            .WithName("getProjectPolicy")
            .WithSummary("One policy in the original's resolved form (escalation as `[{provider, model}]`, `policy_dir`), with ours beside it")
            .Produces<Dictionary<string, object>>()
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var projects = await Resolver(context).ListAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(
            projects.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ProjectListItem { ProjectId = p.Key, Path = p.Value }).ToArray(),
            ConduitJson.Options);
    }

    private static async Task<IResult> GetAsync(string projectId, HttpContext context, CancellationToken cancellationToken)
    {
        var path = await ProjectPathAsync(context, projectId, cancellationToken).ConfigureAwait(false);
        return Results.Json(
            new ProjectResponse { ProjectId = projectId, Path = path, DefaultBranch = GitHead.Branch(path), Policies = Policies(path) },
            ConduitJson.Options);
    }

    private static async Task<IResult> ListPoliciesAsync(string projectId, HttpContext context, CancellationToken cancellationToken)
    {
        var path = await ProjectPathAsync(context, projectId, cancellationToken).ConfigureAwait(false);
        return Results.Json(Policies(path), ConduitJson.Options);
    }

    private static async Task<IResult> GetPolicyAsync(string projectId, string policyId, HttpContext context, [FromServices] IOptions<ConduitServerOptions> options, CancellationToken cancellationToken)
    {
        var path = await ProjectPathAsync(context, projectId, cancellationToken).ConfigureAwait(false);
        var policy = PolicyLoader.Load(path, policyId, projectId);
        return Results.Json(ResolvedPolicyJson.Create(policy, options.Value.DefaultRunner), ConduitJson.Options);
    }

    private static PolicyListItem[] Policies(string projectPath) =>
        PolicyLoader.ListPolicyIds(projectPath).Select(id =>
        {
            var directory = Path.Combine(PolicyLoader.PoliciesDirectory(projectPath), id);
            try
            {
                var policy = PolicyLoader.LoadFile(Path.Combine(directory, PolicyLoader.FileName));
                return new PolicyListItem { PolicyId = policy.PolicyId, TaskId = policy.TaskId, Path = policy.Directory, Valid = true };
            }
            catch (PolicyInvalidException invalid)
            {
                return new PolicyListItem
                {
                    PolicyId = id,
                    Path = Path.GetFullPath(directory),
                    Valid = false,
                    Error = new PolicyErrorItem { Message = invalid.Message, File = invalid.FilePath, Line = invalid.Line, Column = invalid.Column, Field = invalid.Field },
                };
            }
        }).ToArray();

    private static async Task<string> ProjectPathAsync(HttpContext context, string projectId, CancellationToken cancellationToken) =>
        await Resolver(context).ResolveAsync(projectId, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiProblemException(new ApiProblem
            {
                Status = StatusCodes.Status404NotFound,
                Code = "unknown_project",
                Title = "Unknown project",
                Detail = $"Project \"{projectId}\" not found",
            });

    private static IProjectDirectoryResolver Resolver(HttpContext context) =>
        context.RequestServices.GetService<IProjectDirectoryResolver>() ?? new StaticProjectDirectoryResolver([]);
}
