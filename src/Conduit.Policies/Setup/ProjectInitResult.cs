namespace Conduit.Policies;

/// <summary>What <see cref="ProjectInitializer.InitializeAsync"/> writes.</summary>
public sealed class ProjectInitOptions
{
    /// <summary>The project's root directory (<c>conduit init</c>: the current directory).</summary>
    public required string ProjectPath { get; init; }

    /// <summary>The state directory; installed first (see <see cref="ConduitInstaller"/>), components are read from it.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The global configuration file the loader reads, where the project is registered.</summary>
    public required string GlobalConfigPath { get; init; }

    /// <summary>The preset giving the default runner, hooks and checks. <value>Default: <c>basic</c>.</value></summary>
    public string Preset { get; init; } = "basic";

    /// <summary>Check component ids replacing the preset's; null keeps the preset's. <value>Default: null.</value></summary>
    public IReadOnlyList<string>? Checks { get; init; }

    /// <summary>Hook component ids added to the preset's. <value>Default: none.</value></summary>
    public IReadOnlyList<string> Hooks { get; init; } = [];

    /// <summary>A runner component id or <c>provider[/model]</c>; null keeps the preset's. <value>Default: null.</value></summary>
    public string? Runner { get; init; }

    /// <summary>
    /// The project id; null uses the project file's <c>conduit.project.id</c>, else the folder name lowercased with
    /// every other character than a-z and 0-9 turned into <c>-</c>. <value>Default: null.</value>
    /// </summary>
    public string? ProjectId { get; init; }

    /// <summary>
    /// Overwrite an existing <c>default.v1</c> policy. The installed presets and components are not overwritten (that is
    /// <c>conduit install --force</c>). <value>Default: false.</value>
    /// </summary>
    public bool Force { get; init; }

    /// <summary>The home directory for <c>~</c> in the global file. <value>Default: null = <c>$HOME</c>.</value></summary>
    public string? HomeDirectory { get; init; }

    /// <summary>The clock. <value>Default: <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>What <see cref="ProjectInitializer.InitializeAsync"/> did (JSON names: the original's <c>conduit init --json</c>).</summary>
public sealed class ProjectInitResult
{
    /// <summary>The project id.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The project's root directory.</summary>
    public required string ProjectPath { get; init; }

    /// <summary>The policy written: <c>default.v1</c>.</summary>
    public required string PolicyId { get; init; }

    /// <summary>The policy's folder.</summary>
    public required string PolicyDirectory { get; init; }

    /// <summary>The runner written into the policy.</summary>
    public required RunnerSpec Runner { get; init; }

    /// <summary>The hook component ids written, in order.</summary>
    public required IReadOnlyList<string> Hooks { get; init; }

    /// <summary>The check component ids written, in order.</summary>
    public required IReadOnlyList<string> Checks { get; init; }

    /// <summary>The project file (<c>.conduit/config.yaml</c>).</summary>
    public required string LocalConfigPath { get; init; }

    /// <summary>The global file the project was registered in.</summary>
    public required string GlobalConfigPath { get; init; }

    /// <summary>Whether the project file was created.</summary>
    public required bool CreatedLocalConfig { get; init; }

    /// <summary>Whether the policy did not exist before (false when <c>--force</c> replaced it).</summary>
    public required bool CreatedPolicy { get; init; }

    /// <summary>What the install step did.</summary>
    public required ConduitInstallResult InstalledGlobalState { get; init; }
}
