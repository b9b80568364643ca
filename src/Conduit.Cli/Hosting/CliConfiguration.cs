using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Configuration;

namespace Conduit.Cli.Hosting;

/// <summary>How commands load the configuration and report its errors (<c>Error: &lt;message&gt;</c>, exit code 4).</summary>
internal static class CliConfiguration
{
    private static readonly JsonSerializerOptions IndentedJson = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The load options for this environment: its working directory and environment variables.</summary>
    public static ConfigurationLoadOptions LoadOptions(CliEnvironment environment, IReadOnlyList<ConfigurationOverride>? overrides = null, bool includeProjectFile = true) => new()
    {
        WorkingDirectory = environment.WorkingDirectory,
        GetEnvironmentVariable = environment.GetEnvironmentVariable,
        Overrides = overrides ?? [],
        IncludeProjectFile = includeProjectFile,
    };

    /// <summary>Loads the effective configuration, or writes the error and returns null.</summary>
    public static ConduitConfiguration? TryLoad(CliEnvironment environment, IReadOnlyList<ConfigurationOverride>? overrides = null, bool includeProjectFile = true)
    {
        try
        {
            return ConduitConfigurationLoader.Load(LoadOptions(environment, overrides, includeProjectFile));
        }
        catch (ConfigurationFileException exception)
        {
            WriteError(environment, exception.Message);
            return null;
        }
    }

    /// <summary>Writes <c>Error: &lt;message&gt;</c> to standard error.</summary>
    public static void WriteError(CliEnvironment environment, string message) => environment.Error.WriteLine("Error: " + message);

    /// <summary>Writes a JSON node, indented, followed by a newline.</summary>
    public static void WriteJson(CliEnvironment environment, JsonNode node) => environment.Out.WriteLine(node.ToJsonString(IndentedJson));
}
