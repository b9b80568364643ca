using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>Reads tool arguments; a bad argument becomes an <c>error</c> result naming it.</summary>
internal sealed class ToolArgs(JsonObject args, string tool)
{
    public string? Error { get; private set; }

    public string? String(string name, bool required, string? fallback = null)
    {
        if (!args.TryGetPropertyValue(name, out var node) || node is null)
        {
            if (required)
            {
                Fail($"{tool} needs args.{name} (a string).");
            }

            return fallback;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        Fail($"args.{name} must be a string.");
        return fallback;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        if (!args.TryGetPropertyValue(name, out var node) || node is null)
        {
            return fallback;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int number))
        {
            if (number < min || number > max)
            {
                Fail($"args.{name} must be between {min} and {max}.");
                return fallback;
            }

            return number;
        }

        Fail($"args.{name} must be an integer.");
        return fallback;
    }

    public int? OptionalInt(string name, int min, int max) => args.ContainsKey(name) && args[name] is not null ? Int(name, min, min, max) : null;

    public bool Bool(string name, bool fallback)
    {
        if (!args.TryGetPropertyValue(name, out var node) || node is null)
        {
            return fallback;
        }

        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetValue<bool>();
        }

        Fail($"args.{name} must be true or false.");
        return fallback;
    }

    private void Fail(string message) => Error ??= message;
}
