using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Configuration;

namespace Conduit.Policies;

/// <summary>
/// <c>conduit install</c>: creates the state directory and <c>runs/</c>, writes an empty global configuration when there
/// is none, and copies the bundled presets and components into <c>&lt;stateDir&gt;/presets/</c> and
/// <c>&lt;stateDir&gt;/components/</c> (files that exist are skipped unless forced), each with a
/// <c>.bundle-meta.json {package_version, installed_at}</c>. Running it again is harmless.
/// </summary>
public static class ConduitInstaller
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The global file written when there is none: the original's, which the loader reads without complaint.</summary>
    public const string EmptyGlobalConfiguration = "conduit:\n  projects: {}\n";

    /// <summary>The name of the file recording which package version installed a folder, and when.</summary>
    public const string BundleMetaFileName = ".bundle-meta.json";

    /// <summary>The folder of the installed presets.</summary>
    public static string PresetsDirectory(string stateDirectory) => Path.Combine(stateDirectory, "presets");

    /// <summary>The folder of the installed components.</summary>
    public static string ComponentsDirectory(string stateDirectory) => Path.Combine(stateDirectory, "components");

    /// <summary>Installs; see the type's summary.</summary>
    public static async Task<ConduitInstallResult> InstallAsync(ConduitInstallOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.StateDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.GlobalConfigPath);
        var stateDirectory = Path.GetFullPath(options.StateDirectory);
        var createdStateDirectory = !Directory.Exists(stateDirectory);
        Directory.CreateDirectory(stateDirectory);
        var runs = Path.Combine(stateDirectory, "runs");
        var createdRuns = !Directory.Exists(runs);
        Directory.CreateDirectory(runs);

        var configPath = Path.GetFullPath(options.GlobalConfigPath);
        var otherName = Path.Combine(Path.GetDirectoryName(configPath)!, Path.GetFileName(configPath) == "config.yaml" ? "config.yml" : "config.yaml");
        var createdConfig = !File.Exists(configPath) && !File.Exists(otherName);
        if (createdConfig)
        {
            await AtomicFile.WriteAllTextAsync(configPath, EmptyGlobalConfiguration, cancellationToken).ConfigureAwait(false);
        }
        else if (!File.Exists(configPath))
        {
            configPath = otherName;
        }

        var installedAt = options.TimeProvider.GetUtcNow();
        var presets = await CopyAsync("presets", PresetsDirectory(stateDirectory), options.Force, installedAt, cancellationToken).ConfigureAwait(false);
        var components = await CopyAsync("components", ComponentsDirectory(stateDirectory), options.Force, installedAt, cancellationToken).ConfigureAwait(false);
        return new ConduitInstallResult
        {
            StateDirectory = stateDirectory,
            ConfigPath = configPath,
            CreatedStateDirectory = createdStateDirectory,
            CreatedConfig = createdConfig,
            CreatedRunsDirectory = createdRuns,
            Assets = new InstalledAssets { PackageVersion = BundledAssets.PackageVersion, Presets = presets, Components = components },
        };
    }

    /// <summary>The result as the original's JSON (<c>state_dir</c>, <c>config_path</c>, <c>created_*</c>, <c>assets</c>).</summary>
    public static JsonObject ToJson(ConduitInstallResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["state_dir"] = result.StateDirectory,
            ["config_path"] = result.ConfigPath,
            ["created_state_dir"] = result.CreatedStateDirectory,
            ["created_config"] = result.CreatedConfig,
            ["created_runs_dir"] = result.CreatedRunsDirectory,
            ["assets"] = new JsonObject
            {
                ["package_version"] = result.Assets.PackageVersion,
                ["presets"] = ToJson(result.Assets.Presets),
                ["components"] = ToJson(result.Assets.Components),
            },
        };
    }

    private static JsonObject ToJson(AssetCopyCounts counts) => new()
    {
        ["copied_files"] = counts.CopiedFiles,
        ["overwritten_files"] = counts.OverwrittenFiles,
        ["skipped_existing_files"] = counts.SkippedExistingFiles,
    };

    private static async Task<AssetCopyCounts> CopyAsync(string folder, string target, bool force, DateTimeOffset installedAt, CancellationToken cancellationToken)
    {
        int copied = 0, overwritten = 0, skipped = 0;
        foreach (var file in BundledAssets.Files(folder))
        {
            var path = Path.Combine(target, file.Replace('/', Path.DirectorySeparatorChar));
            var exists = File.Exists(path);
            if (exists && !force)
            {
                skipped++;
                continue;
            }

            await AtomicFile.WriteAllBytesAsync(path, BundledAssets.Read(folder, file), BundledAssets.ModeFor(file), cancellationToken).ConfigureAwait(false);
            if (exists)
            {
                overwritten++;
            }
            else
            {
                copied++;
            }
        }

        var meta = Path.Combine(target, BundleMetaFileName);
        if (copied + overwritten > 0 || !File.Exists(meta))
        {
            var json = new JsonObject
            {
                ["package_version"] = BundledAssets.PackageVersion,
                ["installed_at"] = installedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            };
            await AtomicFile.WriteAllTextAsync(meta, json.ToJsonString(Indented) + "\n", cancellationToken).ConfigureAwait(false);
        }

        return new AssetCopyCounts { CopiedFiles = copied, OverwrittenFiles = overwritten, SkippedExistingFiles = skipped };
    }
}
