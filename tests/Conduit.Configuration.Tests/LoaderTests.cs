using Xunit;

namespace Conduit.Configuration.Tests;

public sealed class LoaderTests : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void Without_files_every_value_is_the_original_default()
    {
        var work = tree.MakeDirectory("work");

        var configuration = tree.Load(work);

        var settings = configuration.Settings;
        Assert.Equal("claude", settings.DefaultRunner);
        Assert.Equal(tree.ConduitHome, settings.StateDirectory);
        Assert.Equal(8888, settings.Server.Port);
        Assert.Equal("127.0.0.1", settings.Server.Host);
        Assert.False(settings.Server.AllowInit);
        Assert.True(settings.Server.Debug);
        Assert.True(settings.Server.EnableDocs);
        Assert.Null(settings.Server.Queue.MaxQueuedRuns);
        Assert.Null(settings.Server.Queue.MaxActiveRuns);
        Assert.False(settings.Server.Throttling.Enabled);
        Assert.Equal(60000, settings.Server.Throttling.WindowMilliseconds);
        Assert.Equal(60, settings.Server.Throttling.MaxRequests);
        Assert.Equal(ThrottlingKey.Ip, settings.Server.Throttling.Key);
        Assert.Equal(RequestControlMode.Disabled, settings.Server.RequestControls.WorkingDirectory);
        Assert.Equal(RequestControlMode.Disabled, settings.Server.RequestControls.Database);
        Assert.Equal(RequestControlMode.Disabled, settings.Server.RequestControls.Args);
        Assert.Empty(settings.Projects);
        Assert.Equal(AgentProviders.All, settings.Runners.Keys.Order());
        Assert.All(settings.Runners.Values, r => Assert.Empty(r.Args));
        Assert.Equal("sqlite", settings.Store.Provider);
        Assert.Equal($"Data Source={Path.Combine(tree.ConduitHome, "db.sqlite")}", settings.Store.EffectiveConnectionString);
        Assert.Null(configuration.GlobalFile);
        Assert.Null(configuration.ProjectFile);
        Assert.Equal(tree.GlobalFile, configuration.GlobalFilePath);
        Assert.All(configuration.Origins.Values, o => Assert.Equal(ConfigurationOriginKind.Default, o.Kind));
    }

    public static TheoryData<string, string, object, string> PrecedenceTable() => new()
    {
        // key, layers that set it (d = default only, g = global, p = project, o = override), expected value, expected layer
        { "defaultRunner", "", "claude", "default" },
        { "defaultRunner", "g", "codex", "global" },
        { "defaultRunner", "gp", "gemini", "project" },
        { "defaultRunner", "p", "gemini", "project" },
        { "defaultRunner", "gpo", "cursor", "override" },
        { "defaultRunner", "go", "cursor", "override" },
        { "server.port", "", 8888L, "default" },
        { "server.port", "g", 9001L, "global" },
        { "server.port", "gp", 9002L, "project" },
        { "server.port", "gpo", 9003L, "override" },
        { "server.throttling.maxRequests", "g", 5L, "global" },
        { "server.throttling.maxRequests", "gp", 6L, "project" },
        { "server.requestControls.cwd", "gp", "read_write", "project" },
        { "server.requestControls.cwd", "po", "disabled", "override" },
        { "server.queue.maxActiveRuns", "g", 2L, "global" },
    };

    [Theory]
    [MemberData(nameof(PrecedenceTable))]
    public void The_highest_layer_that_sets_a_key_wins(string key, string layers, object expected, string expectedLayer)
    {
        var values = new Dictionary<string, (object G, object P, object O)>
        {
            ["defaultRunner"] = ("codex", "gemini", "cursor"),
            ["server.port"] = (9001L, 9002L, 9003L),
            ["server.throttling.maxRequests"] = (5L, 6L, 7L),
            ["server.requestControls.cwd"] = ("read_only", "read_write", "disabled"),
            ["server.queue.maxActiveRuns"] = (2L, 3L, 4L),
        };
        var (g, p, o) = values[key];
        var repo = tree.MakeDirectory("repo");
        if (layers.Contains('g', StringComparison.Ordinal))
        {
            tree.WriteGlobal(Nested(key, g));
        }

        if (layers.Contains('p', StringComparison.Ordinal))
        {
            tree.Write("repo/.conduit/config.yaml", Nested(key, p));
        }

        var overrides = layers.Contains('o', StringComparison.Ordinal)
            ? new[] { new ConfigurationOverride { Key = key, Value = o, Source = "--flag" } }
            : [];

        var configuration = tree.Load(repo, overrides);

        var json = configuration.ToJson()["conduit"]!;
        foreach (var segment in key.Split('.'))
        {
            json = json[segment]!;
        }

        Assert.Equal(expected.ToString(), json.ToString());
        Assert.Equal(expectedLayer, configuration.GetOrigin(key)!.LayerName);
    }

    [Fact]
    public void Maps_merge_key_by_key_and_lists_replace()
    {
        tree.WriteGlobal("""
            conduit:
              runners:
                codex:
                  args: ["--a", "--b"]
                  env: { A: "1", B: "2" }
                gemini:
                  args: ["--g"]
              prices:
                gpt-5: { inputPerMillion: 1.25, outputPerMillion: 10 }
            """);
        tree.Write("repo/.conduit/config.yaml", """
            conduit:
              runners:
                codex:
                  env: { B: "3" }
                gemini:
                  args: ["--project"]
              prices:
                gpt-5: { cachedInputPerMillion: 0.125 }
            """);

        var configuration = tree.Load(tree.MakeDirectory("repo"));

        var codex = configuration.GetRunner("codex");
        Assert.Equal(["--a", "--b"], codex.Args);
        Assert.Equal("1", codex.Environment["A"]);
        Assert.Equal("3", codex.Environment["B"]);
        Assert.Equal(["--project"], configuration.GetRunner("gemini").Args);
        Assert.Equal("global", configuration.GetOrigin("runners.codex.env.A")!.LayerName);
        Assert.Equal("project", configuration.GetOrigin("runners.codex.env.B")!.LayerName);
        var price = configuration.Settings.Prices["gpt-5"];
        Assert.Equal(1.25m, price.InputPerMillion);
        Assert.Equal(10m, price.OutputPerMillion);
        Assert.Equal(0.125m, price.CachedInputPerMillion);
    }

    [Fact]
    public void The_project_file_is_found_walking_up_from_a_nested_directory()
    {
        var file = tree.Write("repo/.conduit/config.yaml", "conduit:\n  project: { id: repo }\n  defaultRunner: codex\n");
        var nested = tree.MakeDirectory("repo/src/a/b/c");

        var configuration = tree.Load(nested);

        Assert.Equal(file, configuration.ProjectFile);
        Assert.Equal(Path.Combine(tree.Root, "repo"), configuration.ProjectRoot);
        Assert.Equal("repo", configuration.Settings.ProjectId);
        Assert.Equal("codex", configuration.Settings.DefaultRunner);
    }

    [Fact]
    public void The_nearest_project_file_is_the_only_project_layer_and_a_conduit_directory_without_config_is_skipped()
    {
        tree.Write("repo/.conduit/config.yaml", "conduit:\n  defaultRunner: codex\n  server: { port: 1234 }\n");
        var inner = tree.Write("repo/sub/.conduit/config.yml", "conduit:\n  defaultRunner: gemini\n");
        tree.Write("repo/sub/deeper/.conduit/policies/default.v1/policy.yaml", "x: 1\n");

        var configuration = tree.Load(tree.MakeDirectory("repo/sub/deeper/x"));

        Assert.Equal(inner, configuration.ProjectFile);
        Assert.Equal("gemini", configuration.Settings.DefaultRunner);
        Assert.Equal(8888, configuration.Settings.Server.Port);
    }

    [Fact]
    public void Working_under_the_home_directory_does_not_read_the_global_file_as_a_project_file()
    {
        // The original's bug 2: from $HOME or below, ~/.conduit/config.yaml was also the project layer, and its
        // "projects:" map then failed every command.
        tree.WriteGlobal("conduit:\n  defaultRunner: codex\n  projects: {}\n");
        var work = Path.Combine(tree.Home, "code", "thing");
        Directory.CreateDirectory(work);

        var configuration = tree.Load(work);

        Assert.Equal(tree.GlobalFile, configuration.GlobalFile);
        Assert.Null(configuration.ProjectFile);
        Assert.Equal("codex", configuration.Settings.DefaultRunner);
        Assert.Equal("global", configuration.GetOrigin("defaultRunner")!.LayerName);
    }

    [Fact]
    public void Working_in_the_home_directory_itself_does_not_read_the_global_file_as_a_project_file()
    {
        tree.WriteGlobal("conduit:\n  projects: {}\n");

        var configuration = tree.Load(tree.Home);

        Assert.Null(configuration.ProjectFile);
    }

    [Fact]
    public void A_conduit_home_reached_through_a_symbolic_link_is_still_recognised_as_the_global_directory()
    {
        tree.WriteGlobal("conduit:\n  projects: {}\n");
        var link = Path.Combine(tree.Root, "home-link");
        Directory.CreateSymbolicLink(link, tree.Home);
        var work = Path.Combine(link, "code");
        Directory.CreateDirectory(work);

        var configuration = ConduitConfigurationLoader.Load(tree.Options(work, conduitHome: Path.Combine(link, ".conduit")));

        Assert.Null(configuration.ProjectFile);
        Assert.NotNull(configuration.GlobalFile);
    }

    [Fact]
    public void With_conduit_home_elsewhere_the_default_home_conduit_directory_is_still_not_a_project()
    {
        tree.WriteGlobal("conduit:\n  projects: {}\n");
        var otherHome = tree.MakeDirectory("other-home");
        var work = Path.Combine(tree.Home, "code");
        Directory.CreateDirectory(work);

        var configuration = ConduitConfigurationLoader.Load(tree.Options(work, conduitHome: otherHome));

        Assert.Null(configuration.ProjectFile);
        Assert.Null(configuration.GlobalFile);
        Assert.Equal(otherHome, configuration.ConduitHome);
        Assert.Equal(otherHome, configuration.Settings.StateDirectory);
    }

    [Fact]
    public void Both_yaml_and_yml_in_one_directory_is_an_error_naming_both()
    {
        tree.WriteGlobal("conduit: {}\n");
        File.WriteAllText(Path.Combine(tree.ConduitHome, "config.yml"), "conduit: {}\n");

        var error = Assert.Throws<ConfigurationFileException>(() => tree.Load(tree.MakeDirectory("w")));

        Assert.Contains("config.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("config.yml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_global_file_may_be_named_config_yml()
    {
        File.WriteAllText(Path.Combine(tree.ConduitHome, "config.yml"), "conduit:\n  defaultRunner: cursor\n");

        var configuration = tree.Load(tree.MakeDirectory("w"));

        Assert.Equal("cursor", configuration.Settings.DefaultRunner);
        Assert.Equal(Path.Combine(tree.ConduitHome, "config.yml"), configuration.GlobalFilePath);
    }

    [Fact]
    public void Tilde_and_relative_paths_are_expanded_against_home_and_the_file_directory()
    {
        tree.WriteGlobal("""
            conduit:
              stateDir: ~/state
              projects:
                near: { path: ../near }
                far: { path: ~/far }
                abs: { path: /srv/abs }
              runners:
                codex: { executable: ./bin/codex }
                claude: { executable: claude-nightly }
                gemini: { executable: ~/bin/gemini }
            """);
        tree.Write("repo/.conduit/config.yaml", "conduit:\n  stateDir: ../.state\n");

        var global = tree.Load(tree.MakeDirectory("w"));
        var project = tree.Load(tree.MakeDirectory("repo"));

        Assert.Equal(Path.Combine(tree.Home, "state"), global.Settings.StateDirectory);
        Assert.Equal(Path.Combine(tree.Home, "near"), global.Settings.Projects["near"]);
        Assert.Equal(Path.Combine(tree.Home, "far"), global.Settings.Projects["far"]);
        Assert.Equal("/srv/abs", global.Settings.Projects["abs"]);
        Assert.Equal(Path.Combine(tree.ConduitHome, "bin", "codex"), global.GetRunner("codex").Executable);
        Assert.Equal("claude-nightly", global.GetRunner("claude").Executable);
        Assert.Equal(Path.Combine(tree.Home, "bin", "gemini"), global.GetRunner("gemini").Executable);
        Assert.Equal(Path.Combine(tree.Root, "repo", ".state"), project.Settings.StateDirectory);
    }

    [Fact]
    public void Other_top_level_keys_are_allowed_and_empty_files_are_valid()
    {
        tree.WriteGlobal("# nothing yet\n");
        tree.Write("repo/.conduit/config.yaml", "editor: { theme: dark }\nconduit:\n");

        var configuration = tree.Load(tree.MakeDirectory("repo"));

        Assert.Equal("claude", configuration.Settings.DefaultRunner);
        Assert.Equal(2, configuration.Files.Count);
    }

    [Fact]
    public void Durations_accept_seconds_and_unit_strings()
    {
        tree.WriteGlobal("""
            conduit:
              runners:
                codex: { timeout: 15m, idleTimeout: 90 }
                claude: { timeout: 1h30m }
              runs: { defaultTimeout: 45s }
            """);

        var configuration = tree.Load(tree.MakeDirectory("w"));

        Assert.Equal(TimeSpan.FromMinutes(15), configuration.GetRunner("codex").Timeout);
        Assert.Equal(TimeSpan.FromSeconds(90), configuration.GetRunner("codex").IdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(90), configuration.GetRunner("claude").Timeout);
        Assert.Null(configuration.GetRunner("gemini").Timeout);
        Assert.Equal(TimeSpan.FromSeconds(45), configuration.Settings.Runs.DefaultTimeout);
    }

    [Fact]
    public void Origins_name_the_file_line_and_column_of_each_value()
    {
        tree.WriteGlobal("conduit:\n  server:\n    port: 9000\n");

        var configuration = tree.Load(tree.MakeDirectory("w"));

        var origin = configuration.GetOrigin("conduit.server.port")!;
        Assert.Equal(ConfigurationOriginKind.GlobalFile, origin.Kind);
        Assert.Equal(tree.GlobalFile, origin.Source);
        Assert.Equal(3, origin.Line);
        Assert.Equal(11, origin.Column);
        Assert.Equal($"global {tree.GlobalFile}:3:11", origin.ToString());
        Assert.Equal("default", configuration.GetOrigin("conduit.server.debug")!.ToString());
    }

    [Fact]
    public void Overrides_are_checked_like_files_and_name_their_source()
    {
        var error = Assert.Throws<ConfigurationFileException>(() => tree.Load(
            tree.MakeDirectory("w"),
            [new ConfigurationOverride { Key = "server.port", Value = "eighty", Source = "--port" }]));

        Assert.Equal("--port", error.FilePath);
        Assert.Equal("conduit.server.port", error.Key);
        Assert.Contains("expected an integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_paths_are_relative_to_the_working_directory()
    {
        var work = tree.MakeDirectory("w");

        var configuration = tree.Load(work, [new ConfigurationOverride { Key = "conduit.stateDir", Value = "state", Source = "--db" }]);

        Assert.Equal(Path.Combine(work, "state"), configuration.Settings.StateDirectory);
        Assert.Equal("override --db", configuration.GetOrigin("stateDir")!.ToString());
    }

    [Fact]
    public void An_args_override_replaces_the_configured_list_like_args_after_double_dash()
    {
        tree.WriteGlobal("conduit:\n  runners:\n    codex: { args: [\"--a\"], env: { A: x } }\n");

        var configuration = tree.Load(
            tree.MakeDirectory("w"),
            [new ConfigurationOverride { Key = "runners.codex.args", Value = new[] { "--model", "o3" }, Source = "-- args" }]);

        Assert.Equal(["--model", "o3"], configuration.GetRunner("codex").Args);
        Assert.Equal("x", configuration.GetRunner("codex").Environment["A"]);
        Assert.Equal("override -- args", configuration.GetOrigin("runners.codex.args")!.ToString());
    }

    [Fact]
    public void An_unknown_override_key_is_an_error_with_a_suggestion()
    {
        var error = Assert.Throws<ConfigurationFileException>(() => tree.Load(
            tree.MakeDirectory("w"),
            [new ConfigurationOverride { Key = "server.prot", Value = 1, Source = "--port" }]));

        Assert.Equal("--port", error.FilePath);
        Assert.Contains("did you mean \"port\"?", error.Message, StringComparison.Ordinal);
    }

    private static string Nested(string key, object value)
    {
        var segments = key.Split('.');
        var text = "conduit:\n";
        for (var i = 0; i < segments.Length; i++)
        {
            text += new string(' ', (i + 1) * 2) + segments[i] + ":" + (i == segments.Length - 1 ? " " + value : string.Empty) + "\n";
        }

        return text;
    }
}
