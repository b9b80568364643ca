using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// Turns the compact dialect (<c>v</c>, <c>session</c>/<c>sid</c>, <c>n</c>/<c>callNonce</c>, <c>do</c>, <c>why</c>,
/// shortcut keys, string actions, tool aliases) into the canonical envelope, before any policy check (protocol §1).
/// A canonical envelope passes through unchanged, except that tool aliases are mapped.
/// </summary>
internal static class CompactNormalizer
{
    /// <summary>The top-level keys of the canonical envelope, in the order they are written.</summary>
    public static IReadOnlyList<string> EnvelopeKeys { get; } =
        ["schema", "source", "permissions", "sessionId", "nonce", "title", "description", "requestedCapabilities", "resultMode", "actions"];

    private static readonly string[] CompactTopLevelKeys = ["v", "session", "sid", "n", "callNonce", "do", "actions"];
    private static readonly string[] ActionKeys = ["args", "id", "reason", "risk", "why"];
    private static readonly string[] OrderedActionKeys = ["id", "tool", "args", "reason", "risk"];
    private static readonly string[] Risks = ["low", "medium", "high"];

    public sealed class Output
    {
        public required JsonObject Canonical { get; init; }

        public required IReadOnlySet<int> GeneratedIds { get; init; }
    }

    public static Output? Normalize(JsonObject input, List<RequestProblem> problems)
    {
        var top = (JsonObject)input.DeepClone();
        var envelope = new JsonObject();

        // Legacy "type" is refused: only conduit.request.v1 and the compact v:"1" dialect are accepted.
        if (top.ContainsKey("type"))
        {
            problems.Add(RequestProblem.Schema("$.type", "Legacy field \"type\" is not accepted; write \"schema\": \"conduit.request.v1\"."));
            top.Remove("type");
        }

        if (!top.ContainsKey("schema") && top.TryGetPropertyValue("v", out var version))
        {
            if (version is JsonValue value && value.TryGetValue(out string? v) && v == "1")
            {
                top["schema"] = RequestSchema.SchemaName;
            }
            else
            {
                problems.Add(RequestProblem.Schema("$.v", "Unsupported compact version; write \"v\": \"1\" (a string)."));
            }
        }

        MapAlias(top, "sessionId", ["session", "sid"], trim: false, problems);
        MapAlias(top, "nonce", ["n", "callNonce"], trim: true, problems);

        // Actions: actions[], else do[], else the top-level object as one action.
        var actions = new List<JsonObject>();
        var generated = new HashSet<int>();
        if (top.TryGetPropertyValue("actions", out var actionsNode))
        {
            if (actionsNode is JsonArray array)
            {
                ReadActionList(array, "$.actions", actions, problems);
            }
            else
            {
                problems.Add(RequestProblem.Schema("$.actions", "\"actions\" must be an array of actions."));
            }
        }
        else if (top["do"] is JsonArray doArray)
        {
            ReadActionList(doArray, "$.do", actions, problems);
        }
        else if (HasToolKey(top))
        {
            var action = NormalizeObjectAction(top, "$", consumeFromTopLevel: true, problems);
            if (action is not null)
            {
                actions.Add(action);
            }
        }
        else
        {
            problems.Add(RequestProblem.Schema("$.actions", "Missing required field: actions (a request needs at least one action)."));
        }

        // Compact keys and args, id, reason, risk, why leave the top level (a top-level why does not reach items).
        foreach (var key in CompactTopLevelKeys.Concat(ToolNames.NameKeys).Concat(ToolNames.ShortcutKeys).Concat(ActionKeys))
        {
            top.Remove(key);
        }

        // Generated ids, then uniqueness.
        for (var i = 0; i < actions.Count; i++)
        {
            if (!actions[i].ContainsKey("id") && actions[i]["tool"] is JsonValue toolValue && toolValue.TryGetValue(out string? tool) && actions[i]["args"] is JsonObject args)
            {
                actions[i]["id"] = ActionIdGenerator.Generate(tool, args, i);
                generated.Add(i);
            }
        }

        foreach (var key in EnvelopeKeys)
        {
            if (key == "actions")
            {
                var ordered = new JsonArray();
                foreach (var action in actions)
                {
                    ordered.Add(OrderAction(action));
                }

                envelope["actions"] = ordered;
            }
            else if (top.Remove(key, out var node))
            {
                envelope[key] = node;
            }
        }

        foreach (var unknown in top)
        {
            problems.Add(RequestProblem.Schema(JsonPath.Property(JsonPath.Root, unknown.Key), $"Unknown top-level property: {unknown.Key}"));
        }

        return problems.Count == 0 ? new Output { Canonical = envelope, GeneratedIds = generated } : null;
    }

    private static void MapAlias(JsonObject top, string canonical, string[] aliases, bool trim, List<RequestProblem> problems)
    {
        foreach (var alias in aliases)
        {
            if (top.ContainsKey(canonical) || !top.TryGetPropertyValue(alias, out var node))
            {
                continue;
            }

            if (node is JsonValue value && value.TryGetValue(out string? text))
            {
                var mapped = trim ? text.Trim() : text;
                if (mapped.Length > 0)
                {
                    top[canonical] = mapped;
                }
            }
            else if (node is not null)
            {
                problems.Add(RequestProblem.Schema(JsonPath.Property(JsonPath.Root, alias), $"\"{alias}\" must be a string."));
            }
        }
    }

    private static bool HasToolKey(JsonObject obj) =>
        ToolNames.NameKeys.Any(k => obj[k] is JsonValue v && v.TryGetValue(out string? s) && s.Trim().Length > 0)
        || ToolNames.ShortcutKeys.Any(obj.ContainsKey);

