using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// Validates a canonical envelope (after compact normalisation) with messages that name the JSON path.
/// The published JSON Schema (<see cref="RequestSchema"/>) describes the same rules.
/// </summary>
internal static class CanonicalRequestValidator
{
    private static readonly string[] PermissionKinds = ["filesystem", "shell", "network", "agent"];
    private static readonly string[] FileAccess = ["read", "write"];
    private static readonly string[] Transports = ["clipboard", "app", "file", "extension", "none"];
    private static readonly string[] Formats = ["json", "markdown", "text"];
    private static readonly string[] Risks = ["low", "medium", "high"];

    public static void Validate(JsonObject envelope, List<RequestProblem> problems)
    {
        // schema
        if (!envelope.TryGetPropertyValue("schema", out var schema) || schema is null)
        {
            problems.Add(RequestProblem.Schema("$.schema", $"Missing required field: schema (write \"schema\": \"{RequestSchema.SchemaName}\", or \"v\": \"1\")."));
        }
        else if (!IsString(schema, out var schemaText) || schemaText != RequestSchema.SchemaName)
        {
            problems.Add(RequestProblem.Schema("$.schema", $"Unsupported schema; expected \"{RequestSchema.SchemaName}\"."));
        }

        // source
        if (!envelope.TryGetPropertyValue("source", out var source) || source is null)
        {
            problems.Add(RequestProblem.Schema("$.source", "Missing required field: source (e.g. {\"kind\": \"docs\", \"trust\": \"untrusted\"})."));
        }
        else if (source is not JsonObject sourceObject)
        {
            problems.Add(RequestProblem.Schema("$.source", "\"source\" must be an object with a \"kind\"."));
        }
        else
        {
            if (!IsString(sourceObject["kind"], out var kind) || kind.Length == 0)
            {
                problems.Add(RequestProblem.Schema("$.source.kind", "\"source.kind\" must be a non-empty string."));
            }

            if (sourceObject.TryGetPropertyValue("trust", out var trust) && (!IsString(trust, out var trustText) || trustText.Length == 0))
            {
                problems.Add(RequestProblem.Schema("$.source.trust", "\"source.trust\" must be a non-empty string when present."));
            }
        }

        // permissions
        if (!envelope.TryGetPropertyValue("permissions", out var permissions) || permissions is null)
        {
            problems.Add(RequestProblem.Permissions("$.permissions", "Missing required field: permissions (an array, may be empty)."));
        }
        else if (permissions is not JsonArray permissionArray)
        {
            problems.Add(RequestProblem.Permissions("$.permissions", "\"permissions\" must be an array."));
        }
        else
        {
            for (var i = 0; i < permissionArray.Count; i++)
            {
                ValidatePermission(permissionArray[i], JsonPath.Index("$.permissions", i), problems);
            }
        }

        OptionalString(envelope, "sessionId", problems);
        OptionalString(envelope, "nonce", problems);
        OptionalString(envelope, "title", problems);
        OptionalString(envelope, "description", problems);
        if (envelope.TryGetPropertyValue("requestedCapabilities", out var caps))
        {
            if (caps is not JsonArray capArray || capArray.Any(c => !IsString(c, out _)))
            {
                problems.Add(RequestProblem.Schema("$.requestedCapabilities", "\"requestedCapabilities\" must be an array of strings."));
            }
        }

        if (envelope.TryGetPropertyValue("resultMode", out var resultMode))
        {
            ValidateResultMode(resultMode, problems);
        }

        // actions
        if (envelope["actions"] is not JsonArray actions || actions.Count == 0)
        {
            problems.Add(RequestProblem.Schema("$.actions", "\"actions\" must contain at least one action."));
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            var path = JsonPath.Index("$.actions", i);
            if (actions[i] is not JsonObject action)
            {
                problems.Add(RequestProblem.Schema(path, "An action must be an object."));
                continue;
            }

            if (!IsString(action["id"], out var id) || id.Length == 0)
            {
                problems.Add(RequestProblem.Schema(path + ".id", "Action \"id\" must be a non-empty string."));
            }
            else if (!ids.Add(id))
            {
                problems.Add(RequestProblem.Schema(path + ".id", $"Duplicate action id: {id}"));
            }

            if (!IsString(action["tool"], out var tool) || tool.Length == 0)
            {
                problems.Add(RequestProblem.Schema(path + ".tool", "Action \"tool\" must be a non-empty string."));
            }

            if (action["args"] is not JsonObject)
            {
                problems.Add(RequestProblem.Schema(path + ".args", "Action \"args\" must be an object."));
            }

            if (action.TryGetPropertyValue("reason", out var reason) && !IsString(reason, out _))
            {
                problems.Add(RequestProblem.Schema(path + ".reason", "Action \"reason\" must be a string."));
            }

            if (action.TryGetPropertyValue("risk", out var risk) && (!IsString(risk, out var riskText) || !Risks.Contains(riskText)))
            {
                problems.Add(RequestProblem.Schema(path + ".risk", "Action \"risk\" must be low, medium or high."));
            }
        }
    }

