using System.CommandLine;
using Conduit.Cli.Hosting;
using Conduit.Configuration;
using Conduit.Policies;

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit install [--force] [--json]</c>: the state directory, <c>runs/</c>, an empty global file when there is
/// none, and the bundled presets and components (see <see cref="ConduitInstaller"/>).
/// </summary>
internal static class InstallCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var force = new Option<bool>("--force") { Description = "Overwrite installed preset and component files with the bundled ones." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("install", "Create the state directory and global config, and install the bundled presets and components.") { force, json };
        command.SetAction((parse, cancellationToken) => RunsCommands.Guard(environment, async () =>
        {
            var configuration = CliConfiguration.TryLoad(environment, includeProjectFile: false);
            if (configuration is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var result = await ConduitInstaller.InstallAsync(Options(environment, configuration, parse.GetValue(force)), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                CliConfiguration.WriteJson(environment, ConduitInstaller.ToJson(result));
            }
            else
            {
                WriteText(environment.Out, result);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The install options for this configuration: its state directory (or <c>$CONDUIT_STATE_DIR</c>) and global file.</summary>
    public static ConduitInstallOptions Options(CliEnvironment environment, ConduitConfiguration configuration, bool force) => new()
    {
        StateDirectory = StateDirectory(environment, configuration),
        GlobalConfigPath = configuration.GlobalFilePath,
        Force = force,
        TimeProvider = environment.TimeProvider,
    };

    /// <summary>The state directory the runs commands use too: <c>$CONDUIT_STATE_DIR</c>, else <c>conduit.stateDir</c>.</summary>
    public static string StateDirectory(CliEnvironment environment, ConduitConfiguration configuration) =>
        environment.GetEnvironmentVariable("CONDUIT_STATE_DIR") is { Length: > 0 } fromEnvironment
            ? Path.GetFullPath(fromEnvironment, environment.WorkingDirectory)
            : configuration.Settings.StateDirectory;

    public static void WriteText(TextWriter output, ConduitInstallResult result, string prefix = "")
    {
        output.WriteLine($"{prefix}state_dir: {result.StateDirectory}");
        output.WriteLine($"{prefix}config_path: {result.ConfigPath}");
        output.WriteLine($"{prefix}created_state_dir: {Bool(result.CreatedStateDirectory)}");
        output.WriteLine($"{prefix}created_config: {Bool(result.CreatedConfig)}");
        output.WriteLine($"{prefix}created_runs_dir: {Bool(result.CreatedRunsDirectory)}");
        output.WriteLine($"{prefix}package_version: {result.Assets.PackageVersion}");
        output.WriteLine($"{prefix}presets: {Counts(result.Assets.Presets)}");
        output.WriteLine($"{prefix}components: {Counts(result.Assets.Components)}");
    }

    public static string Bool(bool value) => value ? "true" : "false";

    private static string Counts(AssetCopyCounts counts) =>
        $"copied_files={counts.CopiedFiles}, overwritten_files={counts.OverwrittenFiles}, skipped_existing_files={counts.SkippedExistingFiles}";
}
