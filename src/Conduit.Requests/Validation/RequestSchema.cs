using System.Reflection;
using NJsonSchema;

namespace Conduit.Requests;

/// <summary>The published JSON Schema of the canonical <c>conduit.request.v1</c> form (draft-07).</summary>
public static class RequestSchema
{
    /// <summary>The only accepted schema name.</summary>
    public const string SchemaName = "conduit.request.v1";

    private static readonly Lazy<string> Text = new(LoadText);
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(Text.Value).GetAwaiter().GetResult());

    /// <summary>The schema document, as published in <c>docs/request.schema.json</c>.</summary>
    public static string Json => Text.Value;

    /// <summary>The parsed schema.</summary>
    public static JsonSchema JsonSchema => Schema.Value;

    /// <summary>Validates canonical JSON against the schema; returns one message per error, each with its path.</summary>
    public static IReadOnlyList<string> Validate(string canonicalJson)
    {
        ArgumentNullException.ThrowIfNull(canonicalJson);
        return Schema.Value.Validate(canonicalJson).Select(e => $"{ToJsonPath(e.Path)}: {e.Kind}").ToArray();
    }

    private static string ToJsonPath(string? path) =>
        string.IsNullOrEmpty(path) || path == "#" ? "$" : "$" + (path.StartsWith("#/", StringComparison.Ordinal) ? "." + path[2..] : path.TrimStart('#'));

    private static string LoadText()
    {
        using var stream = typeof(RequestSchema).Assembly.GetManifestResourceStream("Conduit.Requests.request.schema.json")
            ?? throw new InvalidOperationException("The embedded request schema is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
