namespace Conduit.Policies;

/// <summary>What <see cref="ConduitInstaller.InstallAsync"/> sets up.</summary>
public sealed class ConduitInstallOptions
{
    /// <summary>The state directory (<c>conduit.stateDir</c>): <c>runs/</c>, <c>presets/</c> and <c>components/</c> go here.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>
    /// The global configuration file the loader reads (<c>ConduitConfiguration.GlobalFilePath</c>, i.e.
    /// <c>$CONDUIT_HOME/config.yaml</c>); written as <c>conduit:\n  projects: {}</c> when it does not exist.
    /// </summary>
    public required string GlobalConfigPath { get; init; }

    /// <summary>Overwrite bundled files that already exist. <value>Default: false (they are skipped).</value></summary>
    public bool Force { get; init; }

    /// <summary>The clock for <c>installed_at</c>. <value>Default: <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>What <see cref="ConduitInstaller.InstallAsync"/> did (JSON names: the original's <c>conduit install --json</c>).</summary>
public sealed class ConduitInstallResult
{
    /// <summary>The state directory.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The global configuration file.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Whether the state directory was created.</summary>
    public required bool CreatedStateDirectory { get; init; }

    /// <summary>Whether the global configuration file was created.</summary>
    public required bool CreatedConfig { get; init; }

    /// <summary>Whether <c>runs/</c> was created.</summary>
    public required bool CreatedRunsDirectory { get; init; }

    /// <summary>The bundled presets and components copied.</summary>
    public required InstalledAssets Assets { get; init; }
}

/// <summary>The bundled assets copied into the state directory.</summary>
public sealed class InstalledAssets
{
    /// <summary>The version of the package the assets came from (also in each folder's <c>.bundle-meta.json</c>).</summary>
    public required string PackageVersion { get; init; }

    /// <summary>Files under <c>&lt;stateDir&gt;/presets/</c>.</summary>
    public required AssetCopyCounts Presets { get; init; }

    /// <summary>Files under <c>&lt;stateDir&gt;/components/</c>.</summary>
    public required AssetCopyCounts Components { get; init; }
}

/// <summary>How many bundled files were copied, overwritten (<c>--force</c>) or left as they were.</summary>
public sealed class AssetCopyCounts
{
    /// <summary>Files that did not exist and were written.</summary>
    public required int CopiedFiles { get; init; }

    /// <summary>Files that existed and were overwritten (only with <see cref="ConduitInstallOptions.Force"/>).</summary>
    public required int OverwrittenFiles { get; init; }

    /// <summary>Files that existed and were left untouched.</summary>
    public required int SkippedExistingFiles { get; init; }
}
