using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Conduit.Configuration.Parsing;

namespace Conduit.Configuration;

/// <summary>
/// The effective configuration: the values after defaults, global file, project file and overrides, where each value
/// came from, and which files were read. Immutable; create with <see cref="ConduitConfigurationLoader.Load"/>.
/// </summary>
public sealed class ConduitConfiguration
{
    private readonly ConfigMap tree;

    internal ConduitConfiguration(
        ConduitSettings settings,
        ConfigMap tree,
        IReadOnlyDictionary<string, ConfigurationOrigin> origins,
        ConfigurationLoadOptions loadOptions,
        string workingDirectory,
        string conduitHome,
        string? globalFile,
        string globalFilePath,
        string? projectFile,
        string? projectRoot)
    {
        Settings = settings;
        this.tree = tree;
        Origins = origins;
        LoadOptions = loadOptions;
        WorkingDirectory = workingDirectory;
        ConduitHome = conduitHome;
        GlobalFile = globalFile;
        GlobalFilePath = globalFilePath;
        ProjectFile = projectFile;
        ProjectRoot = projectRoot;
    }

    /// <summary>The effective values.</summary>
    public ConduitSettings Settings { get; }

    /// <summary>Where every effective value came from, by key path (e.g. <c>conduit.server.port</c>). Lists are one value.</summary>
    public IReadOnlyDictionary<string, ConfigurationOrigin> Origins { get; }

    /// <summary>The options this configuration was loaded with (used to load another project's configuration).</summary>
    public ConfigurationLoadOptions LoadOptions { get; }

    /// <summary>The absolute working directory the project file was searched from.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The absolute <c>CONDUIT_HOME</c> (the global file's directory and the default state directory).</summary>
    public string ConduitHome { get; }

    /// <summary>The global file that was read, or null when there is none.</summary>
    public string? GlobalFile { get; }

    /// <summary>The global file's path: the one that was read, else where <c>conduit projects add</c> creates it.</summary>
    public string GlobalFilePath { get; }

    /// <summary>The project file that was read, or null when none was found.</summary>
    public string? ProjectFile { get; }

    /// <summary>The directory holding the project file's <c>.conduit</c> directory, or null.</summary>
    public string? ProjectRoot { get; }

    /// <summary>The files that were read, global first.</summary>
    public IReadOnlyList<string> Files => new[] { GlobalFile, ProjectFile }.OfType<string>().ToList();

    /// <summary>The runner settings for <paramref name="provider"/>.</summary>
    /// <exception cref="UnknownProviderException">The provider is not one of <see cref="AgentProviders.All"/>.</exception>
    public RunnerConfiguration GetRunner(string provider) =>
        Settings.Runners.TryGetValue(provider, out var runner) ? runner : throw new UnknownProviderException(provider);

    /// <summary>Where the value at <paramref name="key"/> came from; null for an unknown key.</summary>
    public ConfigurationOrigin? GetOrigin(string key) => Origins.GetValueOrDefault(key.StartsWith("conduit", StringComparison.Ordinal) ? key : "conduit." + key);

    /// <summary>The effective tree as JSON: <c>{"conduit": {...}}</c> (other top-level keys of the files are not included).</summary>
    public JsonObject ToJson()
    {
        return new JsonObject { ["conduit"] = ToJsonNode(tree.GetMap("conduit")!) };

        static JsonNode? ToJsonNode(ConfigNode node) => node switch
        {
            ConfigMap map => new JsonObject(map.Entries.Select(e => KeyValuePair.Create(e.Key, ToJsonNode(e.Value)))),
            ConfigList list => new JsonArray(list.Items.Select(ToJsonNode).ToArray()),
            ConfigScalar { Value: null } => null,
            ConfigScalar { Value: string s } => JsonValue.Create(s),
            ConfigScalar { Value: long l } => JsonValue.Create(l),
            ConfigScalar { Value: double d } => JsonValue.Create(d),
            ConfigScalar { Value: bool b } => JsonValue.Create(b),
            _ => null,
        };
    }

    /// <summary>The effective tree as YAML; with <paramref name="includeOrigins"/>, each value ends with <c># origin</c>.</summary>
    public string ToYaml(bool includeOrigins = false)
    {
        var builder = new StringBuilder();
        builder.Append("conduit:");
        Write(tree.GetMap("conduit")!, "conduit", 1);
        builder.Append('\n');
        return builder.ToString();

        void Write(ConfigMap map, string path, int depth)
        {
            var indent = new string(' ', depth * 2);
            foreach (var entry in map.Entries)
            {
                var key = path + "." + entry.Key;
                builder.Append('\n').Append(indent).Append(YamlText.Key(entry.Key)).Append(':');
                if (entry.Value is ConfigMap { Count: > 0 } child)
                {
                    Write(child, key, depth + 1);
                    continue;
                }

                builder.Append(' ').Append(YamlText.Flow(entry.Value));
                if (includeOrigins && Origins.TryGetValue(key, out var origin))
                {
                    builder.Append("  # ").Append(origin);
                }
            }
        }
    }
}

/// <summary>Writes YAML scalars and flow collections that read back as the same values.</summary>
internal static class YamlText
{
    public static string Key(string key) => IsPlainSafe(key) ? key : Quote(key);

    public static string Flow(ConfigNode node) => node switch
    {
        ConfigMap map => map.Count == 0 ? "{}" : "{ " + string.Join(", ", map.Entries.Select(e => Key(e.Key) + ": " + Flow(e.Value))) + " }",
        ConfigList list => "[" + string.Join(", ", list.Items.Select(Flow)) + "]",
        ConfigScalar scalar => Scalar(scalar.Value),
        _ => "null",
    };

    public static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => IsPlainSafe(s) && YamlConfigReader.TypePlainScalar(s) is string ? s : Quote(s),
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    private static bool IsPlainSafe(string text) =>
        text.Length > 0
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '~' or '+' or '@')
        && text[0] is not ('-' or '~' or '@');
}
