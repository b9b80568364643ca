using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Server.Tests.Reference;

/// <summary>
/// Renders docs/http-api-reference.md from the daemon's OpenAPI document (the one served at /openapi.json and pinned by
/// Golden/openapi.json), so that the reference cannot drift from the routes.
/// </summary>
internal static class HttpApiReferenceWriter
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    public static string Write(JsonNode document)
    {
        var text = new StringBuilder();
        var info = document["info"]!;
        text.Append(CultureInfo.InvariantCulture, $"""
            # HTTP API reference

            <!-- Generated from the OpenAPI document by tests/Conduit.Server.Tests/Reference/HttpApiReferenceTests.cs.
                 Do not edit by hand: run scripts/update-generated-docs.sh. -->

            Every route of the daemon (`conduit serve`) with its parameters, bodies and answers, as described by the OpenAPI
            document the daemon serves at `/openapi.json` (OpenAPI {document["openapi"]}, API version {info["version"]}). How
            to use the API — streaming with server-sent events, errors, authentication, examples — is in
            [http-api.md](http-api.md); the security model is in [security.md](security.md).

            {Clean(info["description"])}

            """);

        var operations = Operations(document).ToList();
        var tags = document["tags"]?.AsArray().Select(t => (string)t!["name"]!).ToList() ?? [];
        foreach (var tag in operations.Select(o => o.Tag).Where(t => !tags.Contains(t)).Distinct().ToList())
        {
            tags.Add(tag);
        }

        text.Append("\n## Routes\n\n| Route | Summary |\n| --- | --- |\n");
        foreach (var tag in tags)
        {
            foreach (var operation in operations.Where(o => o.Tag == tag))
            {
                var heading = $"{operation.Method.ToUpperInvariant()} {operation.Path}";
                text.Append(CultureInfo.InvariantCulture, $"| [`{heading}`](#{Anchor(heading)}) | {Cell(operation.Node["summary"])} |\n");
            }
        }

        foreach (var tag in tags)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n## {tag}\n");
            foreach (var operation in operations.Where(o => o.Tag == tag))
            {
                WriteOperation(text, operation.Method, operation.Path, operation.Node);
            }
        }

        var schemas = document["components"]?["schemas"]?.AsObject();
        if (schemas is not null && schemas.Count > 0)
        {
            text.Append("\n## Schemas\n");
            foreach (var (name, schema) in schemas)
            {
                WriteSchema(text, name, schema!);
            }
        }

        return text.ToString();
    }

    private static IEnumerable<(string Tag, string Method, string Path, JsonNode Node)> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item![method] is { } operation)
                {
                    var tag = operation["tags"]?.AsArray().FirstOrDefault()?.GetValue<string>() ?? "other";
                    yield return (tag, method, path, operation);
                }
            }
        }
    }

    private static void WriteOperation(StringBuilder text, string method, string path, JsonNode operation)
    {
        text.Append(CultureInfo.InvariantCulture, $"\n### {method.ToUpperInvariant()} {path}\n\n");
        if (operation["summary"] is { } summary)
        {
            var sentence = Clean(summary);
            text.Append(sentence).Append(sentence.EndsWith('.') ? "\n\n" : ".\n\n");
        }

        if (operation["description"] is { } description)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Clean(description)}\n\n");
        }

        if (operation["parameters"] is JsonArray parameters && parameters.Count > 0)
        {
            text.Append("| Parameter | In | Type | Required | Description |\n| --- | --- | --- | --- | --- |\n");
            foreach (var parameter in parameters)
            {
                var required = parameter!["required"]?.GetValue<bool>() == true ? "yes" : "no";
                text.Append(CultureInfo.InvariantCulture, $"| `{parameter["name"]}` | {parameter["in"]} | {TypeOf(parameter["schema"])} | {required} | {Cell(parameter["description"])} |\n");
            }

            text.Append('\n');
        }

        if (operation["requestBody"] is { } body)
        {
            var required = body["required"]?.GetValue<bool>() == true ? "required" : "optional";
            foreach (var (contentType, content) in body["content"]?.AsObject() ?? [])
            {
                text.Append(CultureInfo.InvariantCulture, $"Request body ({required}): `{contentType}` {TypeOf(content!["schema"])}\n\n");
            }
        }

        text.Append("| Status | Meaning | Body |\n| --- | --- | --- |\n");
        foreach (var (status, response) in operation["responses"]!.AsObject())
        {
            var bodies = (response!["content"]?.AsObject() ?? [])
                .Select(c => $"`{c.Key}` {TypeOf(c.Value!["schema"])}".TrimEnd())
                .ToList();
            text.Append(CultureInfo.InvariantCulture, $"| {status} | {Cell(response["description"])} | {(bodies.Count == 0 ? "none" : string.Join("<br>", bodies))} |\n");
        }
    }

    private static void WriteSchema(StringBuilder text, string name, JsonNode schema)
    {
        text.Append(CultureInfo.InvariantCulture, $"\n### {name}\n\n");
        if (schema["description"] is { } description)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Clean(description)}\n\n");
        }

        if (schema["enum"] is JsonArray values)
        {
            text.Append(CultureInfo.InvariantCulture, $"One of: {string.Join(", ", values.Select(v => $"`{v}`"))}.\n");
            return;
        }

        if (schema["properties"] is not JsonObject properties || properties.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Type: {TypeOf(schema)}.\n");
            return;
        }

        var required = schema["required"]?.AsArray().Select(r => (string)r!).ToHashSet(StringComparer.Ordinal) ?? [];
        text.Append("| Property | Type | Required | Description |\n| --- | --- | --- | --- |\n");
        foreach (var (property, propertySchema) in properties)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{property}` | {TypeOf(propertySchema)} | {(required.Contains(property) ? "yes" : "no")} | {Cell(DescriptionOf(propertySchema))} |\n");
        }
    }

    /// <summary>A schema as a short type: <c>string (date-time)</c>, <c>[RunRecord](#runrecord)[]</c>, <c>integer?</c>.</summary>
    private static string TypeOf(JsonNode? schema)
    {
        if (schema is null)
        {
            return "";
        }

        if (schema["$ref"] is { } reference)
        {
            var name = ((string)reference!).Split('/')[^1];
            return $"[{name}](#{Anchor(name)})";
        }

        if (schema["oneOf"] is JsonArray oneOf)
        {
            var nullable = oneOf.Any(s => (string?)s!["type"] == "null");
            var others = oneOf.Where(s => (string?)s!["type"] != "null").Select(TypeOf).ToList();
            return string.Join(" or ", others) + (nullable ? "?" : "");
        }

        if (schema["enum"] is JsonArray values)
        {
            return "one of " + string.Join(", ", values.Select(v => $"`{v}`"));
        }

        var types = schema["type"] switch
        {
            JsonArray array => array.Select(t => (string)t!).ToList(),
            JsonValue value => [(string)value!],
            _ => [],
        };
        var isNullable = types.Remove("null");
        // System.Text.Json accepts numbers as strings too ("integer or string" with a pattern): the number is the type.
        if (types.Contains("integer") || types.Contains("number"))
        {
            types.RemoveAll(t => t == "string");
        }

        var type = types.Count switch
        {
            0 => "any",
            _ => string.Join(" or ", types),
        };
        if (type == "array")
        {
            type = TypeOf(schema["items"]) + "[]";
        }
        else if (type == "object" && schema["additionalProperties"] is JsonObject additional)
        {
            type = $"map of {TypeOf(additional)}";
        }

        if (schema["format"] is { } format)
        {
            type += $" ({format})";
        }

        return isNullable ? type + "?" : type;
    }

    private static JsonNode? DescriptionOf(JsonNode? schema) =>
        schema?["description"] ?? (schema?["oneOf"] as JsonArray)?.Select(s => s!["description"]).FirstOrDefault(d => d is not null);

    private static string Clean(JsonNode? text) => EscapeAngles(WebUtility.HtmlDecode((string?)text ?? "").Trim());

    private static string Cell(JsonNode? text) =>
        Clean(text).Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>GitHub's heading anchors: lower case, spaces to dashes, other punctuation dropped.</summary>
    private static string Anchor(string heading) =>
        new(heading.ToLowerInvariant().Replace(' ', '-').Where(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());

    /// <summary>Angle brackets outside `code spans` shown as text, so that Markdown does not take them for HTML.</summary>
    private static string EscapeAngles(string text)
    {
        var parts = text.Split('`');
        for (var i = 0; i < parts.Length; i += 2)
        {
            parts[i] = parts[i].Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        }

        return string.Join('`', parts);
    }
}