    private static void ReadActionList(JsonArray array, string path, List<JsonObject> actions, List<RequestProblem> problems)
    {
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = JsonPath.Index(path, i);
            switch (array[i])
            {
                case JsonObject obj:
                    if (NormalizeObjectAction(obj, itemPath, consumeFromTopLevel: false, problems) is { } action)
                    {
                        actions.Add(action);
                    }

                    break;
                case JsonValue value when value.TryGetValue(out string? text):
                    if (NormalizeStringAction(text, itemPath, problems) is { } stringAction)
                    {
                        actions.Add(stringAction);
                    }

                    break;
                default:
                    problems.Add(RequestProblem.Schema(itemPath, "An action must be an object or a string like \"read README.md\"."));
                    break;
            }
        }
    }

    private static JsonObject? NormalizeStringAction(string text, string path, List<RequestProblem> problems)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\t', '\n', '\r']);
        var op = space < 0 ? trimmed : trimmed[..space];
        var rest = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
        if (op.Length == 0)
        {
            problems.Add(RequestProblem.Schema(path, "A string action must start with a tool, like \"read README.md\"."));
            return null;
        }

        var tool = ToolNames.Canonicalize(op);
        var args = new JsonObject();
        switch (tool)
        {
            case ToolNames.ShellRun:
                if (rest.Length > 0)
                {
                    args["command"] = rest;
                }

                break;
            case ToolNames.ConduitHelp:
                if (rest.Length > 0)
                {
                    args["topic"] = rest;
                }

                break;
            case ToolNames.ConduitAbout or ToolNames.GitStatus:
                break;
            default:
                if (rest.Length > 0)
                {
                    args["path"] = rest;
                }

                break;
        }

        return new JsonObject { ["tool"] = tool, ["args"] = args };
    }

    private static JsonObject? NormalizeObjectAction(JsonObject item, string path, bool consumeFromTopLevel, List<RequestProblem> problems)
    {
        var errors = problems.Count;
        string? toolName = null;
        string? shortcut = null;
        foreach (var key in ToolNames.NameKeys)
        {
            if (item[key] is JsonValue value && value.TryGetValue(out string? s) && s.Trim().Length > 0)
            {
                toolName = s.Trim();
                break;
            }
        }

        if (toolName is null)
        {
            shortcut = ToolNames.ShortcutKeys.FirstOrDefault(item.ContainsKey);
            toolName = shortcut;
        }

        if (toolName is null)
        {
            problems.Add(RequestProblem.Schema(JsonPath.Property(path, "tool"), "Action has no tool: set \"tool\" or a shortcut key (read, list, status, diff, write, patch, shell, help, about)."));
            return null;
        }

        var tool = ToolNames.Canonicalize(toolName);
        var args = new JsonObject();
        if (item.TryGetPropertyValue("args", out var argsNode) && argsNode is not null)
        {
            if (argsNode is JsonObject argsObject)
            {
                foreach (var pair in argsObject)
                {
                    args[pair.Key] = pair.Value?.DeepClone();
                }
            }
            else
            {
                problems.Add(RequestProblem.Schema(JsonPath.Property(path, "args"), "\"args\" must be an object."));
            }
        }

        shortcut ??= ToolNames.ShortcutKeys.FirstOrDefault(k => item.ContainsKey(k) && ToolNames.Canonicalize(k) == tool);
        if (shortcut is not null && item[shortcut] is var operand && !(operand is JsonValue t && t.GetValueKind() == JsonValueKind.True))
        {
            if (ToolNames.OperandArgument(tool) is { } argument)
            {
                if (operand is JsonValue operandValue && operandValue.TryGetValue(out string? operandText))
                {
                    args[argument] = operandText;
                }
                else
                {
                    problems.Add(RequestProblem.Schema(JsonPath.Property(path, shortcut), $"The \"{shortcut}\" shortcut takes a string or true."));
                }
            }
        }

        var siblings = ToolNames.SiblingArguments(tool);
        foreach (var sibling in siblings)
        {
            if (item.TryGetPropertyValue(sibling, out var siblingValue))
            {
                args[sibling] = siblingValue?.DeepClone();
            }
        }

        var action = new JsonObject { ["tool"] = tool, ["args"] = args };
        if (item.TryGetPropertyValue("id", out var id))
        {
            action["id"] = id?.DeepClone();
        }

        var reason = item.ContainsKey("reason") ? item["reason"] : item["why"];
        if (reason is not null)
        {
            action["reason"] = reason.DeepClone();
        }

        if (item["risk"] is JsonValue risk && risk.TryGetValue(out string? riskText) && Risks.Contains(riskText))
        {
            action["risk"] = riskText;
        }

        var consumed = new HashSet<string>(ToolNames.NameKeys.Concat(ToolNames.ShortcutKeys).Concat(ActionKeys).Concat(siblings), StringComparer.Ordinal);
        if (consumeFromTopLevel)
        {
            foreach (var key in consumed)
            {
                item.Remove(key);
            }
        }
        else
        {
            foreach (var pair in item)
            {
                if (!consumed.Contains(pair.Key))
                {
                    problems.Add(RequestProblem.Schema(JsonPath.Property(path, pair.Key), $"Unknown action property: {pair.Key}"));
                }
            }
        }

        return problems.Count == errors ? action : null;
    }

    private static JsonObject OrderAction(JsonObject action)
    {
        var ordered = new JsonObject();
        foreach (var key in OrderedActionKeys)
        {
            if (action.Remove(key, out var value))
            {
                ordered[key] = value;
            }
        }

        return ordered;
    }
}
