using System.Globalization;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Conduit.Configuration.Parsing;

/// <summary>
/// Checks a configuration tree against the JSON Schema shipped in this package (docs/config.schema.json) with NJsonSchema,
/// and turns each schema error into a diagnostic with the file, line, column and key path of the offending node.
/// A quick check (<see cref="ConfigSchemaFastCheck"/>) accepts valid trees first, so NJsonSchema is loaded only for
/// a tree that may be invalid.
/// </summary>
internal static class ConfigSchema
{
    public const string ResourceName = "Conduit.Configuration.config.schema.json";

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    /// <summary>The schema text as shipped.</summary>
    public static string ReadSchemaText()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonSchema LoadSchema() =>
#pragma warning disable CA2012, VSTHRD002 // loaded once, synchronously, from an in-memory string
        JsonSchema.FromJsonAsync(ReadSchemaText()).GetAwaiter().GetResult();
#pragma warning restore CA2012, VSTHRD002

    public static void Validate(ConfigNode root, string filePath, List<ConfigurationDiagnostic> diagnostics)
    {
        // A valid tree (the common case) is settled by the quick check; NJsonSchema only runs, and is only loaded,
        // when that check is not sure, and then it alone decides and words the diagnostics.
        if (ConfigSchemaFastCheck.IsCertainlyValid(root))
        {
            return;
        }

        ValidateWithNJsonSchema(root, filePath, diagnostics);
    }

    /// <summary>The full NJsonSchema validation, with diagnostics; <see cref="Validate"/> calls it only when needed.</summary>
    internal static void ValidateWithNJsonSchema(ConfigNode root, string filePath, List<ConfigurationDiagnostic> diagnostics)
    {
        var positions = new Dictionary<string, NodePosition>(StringComparer.Ordinal);
        var token = ToToken(root);
        Index(token, root, keyPath: string.Empty, keyLine: root.Line, keyColumn: root.Column, positions);
        foreach (var error in Schema.Value.Validate(token))
        {
            Collect(error, filePath, positions, diagnostics);
        }
    }

    private static void Collect(ValidationError error, string filePath, Dictionary<string, NodePosition> positions, List<ConfigurationDiagnostic> diagnostics)
    {
        if (error is ChildSchemaValidationError child && error.Kind != ValidationErrorKind.NoTypeValidates)
        {
            foreach (var childError in child.Errors.SelectMany(e => e.Value))
            {
                Collect(childError, filePath, positions, diagnostics);
            }

            return;
        }

        var path = error.Path?.StartsWith("#/", StringComparison.Ordinal) == true ? error.Path[2..] : error.Path ?? string.Empty;
        var schema = error.Schema?.ActualSchema;
        if (error.Kind == ValidationErrorKind.PropertyRequired)
        {
            // The path names the missing property; point at its parent.
            var parentPath = ParentPath(path, error.Property);
            var parent = positions.GetValueOrDefault(parentPath);
            diagnostics.Add(new ConfigurationDiagnostic
            {
                FilePath = filePath,
                Line = parent?.ValueLine,
                Column = parent?.ValueColumn,
                Key = parent?.KeyPath,
                Problem = $"missing required key \"{error.Property}\"",
            });
            return;
        }

        var position = positions.GetValueOrDefault(path);
        var keyPath = position?.KeyPath ?? path;
        string problem;
        var atKey = false;
        switch (error.Kind)
        {
            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
                atKey = true;
                problem = UnknownKeyProblem(keyPath, error.Property ?? string.Empty, schema);
                break;
            case ValidationErrorKind.NotInEnumeration:
                var allowed = schema?.Enumeration.Select(e => Convert.ToString(e, CultureInfo.InvariantCulture) ?? "null").ToList() ?? [];
                problem = $"must be one of: {string.Join(", ", allowed)}; got {Describe(position?.Token)}";
                var suggestion = position?.Token is JValue { Type: JTokenType.String } text ? KeySuggestions.Nearest(text.Value<string>()!, allowed) : null;
                if (suggestion is not null)
                {
                    problem += $" (did you mean \"{suggestion}\"?)";
                }

                break;
            case ValidationErrorKind.NumberTooSmall:
                problem = $"must be at least {schema?.Minimum}; got {Describe(position?.Token)}";
                break;
            case ValidationErrorKind.NumberTooBig:
                problem = $"must be at most {schema?.Maximum}; got {Describe(position?.Token)}";
                break;
            case ValidationErrorKind.StringTooShort:
                problem = "must not be empty";
                break;
            default:
                problem = $"expected {Expected(schema, error.Kind)}; got {Describe(position?.Token)}";
                break;
        }

        diagnostics.Add(new ConfigurationDiagnostic
        {
            FilePath = filePath,
            Line = atKey ? position?.KeyLine : position?.ValueLine,
            Column = atKey ? position?.KeyColumn : position?.ValueColumn,
            Key = keyPath,
            Problem = problem,
        });
    }

