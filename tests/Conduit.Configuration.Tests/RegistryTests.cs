using Xunit;

namespace Conduit.Configuration.Tests;

public sealed class RegistryTests : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void A_project_id_resolves_to_its_path_and_its_own_configuration()
    {
        var billing = tree.MakeDirectory("repos/billing");
        tree.Write("repos/billing/.conduit/config.yaml", "conduit:\n  project: { id: billing }\n  defaultRunner: gemini\n");
        tree.WriteGlobal($"conduit:\n  defaultRunner: codex\n  projects:\n    billing: {{ path: {billing} }}\n");
        var registry = new ProjectRegistry(tree.Load(tree.MakeDirectory("elsewhere")));

        var path = registry.ResolvePath("billing");
        var projectConfiguration = registry.LoadConfigurationFor("billing");

        Assert.Equal(billing, path);
        Assert.Equal("gemini", projectConfiguration.Settings.DefaultRunner);
        Assert.Equal(Path.Combine(billing, ".conduit", "config.yaml"), projectConfiguration.ProjectFile);
    }

    [Fact]
    public void An_unknown_project_id_lists_the_known_ones()
    {
        tree.WriteGlobal("conduit:\n  projects:\n    b: { path: /b }\n    a: { path: /a }\n");
        var registry = new ProjectRegistry(tree.Load(tree.MakeDirectory("w")));

        var error = Assert.Throws<ProjectNotFoundException>(() => registry.Get("c"));

        Assert.Equal("Project \"c\" not found; known projects: a, b", error.Message);
        Assert.Equal(["a", "b"], error.KnownProjectIds);
    }

    [Fact]
    public void A_project_path_that_does_not_exist_names_the_file_and_line_that_registered_it()
    {
        var missing = Path.Combine(tree.Root, "gone");
        tree.WriteGlobal($"conduit:\n  projects:\n    gone:\n      path: {missing}\n");
        var registry = new ProjectRegistry(tree.Load(tree.MakeDirectory("w")));

        var error = Assert.Throws<ConfigurationFileException>(() => registry.ResolvePath("gone"));

        Assert.Equal(tree.GlobalFile, error.FilePath);
        Assert.Equal(4, error.Line);
        Assert.Equal("conduit.projects.gone.path", error.Key);
        Assert.Contains($"does not exist: {missing}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_current_project_file_adds_its_id_rooted_at_the_directory_holding_conduit()
    {
        tree.Write("repo/.conduit/config.yaml", "conduit:\n  project: { id: repo }\n");

        var registry = new ProjectRegistry(tree.Load(tree.MakeDirectory("repo/src")));

        var project = Assert.Single(registry.Projects);
        Assert.Equal("repo", project.Id);
        Assert.Equal(Path.Combine(tree.Root, "repo"), project.Path);
        Assert.Equal(ConfigurationOriginKind.ProjectFile, project.Origin.Kind);
    }
}
