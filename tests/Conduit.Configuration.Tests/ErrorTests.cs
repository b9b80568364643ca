using Xunit;

namespace Conduit.Configuration.Tests;

public sealed class ErrorTests : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private ConfigurationFileException LoadGlobal(string yaml)
    {
        tree.WriteGlobal(yaml);
        return Assert.Throws<ConfigurationFileException>(() => tree.Load(tree.MakeDirectory("w")));
    }

    [Fact]
    public void Malformed_yaml_names_the_file_line_and_column()
    {
        var error = LoadGlobal("conduit:\n  defaultRunner: codex\n  server: x: y\n");

        Assert.Equal(tree.GlobalFile, error.FilePath);
        Assert.Equal(3, error.Line);
        Assert.NotNull(error.Column);
        Assert.StartsWith($"{tree.GlobalFile}:3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_flow_sequence_is_reported_as_malformed_not_crashing()
    {
        var error = LoadGlobal("conduit:\n  runners:\n    codex: { args: [\"--a\", \n");

        Assert.Equal(tree.GlobalFile, error.FilePath);
        Assert.NotNull(error.Line);
        Assert.Contains("malformed YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_type_names_the_key_and_the_value_position()
    {
        var error = LoadGlobal("conduit:\n  server:\n    port: eighty\n");

        Assert.Equal("conduit.server.port", error.Key);
        Assert.Equal(3, error.Line);
        Assert.Equal(11, error.Column);
        Assert.Equal($"{tree.GlobalFile}:3:11: conduit.server.port: expected an integer; got \"eighty\"", error.Message);
    }

    [Theory]
    [InlineData("conduit:\n  defaultRuner: codex\n", "conduit.defaultRuner", 2, 3, "did you mean \"defaultRunner\"?")]
    [InlineData("conduit:\n  server:\n    hots: 0.0.0.0\n", "conduit.server.hots", 3, 5, "did you mean \"host\"?")]
    [InlineData("conduit:\n  server:\n    throttling: { windowMS: 10 }\n", "conduit.server.throttling.windowMS", 3, 19, "did you mean \"windowMs\"?")]
    [InlineData("conduit:\n  StateDir: /x\n", "conduit.StateDir", 2, 3, "did you mean \"stateDir\"?")]
    public void An_unknown_key_is_an_error_suggesting_the_nearest_valid_key(string yaml, string key, int line, int column, string suggestion)
    {
        var error = LoadGlobal(yaml);

        Assert.Equal(key, error.Key);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(suggestion, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_far_from_every_valid_key_lists_the_valid_keys()
    {
        var error = LoadGlobal("conduit:\n  server:\n    colour: blue\n");

        Assert.Contains("unknown key \"colour\" in \"conduit.server\"; valid keys: port, host, allowInit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_runner_name_lists_the_providers()
    {
        var error = LoadGlobal("conduit:\n  runners:\n    copilot: { args: [] }\n");

        Assert.Equal("conduit.runners.copilot", error.Key);
        Assert.Equal("\"conduit.runners.copilot\" must be one of: claude, codex, cursor, gemini", error.Problem);
    }

    [Fact]
    public void A_misspelt_runner_name_also_gets_a_suggestion()
    {
        var error = LoadGlobal("conduit:\n  runners:\n    claud: { args: [] }\n");

        Assert.Equal("\"conduit.runners.claud\" must be one of: claude, codex, cursor, gemini (did you mean \"claude\"?)", error.Problem);
    }

    [Fact]
    public void A_wrong_enumeration_value_lists_the_allowed_values()
    {
        var error = LoadGlobal("conduit:\n  server:\n    requestControls: { cwd: readwrite }\n");

        Assert.Equal("conduit.server.requestControls.cwd", error.Key);
        Assert.Equal("must be one of: disabled, read_only, read_write; got \"readwrite\" (did you mean \"read_write\"?)", error.Problem);
    }

    [Fact]
    public void An_invalid_default_runner_says_what_is_expected()
    {
        var error = LoadGlobal("conduit:\n  defaultRunner: copilot\n");

        Assert.Equal("conduit.defaultRunner", error.Key);
        Assert.Contains("expected claude, codex, cursor or gemini", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_errors_in_one_file_are_reported_together()
    {
        var error = LoadGlobal("conduit:\n  defaultRuner: codex\n  server:\n    port: -1\n    debug: maybe\n");

        Assert.Equal(2, error.Line);
        Assert.Contains("2 more problem(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{tree.GlobalFile}:4:11: conduit.server.port: must be at least 0; got -1", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{tree.GlobalFile}:5:12: conduit.server.debug: expected true or false; got \"maybe\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_key_is_an_error()
    {
        var error = LoadGlobal("conduit:\n  defaultRunner: codex\n  defaultRunner: claude\n");

        Assert.Equal(3, error.Line);
        Assert.Equal("conduit.defaultRunner", error.Key);
        Assert.Contains("duplicate key \"defaultRunner\" (first defined on line 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_duration_says_what_a_duration_looks_like()
    {
        var error = LoadGlobal("conduit:\n  runners:\n    codex: { timeout: 15 minutes }\n");

        Assert.Equal("conduit.runners.codex.timeout", error.Key);
        Assert.Contains("a duration", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_projects_map_in_a_project_file_says_to_use_project_id()
    {
        tree.Write("repo/.conduit/config.yaml", "conduit:\n  projects:\n    repo: { path: /x }\n");

        var error = Assert.Throws<ConfigurationFileException>(() => tree.Load(tree.MakeDirectory("repo")));

        Assert.Equal(Path.Combine(tree.Root, "repo/.conduit/config.yaml"), error.FilePath);
        Assert.Equal(2, error.Line);
        Assert.Equal("conduit.projects", error.Key);
        Assert.Equal("Project-local config must not define \"conduit.projects\"; use \"conduit.project.id\" instead", error.Problem);
    }

    [Fact]
    public void A_project_id_in_the_global_file_is_accepted_and_marks_no_project()
    {
        tree.WriteGlobal("conduit:\n  project: { id: x }\n");

        var configuration = tree.Load(tree.MakeDirectory("w"));

        Assert.Null(configuration.Settings.ProjectId);
        Assert.Null(configuration.ProjectRoot);
    }

    [Fact]
    public void A_project_id_of_the_wrong_type_in_the_global_file_is_still_an_error()
    {
        var error = LoadGlobal("conduit:\n  project: { id: 3 }\n");

        Assert.Equal("conduit.project.id", error.Key);
    }

    [Fact]
    public void An_unreadable_file_names_itself()
    {
        // Tests run as root, which can read any file whatever its mode, so an unreadable file is simulated by a
        // directory named config.yaml.
        Directory.CreateDirectory(tree.GlobalFile);

        var error = Assert.Throws<ConfigurationFileException>(() => tree.Load(tree.MakeDirectory("w")));

        Assert.Equal(tree.GlobalFile, error.FilePath);
        Assert.Contains("cannot read the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_mapping_is_an_error()
    {
        var error = LoadGlobal("- conduit\n- x\n");

        Assert.Equal(1, error.Line);
        Assert.Contains("must be a mapping", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_entry_without_a_path_is_an_error_at_the_entry()
    {
        var error = LoadGlobal("conduit:\n  projects:\n    billing: { dir: /x }\n");

        Assert.Contains("unknown key \"dir\" in \"conduit.projects.billing\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing required key \"path\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("conduit:\n  runners:\n    codex: { args: --x }\n", "conduit.runners.codex.args", "expected a list or null; got \"--x\"")]
    [InlineData("conduit:\n  server: 8888\n", "conduit.server", "expected a mapping (key: value pairs) or null; got 8888")]
    [InlineData("conduit:\n  server:\n    queue: { maxActiveRuns: lots }\n", "conduit.server.queue.maxActiveRuns", "expected an integer >= 1 or null; got \"lots\"")]
    [InlineData("conduit:\n  runners:\n    codex: { env: { A: [1] } }\n", "conduit.runners.codex.env.A", "expected a string, number, boolean or null; got a list")]
    public void A_value_of_a_type_union_names_every_accepted_type(string yaml, string key, string problem)
    {
        var error = LoadGlobal(yaml);

        Assert.Equal(key, error.Key);
        Assert.Equal(problem, error.Problem);
    }
}