    private static string UnknownKeyProblem(string keyPath, string key, JsonSchema? parentSchema)
    {
        var candidates = parentSchema?.Properties.Keys.ToList() ?? [];
        var suggestion = KeySuggestions.Nearest(key, candidates);
        var parentPath = keyPath.Length > key.Length ? keyPath[..(keyPath.Length - key.Length - 1)] : string.Empty;
        if (parentPath == "conduit.runners")
        {
            var runnerProblem = $"\"{keyPath}\" must be one of: {string.Join(", ", AgentProviders.All)}";
            return suggestion is null ? runnerProblem : runnerProblem + $" (did you mean \"{suggestion}\"?)";
        }

        var where = parentPath.Length == 0 ? string.Empty : $" in \"{parentPath}\"";
        return suggestion is not null
            ? $"unknown key \"{key}\"{where}; did you mean \"{suggestion}\"?"
            : $"unknown key \"{key}\"{where}; valid keys: {string.Join(", ", candidates)}";
    }

    private static string Expected(JsonSchema? schema, ValidationErrorKind kind)
    {
        if (schema is not null && schema.ExtensionData?.TryGetValue("x-expected", out var expected) == true && expected is string text)
        {
            return text;
        }

        if (kind == ValidationErrorKind.NoTypeValidates && schema is not null)
        {
            var names = new List<string>();
            AddIf(JsonObjectType.Object, "a mapping (key: value pairs)");
            AddIf(JsonObjectType.Array, "a list");
            AddIf(JsonObjectType.String, "a string");
            AddIf(JsonObjectType.Integer, "an integer");
            AddIf(JsonObjectType.Number, "a number");
            AddIf(JsonObjectType.Boolean, "true or false");
            AddIf(JsonObjectType.Null, "null");
            return string.Join(" or ", names);

            void AddIf(JsonObjectType type, string name)
            {
                if (schema.Type.HasFlag(type))
                {
                    names.Add(name);
                }
            }
        }

        return kind switch
        {
            ValidationErrorKind.StringExpected => "a string",
            ValidationErrorKind.IntegerExpected => "an integer",
            ValidationErrorKind.NumberExpected => "a number",
            ValidationErrorKind.BooleanExpected => "true or false",
            ValidationErrorKind.ObjectExpected => "a mapping (key: value pairs)",
            ValidationErrorKind.ArrayExpected => "a list",
            ValidationErrorKind.NullExpected => "null",
            ValidationErrorKind.PatternMismatch => $"a value matching {schema?.Pattern}",
            _ => kind.ToString(),
        };
    }

    private static string Describe(JToken? token) => token switch
    {
        null => "nothing",
        JObject => "a mapping",
        JArray => "a list",
        JValue { Type: JTokenType.Null } => "null",
        JValue { Type: JTokenType.String } value => $"\"{value.Value<string>()}\"",
        JValue { Type: JTokenType.Boolean } value => value.Value<bool>() ? "true" : "false",
        JValue value => Convert.ToString(value.Value, CultureInfo.InvariantCulture) ?? "null",
        _ => token.ToString(),
    };

    private static string ParentPath(string path, string? property)
    {
        if (property is null || !path.EndsWith(property, StringComparison.Ordinal))
        {
            return path;
        }

        var parent = path[..^property.Length];
        return parent.EndsWith('.') ? parent[..^1] : parent.EndsWith("['", StringComparison.Ordinal) ? parent[..^2] : parent;
    }

    internal static JToken ToToken(ConfigNode node) => node switch
    {
        ConfigMap map => new JObject(map.Entries.Select(e => new JProperty(e.Key, ToToken(e.Value)))),
        ConfigList list => new JArray(list.Items.Select(ToToken)),
        ConfigScalar scalar => new JValue(scalar.Value),
        _ => throw new InvalidOperationException("Unknown node."),
    };

    private static void Index(JToken token, ConfigNode node, string keyPath, int? keyLine, int? keyColumn, Dictionary<string, NodePosition> positions)
    {
        positions[token.Path] = new NodePosition(keyPath, keyLine, keyColumn, node.Line, node.Column, token);
        switch (node)
        {
            case ConfigMap map:
                var obj = (JObject)token;
                foreach (var entry in map.Entries)
                {
                    var childPath = keyPath.Length == 0 ? entry.Key : keyPath + "." + entry.Key;
                    Index(obj[entry.Key]!, entry.Value, childPath, entry.KeyLine, entry.KeyColumn, positions);
                }

                break;
            case ConfigList list:
                var array = (JArray)token;
                for (var i = 0; i < list.Items.Count; i++)
                {
                    Index(array[i], list.Items[i], $"{keyPath}[{i}]", list.Items[i].Line, list.Items[i].Column, positions);
                }

                break;
        }
    }

    private sealed record NodePosition(string KeyPath, int? KeyLine, int? KeyColumn, int? ValueLine, int? ValueColumn, JToken Token);
}
