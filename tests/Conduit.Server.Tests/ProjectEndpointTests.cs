using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Server.Tests;

/// <summary>The original Conduit's <c>/projects</c> routes over the daemon's project registry and real policy files.</summary>
public sealed class ProjectEndpointTests
{
    private static void WritePolicy(TestDaemon daemon, string folder, string yaml)
    {
        var directory = Path.Combine(daemon.ProjectDirectory, ".conduit", "policies", folder);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "policy.yaml"), yaml);
    }

    private static async Task<JsonNode> GetAsync(TestDaemon daemon, string path)
    {
        using var response = await daemon.Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task Projects_are_listed_sorted_with_their_paths()
    {
        var other = Directory.CreateTempSubdirectory("conduit-other-").FullName;
        await using var daemon = await TestDaemon.StartAsync(services: s => s.AddSingleton<Projects.IProjectDirectoryResolver>(
            new Projects.StaticProjectDirectoryResolver([new("zeta", other), new("alpha", other)])));

        var projects = (await GetAsync(daemon, "/projects")).AsArray();

        Assert.Equal(["alpha", "zeta"], projects.Select(p => (string?)p!["project_id"]));
        Assert.All(projects, p => Assert.Equal(other, (string?)p!["path"]));
        Directory.Delete(other);
    }

    [Fact]
    public async Task A_project_shows_its_branch_from_a_worktree_git_file_and_its_policies()
    {
        await using var daemon = await TestDaemon.StartAsync();
        // .git as a file, as in a git worktree: the original answered default_branch null here.
        var gitDir = Path.Combine(daemon.ProjectDirectory, "main-repo-git", "worktrees", "billing");
        Directory.CreateDirectory(gitDir);
        File.WriteAllText(Path.Combine(gitDir, "HEAD"), "ref: refs/heads/feature/rounding\n");
        File.WriteAllText(Path.Combine(daemon.ProjectDirectory, ".git"), "gitdir: main-repo-git/worktrees/billing\n");
        WritePolicy(daemon, "fix.v1", "policy_id: fix.v1\ntask_id: fix\n");

        var project = await GetAsync(daemon, "/projects/billing");

        Assert.Equal("billing", (string?)project["project_id"]);
        Assert.Equal(daemon.ProjectDirectory, (string?)project["path"]);
        Assert.Equal("feature/rounding", (string?)project["default_branch"]);
        var policy = Assert.Single(project["policies"]!.AsArray())!;
        Assert.Equal("fix.v1", (string?)policy["policy_id"]);
        Assert.Equal("fix", (string?)policy["task_id"]);
        Assert.Equal(Path.Combine(daemon.ProjectDirectory, ".conduit", "policies", "fix.v1"), (string?)policy["path"]);
    }

    [Fact]
    public async Task A_project_outside_git_has_no_default_branch()
    {
        await using var daemon = await TestDaemon.StartAsync();
        var project = await GetAsync(daemon, "/projects/billing");
        Assert.Null(project["default_branch"]);
        Assert.Empty(project["policies"]!.AsArray());
    }

    [Fact]
    public async Task An_invalid_policy_is_listed_with_its_file_and_line_beside_the_valid_ones()
    {
        await using var daemon = await TestDaemon.StartAsync();
        WritePolicy(daemon, "good.v1", "policy_id: good.v1\ntask_id: good\n");
        WritePolicy(daemon, "bad.v1", "policy_id: bad.v1\ntask_id: bad\nchecks:\n  - {name: t, command: x, on_fail: explode}\n");

        var policies = (await GetAsync(daemon, "/projects/billing/policies")).AsArray();

        Assert.Equal(["bad.v1", "good.v1"], policies.Select(p => (string?)p!["policy_id"]));
        var bad = policies[0]!;
        Assert.False((bool)bad["valid"]!);
        Assert.Null(bad["task_id"]);
        Assert.Equal(Path.Combine(daemon.ProjectDirectory, ".conduit", "policies", "bad.v1", "policy.yaml"), (string?)bad["error"]!["file"]);
        Assert.Equal(4, (int?)bad["error"]!["line"]);
        Assert.Contains("on_fail", (string?)bad["error"]!["message"]);
        Assert.True((bool)policies[1]!["valid"]!);
        Assert.Equal("good", (string?)policies[1]!["task_id"]);
    }

    [Fact]
    public async Task A_policy_is_answered_in_the_original_resolved_form()
    {
        await using var daemon = await TestDaemon.StartAsync(o => o.DefaultRunner = "codex");
        WritePolicy(daemon, "fix.v1", """
            policy_id: fix.v1
            task_id: fix
            hooks: {init: ["echo init"]}
            checks: [{name: tests, command: npm test, timeout_seconds: 300, on_fail: fail}]
            retry: {max_attempts: 3, escalation: [{runner: {provider: claude, model: opus}}]}
            """);

        var policy = await GetAsync(daemon, "/projects/billing/policies/fix.v1");

        Assert.Equal("fix.v1", (string?)policy["policy_id"]);
        Assert.Equal("codex", (string?)policy["runner"]!["provider"]);
        Assert.Null(policy["runner"]!["model"]);
        Assert.Equal(["echo init"], policy["hooks"]!["init"]!.AsArray().Select(h => (string?)h));
        Assert.Empty(policy["hooks"]!["on_failure"]!.AsArray());
        Assert.Equal(300, (double)policy["checks"]![0]!["timeout_seconds"]!);
        Assert.Equal("fail", (string?)policy["checks"]![0]!["on_fail"]);
        Assert.Equal(3, (int)policy["retry"]!["max_attempts"]!);
        Assert.Null(policy["retry"]!["timeout_seconds"]);
        Assert.Equal("""[{"provider":"claude","model":"opus"}]""", policy["retry"]!["escalation"]!.ToJsonString());
        Assert.Equal(Path.Combine(daemon.ProjectDirectory, ".conduit", "policies", "fix.v1"), (string?)policy["policy_dir"]);
    }

    [Fact]
    public async Task Unknown_projects_and_policies_are_404_in_the_original_words()
    {
        await using var daemon = await TestDaemon.StartAsync();
        foreach (var path in new[] { "/projects/nope", "/projects/nope/policies", "/projects/nope/policies/x" })
        {
            using var response = await daemon.Client.GetAsync(path);
            var body = await Problems.AssertProblemAsync(response, 404);
            Assert.Equal("Project \"nope\" not found", (string?)body["error"]);
        }

        using var policy = await daemon.Client.GetAsync("/projects/billing/policies/missing.v1");
        var policyBody = await Problems.AssertProblemAsync(policy, 404, "policy_id");
        Assert.Equal("Policy \"missing.v1\" not found for project \"billing\"", (string?)policyBody["error"]);
    }

    [Fact]
    public async Task An_invalid_policy_asked_for_by_id_is_a_400_naming_file_and_line()
    {
        await using var daemon = await TestDaemon.StartAsync();
        WritePolicy(daemon, "bad.v1", "policy_id: bad.v1\ntask_id: bad\nretry: {max_attempts: many}\n");

        using var response = await daemon.Client.GetAsync("/projects/billing/policies/bad.v1");

        var body = await Problems.AssertProblemAsync(response, 400, "policy_id");
        Assert.Contains("policy.yaml:3", (string?)body["error"]);
    }
}
