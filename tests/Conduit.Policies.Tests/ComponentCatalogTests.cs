using Xunit;

namespace Conduit.Policies.Tests;

/// <summary>The bundled presets and components, as <see cref="ConduitInstaller"/> installs them and <see cref="ComponentCatalog"/> reads them.</summary>
public sealed class ComponentCatalogTests : IDisposable
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "conduit-components-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_stateDirectory, recursive: true);

    private Task<ConduitInstallResult> InstallAsync(bool force = false) => ConduitInstaller.InstallAsync(new ConduitInstallOptions
    {
        StateDirectory = _stateDirectory,
        GlobalConfigPath = Path.Combine(_stateDirectory, "config.yaml"),
        Force = force,
    });

    [Fact]
    public async Task Every_bundled_component_and_the_basic_preset_load()
    {
        await InstallAsync();

        var components = ComponentCatalog.LoadComponents(_stateDirectory).ToDictionary(c => c.Id);
        var basic = ComponentCatalog.LoadPreset(_stateDirectory, "basic");

        Assert.Equal(["claude-sonnet-4-6", "codex-gpt-5-3", "jingle-failure", "jingle-success", "no-checks", "npm-test", "ralph", "worktree-from-main"], components.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new RunnerSpec("codex", "gpt-5.3-codex"), components["codex-gpt-5-3"].Runner);
        Assert.Equal(new RunnerSpec("claude", "claude-sonnet-4-6"), components["claude-sonnet-4-6"].Runner);
        Assert.Empty(components["no-checks"].Checks);
        var npm = Assert.Single(components["npm-test"].Checks);
        Assert.Equal(("npm test", 900, "retry"), (npm.Command, npm.TimeoutSeconds, npm.OnFail));
        var ralph = Assert.Single(components["ralph"].Checks);
        Assert.Equal(("./scripts/check.sh", 30), (ralph.Command, ralph.TimeoutSeconds));
        Assert.Equal((PolicyHookStage.BeforeAttempt, true), (components["worktree-from-main"].Lifecycle, components["worktree-from-main"].RequiresGit));
        Assert.Equal((PolicyHookStage.OnFailure, "./scripts/complete.sh failure"), (components["jingle-failure"].Lifecycle, components["jingle-failure"].HookCommand));
        Assert.Equal((PolicyHookStage.OnSuccess, "./scripts/complete.sh success"), (components["jingle-success"].Lifecycle, components["jingle-success"].HookCommand));
        Assert.Equal("codex-gpt-5-3", basic.Runner);
        Assert.Equal(["worktree-from-main"], basic.Hooks);
        Assert.Equal(["no-checks"], basic.Checks);
        Assert.NotNull(basic.PromptFile);
    }

    [Fact]
    public async Task A_broken_component_names_its_file_line_and_field()
    {
        await InstallAsync();
        var file = Path.Combine(ConduitInstaller.ComponentsDirectory(_stateDirectory), "npm-test", "component.yaml");
        File.WriteAllText(file, "component:\n  id: npm-test\n  kind: check\nchecks:\n  - name: npm-test\n    command: npm test\n    on_fail: later\n");

        var error = Assert.Throws<PolicyInvalidException>(() => ComponentCatalog.LoadComponents(_stateDirectory));

        Assert.Equal(file, error.FilePath);
        Assert.Equal(7, error.Line);
        Assert.Equal("checks[0].on_fail", error.Field);
    }

    [Fact]
    public async Task An_unknown_preset_lists_the_installed_ones()
    {
        await InstallAsync();

        var error = Assert.Throws<ConduitException>(() => ComponentCatalog.LoadPreset(_stateDirectory, "fancy"));

        Assert.StartsWith("Unknown preset \"fancy\"; installed presets: basic", error.Message, StringComparison.Ordinal);
    }
}