    private static void ValidatePermission(JsonNode? node, string path, List<RequestProblem> problems)
    {
        if (node is not JsonObject permission)
        {
            problems.Add(RequestProblem.Permissions(path, "A permission must be an object like {\"kind\": \"filesystem\", \"scope\": \"project\", \"access\": \"read\"}."));
            return;
        }

        if (!IsString(permission["kind"], out var kind) || !PermissionKinds.Contains(kind))
        {
            problems.Add(RequestProblem.Permissions(path + ".kind", "Permission \"kind\" must be filesystem, shell, network or agent."));
        }

        foreach (var pair in permission)
        {
            switch (pair.Key)
            {
                case "kind":
                    break;
                case "scope" when IsString(pair.Value, out var scope) && scope.Length > 0:
                    break;
                case "access" when IsString(pair.Value, out var access) && (kind != "filesystem" || FileAccess.Contains(access)):
                    break;
                case "scope" or "access":
                    problems.Add(RequestProblem.Permissions(JsonPath.Property(path, pair.Key), pair.Key == "access" && kind == "filesystem"
                        ? "Filesystem \"access\" must be read or write."
                        : $"Permission \"{pair.Key}\" must be a non-empty string."));
                    break;
                default:
                    problems.Add(RequestProblem.Permissions(JsonPath.Property(path, pair.Key), $"Unknown permission property: {pair.Key}"));
                    break;
            }
        }
    }

    private static void ValidateResultMode(JsonNode? node, List<RequestProblem> problems)
    {
        if (node is not JsonObject mode)
        {
            problems.Add(RequestProblem.Schema("$.resultMode", "\"resultMode\" must be an object."));
            return;
        }

        if (!IsString(mode["transport"], out var transport) || !Transports.Contains(transport))
        {
            problems.Add(RequestProblem.Schema("$.resultMode.transport", "\"resultMode.transport\" must be clipboard, app, file, extension or none."));
        }

        if (mode.TryGetPropertyValue("format", out var format) && (!IsString(format, out var formatText) || !Formats.Contains(formatText)))
        {
            problems.Add(RequestProblem.Schema("$.resultMode.format", "\"resultMode.format\" must be json, markdown or text."));
        }

        foreach (var pair in mode)
        {
            if (pair.Key is not ("transport" or "format"))
            {
                problems.Add(RequestProblem.Schema(JsonPath.Property("$.resultMode", pair.Key), $"Unknown resultMode property: {pair.Key}"));
            }
        }
    }

    private static void OptionalString(JsonObject envelope, string name, List<RequestProblem> problems)
    {
        if (envelope.TryGetPropertyValue(name, out var node) && !IsString(node, out _))
        {
            problems.Add(RequestProblem.Schema(JsonPath.Property(JsonPath.Root, name), $"\"{name}\" must be a string."));
        }
    }

    internal static bool IsString(JsonNode? node, out string text)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue(out string? s))
        {
            text = s;
            return true;
        }

        text = string.Empty;
        return false;
    }
}
