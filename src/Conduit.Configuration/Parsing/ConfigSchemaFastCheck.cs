using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Conduit.Configuration.Parsing;

/// <summary>
/// A quick pass over a configuration tree that answers one question: does it certainly satisfy the shipped schema?
/// It interprets the subset of JSON Schema that docs/config.schema.json uses (type, properties, additionalProperties,
/// required, items, enum, pattern, minLength, minimum, maximum, $ref) with System.Text.Json, so a valid file is
/// accepted without loading NJsonSchema and Newtonsoft.Json, whose first use costs most of a second per process.
/// </summary>
/// <remarks>
/// The pass only ever says "valid" or "not sure": on any failure, and on any schema keyword it does not know, it returns
/// false and <see cref="ConfigSchema"/> validates with NJsonSchema, which decides and words the diagnostics. So it can
/// only be stricter than NJsonSchema, never looser.
/// </remarks>
internal static class ConfigSchemaFastCheck
{
    private static readonly Lazy<JsonDocument> Schema = new(() => JsonDocument.Parse(ConfigSchema.ReadSchemaText()));

    private static readonly Dictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>Keywords that do not constrain a value.</summary>
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "title", "description", "definitions", "default", "examples",
    };

    /// <summary>True when <paramref name="root"/> certainly satisfies the schema; false when NJsonSchema must decide.</summary>
    public static bool IsCertainlyValid(ConfigNode root)
    {
        var schema = Schema.Value.RootElement;
        return Matches(root, schema, schema);
    }

    private static bool Matches(ConfigNode node, JsonElement schema, JsonElement root)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return true;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            // Only local references into "definitions" are resolved here; a $ref with constraining siblings (whose
            // meaning differs between validators) is left to NJsonSchema.
            return schema.EnumerateObject().All(k => k.Name == "$ref" || IsAnnotation(k.Name))
                && Resolve(reference, root) is { } target && Matches(node, target, root);
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            var ok = keyword.Name switch
            {
                "type" => HasType(node, keyword.Value),
                "properties" or "additionalProperties" => node is not ConfigMap map || PropertiesMatch(map, schema, root),
                "required" => node is not ConfigMap requiredMap || HasRequired(requiredMap, keyword.Value),
                "items" => node is not ConfigList list || list.Items.All(item => Matches(item, keyword.Value, root)),
                "enum" => InEnumeration(node, keyword.Value),
                "pattern" => node is not ConfigScalar { Value: string text } || MatchesPattern(text, keyword.Value),
                "minLength" => node is not ConfigScalar { Value: string value } || MinLength(value, keyword.Value),
                "minimum" => !IsNumber(node, out var low) || (keyword.Value.TryGetDouble(out var min) && low >= min),
                "maximum" => !IsNumber(node, out var high) || (keyword.Value.TryGetDouble(out var max) && high <= max),
                _ => IsAnnotation(keyword.Name),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAnnotation(string keyword) =>
        Annotations.Contains(keyword) || keyword.StartsWith("x-", StringComparison.Ordinal);

    private static JsonElement? Resolve(JsonElement reference, JsonElement root)
    {
        const string Prefix = "#/definitions/";
        if (reference.ValueKind != JsonValueKind.String || reference.GetString() is not { } text
            || !text.StartsWith(Prefix, StringComparison.Ordinal)
            || !root.TryGetProperty("definitions", out var definitions)
            || !definitions.TryGetProperty(text[Prefix.Length..], out var target))
        {
            return null;
        }

        return target;
    }

    private static bool HasType(ConfigNode node, JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => IsOfType(node, type.GetString()),
        JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && IsOfType(node, t.GetString())),
        _ => false,
    };

    private static bool IsOfType(ConfigNode node, string? type) => type switch
    {
        "object" => node is ConfigMap,
        "array" => node is ConfigList,
        "string" => node is ConfigScalar { Value: string },
        "integer" => node is ConfigScalar { Value: long },
        "number" => node is ConfigScalar { Value: long or double },
        "boolean" => node is ConfigScalar { Value: bool },
        "null" => node is ConfigScalar { Value: null },
        _ => false,
    };

    private static bool PropertiesMatch(ConfigMap map, JsonElement schema, JsonElement root)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        if (hasProperties && properties.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var entry in map.Entries)
        {
            if (hasProperties && properties.TryGetProperty(entry.Key, out var propertySchema))
            {
                if (!Matches(entry.Value, propertySchema, root))
                {
                    return false;
                }
            }
            else if (hasAdditional && !Matches(entry.Value, additional, root))
            {
                // additionalProperties: false is not an object or true, so Matches says no.
                return false;
            }
        }

        return true;
    }

    private static bool HasRequired(ConfigMap map, JsonElement required) =>
        required.ValueKind == JsonValueKind.Array
        && required.EnumerateArray().All(name => name.ValueKind == JsonValueKind.String && map.GetEntry(name.GetString()!) is not null);

    private static bool InEnumeration(ConfigNode node, JsonElement values)
    {
        if (values.ValueKind != JsonValueKind.Array || node is not ConfigScalar scalar)
        {
            return false;
        }

        foreach (var value in values.EnumerateArray())
        {
            var equal = (value.ValueKind, scalar.Value) switch
            {
                (JsonValueKind.String, string text) => string.Equals(value.GetString(), text, StringComparison.Ordinal),
                (JsonValueKind.Number, long integer) => value.TryGetInt64(out var expected) && expected == integer,
                (JsonValueKind.True, bool flag) => flag,
                (JsonValueKind.False, bool flag) => !flag,
                (JsonValueKind.Null, null) => true,
                _ => false,
            };
            if (equal)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchesPattern(string text, JsonElement pattern)
    {
        if (pattern.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var source = pattern.GetString()!;
        Regex regex;
        lock (Patterns)
        {
            if (!Patterns.TryGetValue(source, out regex!))
            {
                // NJsonSchema matches patterns with Regex.IsMatch and default options: the same engine and options.
                regex = new Regex(source, RegexOptions.None, TimeSpan.FromSeconds(1));
                Patterns[source] = regex;
            }
        }

        return regex.IsMatch(text);
    }

    private static bool MinLength(string text, JsonElement minimum) =>
        // Text elements, never more than UTF-16 code units: the count that can only be stricter.
        minimum.TryGetInt32(out var length) && new StringInfo(text).LengthInTextElements >= length;

    private static bool IsNumber(ConfigNode node, out double value)
    {
        switch (node)
        {
            case ConfigScalar { Value: long integer }:
                value = integer;
                return true;
            case ConfigScalar { Value: double number }:
                value = number;
                return true;
            default:
                value = 0;
                return false;
        }
    }
}
