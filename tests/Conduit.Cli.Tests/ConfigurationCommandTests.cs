using System.Text.Json;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests;

/// <summary><c>conduit config</c> and <c>conduit projects</c>, run in-process with a temporary home and CONDUIT_HOME.</summary>
public sealed class ConfigurationCommandTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "conduit-cli-config-" + Guid.NewGuid().ToString("N"));

    public ConfigurationCommandTests()
    {
        Home = Path.Combine(root, "home");
        ConduitHome = Path.Combine(root, "conduit-home");
        Work = Path.Combine(root, "work");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(ConduitHome);
        Directory.CreateDirectory(Work);
    }

    private string Home { get; }

    private string ConduitHome { get; }

    private string Work { get; }

    private string GlobalFile => Path.Combine(ConduitHome, "config.yaml");

    public void Dispose() => Directory.Delete(root, recursive: true);

    private async Task<(int ExitCode, string Out, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            WorkingDirectory = Work,
            GetEnvironmentVariable = name => name switch
            {
                "HOME" => Home,
                "CONDUIT_HOME" => ConduitHome,
                _ => null,
            },
        };
        var exitCode = await ConduitCli.InvokeAsync(args, environment);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Config_show_prints_the_effective_yaml_with_origins()
    {
        File.WriteAllText(GlobalFile, "conduit:\n  defaultRunner: codex\n");
        Directory.CreateDirectory(Path.Combine(Work, ".conduit"));
        File.WriteAllText(Path.Combine(Work, ".conduit", "config.yaml"), "conduit:\n  server:\n    port: 9999\n");

        var (exitCode, output, error) = await Run("config", "show", "--origin");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Contains($"# global file: {GlobalFile}", output, StringComparison.Ordinal);
        Assert.Contains($"  defaultRunner: codex  # global {GlobalFile}:2:18", output, StringComparison.Ordinal);
        Assert.Contains($"    port: 9999  # project {Path.Combine(Work, ".conduit", "config.yaml")}:3:11", output, StringComparison.Ordinal);
        Assert.Contains("    debug: true  # default", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_show_json_gives_values_files_and_origins()
    {
        File.WriteAllText(GlobalFile, "conduit:\n  runners:\n    codex: { args: [\"--x\"] }\n");

        var (exitCode, output, _) = await Run("config", "show", "--json", "--origin");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var document = JsonDocument.Parse(output);
        var rootElement = document.RootElement;
        Assert.Equal("--x", rootElement.GetProperty("conduit").GetProperty("runners").GetProperty("codex").GetProperty("args")[0].GetString());
        Assert.Equal(8888, rootElement.GetProperty("conduit").GetProperty("server").GetProperty("port").GetInt32());
        Assert.Equal(GlobalFile, rootElement.GetProperty("files").GetProperty("global").GetString());
        Assert.Equal($"global {GlobalFile}:3:20", rootElement.GetProperty("origins").GetProperty("conduit.runners.codex.args").GetString());
        Assert.Equal("default", rootElement.GetProperty("origins").GetProperty("conduit.server.port").GetString());
    }

    [Fact]
    public async Task A_config_error_exits_with_the_configuration_error_code_and_the_precise_message()
    {
        File.WriteAllText(GlobalFile, "conduit:\n  defaultRuner: codex\n");

        var (exitCode, output, error) = await Run("config", "show");

        Assert.Equal(ExitCodes.ConfigurationError, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"Error: {GlobalFile}:2:3: conduit.defaultRuner: unknown key \"defaultRuner\" in \"conduit\"; did you mean \"defaultRunner\"?" + Environment.NewLine, error);
    }

    [Fact]
    public async Task Config_validate_reports_every_problem_of_a_file()
    {
        var file = Path.Combine(Work, "candidate.yaml");
        File.WriteAllText(file, "conduit:\n  server:\n    port: x\n  runners:\n    claud: {}\n");

        var (exitCode, _, error) = await Run("config", "validate", "candidate.yaml");

        Assert.Equal(ExitCodes.ConfigurationError, exitCode);
        var lines = error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal($"Error: {file}:3:11: conduit.server.port: expected an integer; got \"x\"", lines[0]);
        Assert.StartsWith($"Error: {file}:5:5: conduit.runners.claud: \"conduit.runners.claud\" must be one of: claude, codex, cursor, gemini", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_validate_of_a_project_file_applies_the_project_rules()
    {
        Directory.CreateDirectory(Path.Combine(Work, ".conduit"));
        File.WriteAllText(Path.Combine(Work, ".conduit", "config.yaml"), "conduit:\n  projects: {}\n");

        var (exitCode, _, error) = await Run("config", "validate", ".conduit/config.yaml");

        Assert.Equal(ExitCodes.ConfigurationError, exitCode);
        Assert.Contains("Project-local config must not define \"conduit.projects\"; use \"conduit.project.id\" instead", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_validate_without_a_file_checks_the_files_in_effect()
    {
        File.WriteAllText(GlobalFile, "conduit:\n  projects: {}\n");

        var (exitCode, output, _) = await Run("config", "validate");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal($"{GlobalFile}: valid" + Environment.NewLine, output);
    }

    [Fact]
    public async Task Projects_add_list_get_and_remove_edit_the_global_file_keeping_its_comments()
    {
        File.WriteAllText(GlobalFile, "# mine\nconduit:\n  defaultRunner: codex # keep\n  projects: {}\n");
        var billing = Directory.CreateDirectory(Path.Combine(root, "repos", "billing")).FullName;
        var api = Directory.CreateDirectory(Path.Combine(Work, "api")).FullName;

        var added = await Run("projects", "add", "billing", billing);
        var addedRelative = await Run("projects", "add", "api", "api");
        var list = await Run("projects", "list");
        var listJson = await Run("projects", "list", "--json");
        var get = await Run("projects", "get", "api");
        var removed = await Run("projects", "remove", "billing");
        var afterRemove = await Run("projects", "list");

        Assert.Equal((ExitCodes.Success, $"added billing\t{billing}" + Environment.NewLine), (added.ExitCode, added.Out));
        Assert.Equal(ExitCodes.Success, addedRelative.ExitCode);
        Assert.Equal($"api\t{api}" + Environment.NewLine + $"billing\t{billing}" + Environment.NewLine, list.Out);
        using (var document = JsonDocument.Parse(listJson.Out))
        {
            Assert.Equal("api", document.RootElement[0].GetProperty("project_id").GetString());
            Assert.Equal(billing, document.RootElement[1].GetProperty("path").GetString());
        }

        Assert.Equal($"project_id: api" + Environment.NewLine + $"path: {api}" + Environment.NewLine, get.Out);
        Assert.Equal("removed billing" + Environment.NewLine, removed.Out);
        Assert.Equal($"api\t{api}" + Environment.NewLine, afterRemove.Out);
        Assert.Equal($"# mine\nconduit:\n  defaultRunner: codex # keep\n  projects:\n    api:\n      path: {api}\n", File.ReadAllText(GlobalFile));
    }

    [Fact]
    public async Task Projects_get_of_an_unknown_id_lists_the_known_ones()
    {
        File.WriteAllText(GlobalFile, "conduit:\n  projects:\n    a: { path: /a }\n");

        var (exitCode, _, error) = await Run("projects", "get", "b");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Equal("Error: Project \"b\" not found; known projects: a" + Environment.NewLine, error);
    }

    [Fact]
    public async Task Projects_add_of_a_directory_that_does_not_exist_is_refused_and_the_file_is_not_created()
    {
        var (exitCode, _, error) = await Run("projects", "add", "x", "missing");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"the directory does not exist: {Path.Combine(Work, "missing")}", error, StringComparison.Ordinal);
        Assert.False(File.Exists(GlobalFile));
    }

    [Fact]
    public async Task Projects_remove_of_an_unknown_id_is_an_error()
    {
        var (exitCode, _, error) = await Run("projects", "remove", "nope");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("Project \"nope\" not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Working_in_the_home_directory_with_the_install_default_global_file_works()
    {
        // The original's bug 2, through the CLI: CONDUIT_HOME unset, so the global file is ~/.conduit/config.yaml.
        Directory.CreateDirectory(Path.Combine(Home, ".conduit"));
        File.WriteAllText(Path.Combine(Home, ".conduit", "config.yaml"), "conduit:\n  projects: {}\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            WorkingDirectory = Home,
            GetEnvironmentVariable = name => name == "HOME" ? Home : null,
        };

        var exitCode = await ConduitCli.InvokeAsync(["projects", "list"], environment);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(string.Empty, error.ToString());
    }
}
