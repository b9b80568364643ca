using Xunit;

namespace Conduit.Configuration.Tests;

public sealed class EditorTests : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private ConduitConfiguration Load() => tree.Load(tree.MakeDirectory("w"));

    [Fact]
    public async Task Adding_to_a_missing_file_creates_it()
    {
        File.Delete(tree.GlobalFile);

        var outcome = await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "billing", "/repos/billing");

        Assert.Equal(ProjectAddOutcome.Added, outcome);
        Assert.Equal("conduit:\n  projects:\n    billing:\n      path: /repos/billing\n", File.ReadAllText(tree.GlobalFile));
        Assert.Equal("/repos/billing", Load().Settings.Projects["billing"]);
    }

    [Fact]
    public async Task Adding_to_the_install_default_replaces_the_empty_flow_mapping()
    {
        tree.WriteGlobal("conduit:\n  projects: {}\n");

        await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "billing", "/repos/billing");

        Assert.Equal("conduit:\n  projects:\n    billing:\n      path: /repos/billing\n", File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    public async Task Adding_keeps_comments_other_keys_and_other_projects()
    {
        const string Original = """
            # my conduit settings
            editor: { theme: dark }   # not ours
            conduit:
              defaultRunner: codex    # I like codex
              projects:
                # the old one
                api:
                  path: /repos/api   # keep me
              server:
                port: 9000
            """;
        tree.WriteGlobal(Original + "\n");

        await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "web", "/repos/my web");

        var text = File.ReadAllText(tree.GlobalFile);
        Assert.Equal(
            Original.Replace("/repos/api   # keep me\n", "/repos/api   # keep me\n    web:\n      path: \"/repos/my web\"\n", StringComparison.Ordinal) + "\n",
            text);
        var configuration = Load();
        Assert.Equal("/repos/api", configuration.Settings.Projects["api"]);
        Assert.Equal("/repos/my web", configuration.Settings.Projects["web"]);
        Assert.Equal(9000, configuration.Settings.Server.Port);
    }

    [Fact]
    public async Task Adding_to_a_file_without_projects_inserts_the_block_under_conduit()
    {
        tree.WriteGlobal("conduit:\n  # runner\n  defaultRunner: codex\n");

        await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "a", "/a");

        Assert.Equal("conduit:\n  # runner\n  projects:\n    a:\n      path: /a\n  defaultRunner: codex\n", File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    public async Task Adding_to_a_file_with_an_empty_conduit_key_fills_it()
    {
        tree.WriteGlobal("other: 1\nconduit:\n");

        await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "a", "/a");

        Assert.Equal("other: 1\nconduit:\n  projects:\n    a:\n      path: /a\n", File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    public async Task Adding_an_id_registered_with_the_same_path_changes_nothing_and_with_another_path_is_an_error()
    {
        tree.WriteGlobal("conduit:\n  projects:\n    a: { path: /a }\n");

        var same = await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "a", "/a");
        var error = await Assert.ThrowsAsync<ConfigurationFileException>(() => GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "a", "/b"));

        Assert.Equal(ProjectAddOutcome.AlreadyRegistered, same);
        Assert.Contains("already registered with path /a", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
        Assert.Equal("conduit:\n  projects:\n    a: { path: /a }\n", File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    public async Task Removing_keeps_everything_else()
    {
        tree.WriteGlobal("""
            # top
            conduit:
              projects:
                api:
                  path: /repos/api # api comment
                web: { path: /repos/web }
                tools:
                  path: /repos/tools
              server: { port: 9000 } # server
            """);

        var removed = await GlobalConfigurationEditor.RemoveProjectAsync(tree.GlobalFile, "web");

        Assert.True(removed);
        Assert.Equal("""
            # top
            conduit:
              projects:
                api:
                  path: /repos/api # api comment
                tools:
                  path: /repos/tools
              server: { port: 9000 } # server
            """, File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    public async Task Removing_the_last_project_leaves_an_empty_mapping()
    {
        tree.WriteGlobal("conduit:\n  projects:\n    a:\n      path: /a\n  defaultRunner: codex\n");

        await GlobalConfigurationEditor.RemoveProjectAsync(tree.GlobalFile, "a");

        Assert.Equal("conduit:\n  projects: {}\n  defaultRunner: codex\n", File.ReadAllText(tree.GlobalFile));
        Assert.Empty(Load().Settings.Projects);
    }

    [Fact]
    public async Task Removing_from_a_flow_mapping_rewrites_only_the_mapping()
    {
        tree.WriteGlobal("conduit:\n  projects: { a: { path: /a }, b: { path: /b } }  # both\n");

        await GlobalConfigurationEditor.RemoveProjectAsync(tree.GlobalFile, "a");

        Assert.Equal("conduit:\n  projects: { b: { path: /b } }  # both\n", File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    public async Task Removing_an_unknown_project_returns_false_and_leaves_the_file()
    {
        tree.WriteGlobal("conduit:\n  projects: {}\n");

        Assert.False(await GlobalConfigurationEditor.RemoveProjectAsync(tree.GlobalFile, "nope"));
        Assert.Equal("conduit:\n  projects: {}\n", File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    public async Task An_invalid_file_is_not_edited()
    {
        tree.WriteGlobal("conduit:\n  defaultRuner: codex\n");

        var error = await Assert.ThrowsAsync<ConfigurationFileException>(() => GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "a", "/a"));

        Assert.Contains("did you mean", error.Message, StringComparison.Ordinal);
        Assert.Equal("conduit:\n  defaultRuner: codex\n", File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Edits_leave_no_temporary_files_and_keep_the_file_mode()
    {
        tree.WriteGlobal("conduit:\n  projects: {}\n");
        File.SetUnixFileMode(tree.GlobalFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "a", "/a");
        await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "b", "/b");
        await GlobalConfigurationEditor.RemoveProjectAsync(tree.GlobalFile, "a");

        Assert.Equal([tree.GlobalFile], Directory.GetFiles(tree.ConduitHome));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tree.GlobalFile));
        Assert.Equal(["b"], Load().Settings.Projects.Keys);
    }

    [Fact]
    public async Task Windows_line_endings_are_kept()
    {
        tree.WriteGlobal("conduit:\r\n  projects:\r\n    a:\r\n      path: /a\r\n");

        await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "b", "/b");

        Assert.Equal("conduit:\r\n  projects:\r\n    a:\r\n      path: /a\r\n    b:\r\n      path: /b\r\n", File.ReadAllText(tree.GlobalFile));
    }

    [Fact]
    public async Task A_path_that_needs_quoting_is_quoted_and_reads_back_the_same()
    {
        tree.WriteGlobal("conduit:\n  projects: {}\n");

        await GlobalConfigurationEditor.AddProjectAsync(tree.GlobalFile, "odd", "/repos/x: \"y\" #z");

        Assert.Equal("/repos/x: \"y\" #z", Load().Settings.Projects["odd"]);
    }
}
