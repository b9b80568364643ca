using Xunit;

namespace Conduit.Configuration.Tests;

/// <summary><see cref="ProjectConfigurationEditor"/>: <c>conduit.project.id</c> in a project file, edited as text.</summary>
public sealed class ProjectEditorTests : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private string ProjectFile => Path.Combine(tree.Root, "repo", ".conduit", "config.yaml");

    [Fact]
    public async Task A_missing_file_is_created_with_the_id()
    {
        var changed = await ProjectConfigurationEditor.SetProjectIdAsync(ProjectFile, "repo");

        Assert.True(changed);
        Assert.Equal("conduit:\n  project:\n    id: repo\n", File.ReadAllText(ProjectFile));
        Assert.Equal("repo", ProjectConfigurationEditor.ReadProjectId(ProjectFile));
    }

    [Fact]
    public async Task The_id_is_inserted_under_conduit_and_comments_and_other_keys_stay()
    {
        tree.Write("repo/.conduit/config.yaml", "# team settings\nconduit:\n  defaultRunner: codex # ours\n  runners:\n    codex: { args: [\"--x\"] }\nother: 1\n");

        var changed = await ProjectConfigurationEditor.SetProjectIdAsync(ProjectFile, "repo");

        Assert.True(changed);
        Assert.Equal("# team settings\nconduit:\n  project:\n    id: repo\n  defaultRunner: codex # ours\n  runners:\n    codex: { args: [\"--x\"] }\nother: 1\n", File.ReadAllText(ProjectFile));
        Assert.Equal("repo", ProjectConfigurationEditor.ReadProjectId(ProjectFile));
    }

    [Fact]
    public async Task The_same_id_leaves_the_file_alone_and_another_id_replaces_only_the_value()
    {
        tree.Write("repo/.conduit/config.yaml", "conduit:\n  project:\n    id: old # keep\n");

        var same = await ProjectConfigurationEditor.SetProjectIdAsync(ProjectFile, "old");
        var other = await ProjectConfigurationEditor.SetProjectIdAsync(ProjectFile, "new-id");

        Assert.False(same);
        Assert.True(other);
        Assert.Equal("conduit:\n  project:\n    id: new-id # keep\n", File.ReadAllText(ProjectFile));
    }

    [Fact]
    public async Task A_flow_style_conduit_mapping_is_an_error_and_the_file_is_left_unchanged()
    {
        const string text = "conduit: { defaultRunner: codex }\n";
        tree.Write("repo/.conduit/config.yaml", text);

        var error = await Assert.ThrowsAsync<ConfigurationFileException>(() => ProjectConfigurationEditor.SetProjectIdAsync(ProjectFile, "repo"));

        Assert.Contains("by hand", error.Message, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(ProjectFile));
    }
}
