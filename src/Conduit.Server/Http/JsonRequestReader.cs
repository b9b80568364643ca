using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Conduit.Server.Http;

/// <summary>
/// Reads a JSON request body strictly: size and depth capped, an object at the top, no unknown fields, every
/// field of the right type. Every failure is an <see cref="ApiProblemException"/> naming the field (never a 500).
/// </summary>
internal static class JsonRequestReader
{
    /// <summary>Reads the body as a JSON object; <paramref name="allowEmpty"/> turns an empty body into <see langword="null"/>.</summary>
    public static async Task<JsonObjectReader?> ReadObjectAsync(HttpContext context, int maxDepth, bool allowEmpty, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException exception)
        {
            throw new ApiProblemException(new ApiProblem
            {
                Status = exception.StatusCode,
                Code = exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body_too_large" : "bad_request",
                Title = exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large" : "Bad request",
                Detail = exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"The request body is larger than the {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes this server accepts."
                    : exception.Message,
                Field = "body",
            });
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return allowEmpty ? null : throw new ApiProblemException(ApiProblem.Validation("body", "The request body is empty; send a JSON object."));
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : string.Empty;
            var reason = exception.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"the JSON is nested deeper than {maxDepth} levels"
                : "it is not valid JSON";
            throw new ApiProblemException(ApiProblem.Validation("body", $"The request body cannot be read: {reason}{where}."));
        }

        if (node is not JsonObject obj)
        {
            throw new ApiProblemException(ApiProblem.Validation("body", "The request body must be a JSON object."));
        }

        return new JsonObjectReader(obj, string.Empty);
    }
}

/// <summary>Typed, strict access to the members of one JSON object; records which members were read.</summary>
internal sealed class JsonObjectReader
{
    private readonly JsonObject _object;
    private readonly string _path;

    public JsonObjectReader(JsonObject obj, string path)
    {
        _object = obj;
        _path = path;
    }

    public bool Has(string name) => _object.ContainsKey(name);

    private string FieldPath(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    /// <summary>Refuses members other than <paramref name="known"/>.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var (name, _) in _object)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new ApiProblemException(ApiProblem.Validation(
                    FieldPath(name),
                    $"Unknown field \"{FieldPath(name)}\". Known fields{(_path.Length == 0 ? string.Empty : $" of {_path}")}: {string.Join(", ", known)}."));
            }
        }
    }

    public string? String(string name, bool required = false)
    {
        var value = Get(name, required);
        if (value is null)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            throw TypeError(name, "a string", value);
        }

        return value.GetValue<string>();
    }

    public bool? Boolean(string name)
    {
        var value = Get(name, required: false);
        if (value is null)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw TypeError(name, "true or false", value),
        };
    }

    public int? Int32(string name, int min, int max)
    {
        var value = Get(name, required: false);
        if (value is null)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.Number || !((JsonValue)value).TryGetValue<int>(out var number))
        {
            throw TypeError(name, "an integer", value);
        }

        if (number < min || number > max)
        {
            throw new ApiProblemException(ApiProblem.Validation(FieldPath(name), $"Field \"{FieldPath(name)}\" must be between {min} and {max}; got {number}."));
        }

        return number;
    }

    public JsonObject? Object(string name)
    {
        var value = Get(name, required: false);
        if (value is null)
        {
            return null;
        }

        return value as JsonObject ?? throw TypeError(name, "an object", value);
    }

    public JsonObjectReader? ObjectReader(string name) =>
        Object(name) is { } obj ? new JsonObjectReader(obj, FieldPath(name)) : null;

    public IReadOnlyList<string>? StringArray(string name)
    {
        var value = Get(name, required: false);
        if (value is null)
        {
            return null;
        }

        if (value is not JsonArray array)
        {
            throw TypeError(name, "an array of strings", value);
        }

        var items = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue item || item.GetValueKind() != JsonValueKind.String)
            {
                throw new ApiProblemException(ApiProblem.Validation($"{FieldPath(name)}[{i}]", $"Field \"{FieldPath(name)}[{i}]\" must be a string."));
            }

            items.Add(item.GetValue<string>());
        }

        return items;
    }

    private JsonNode? Get(string name, bool required)
    {
        _object.TryGetPropertyValue(name, out var value);
        if (value is null && required)
        {
            throw new ApiProblemException(ApiProblem.Validation(FieldPath(name), $"Field \"{FieldPath(name)}\" is required."));
        }

        return value;
    }

    private ApiProblemException TypeError(string name, string expected, JsonNode value) =>
        new(ApiProblem.Validation(FieldPath(name), $"Field \"{FieldPath(name)}\" must be {expected}; got {Describe(value.GetValueKind())}."));

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
