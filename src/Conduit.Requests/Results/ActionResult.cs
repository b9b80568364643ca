using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>One action's result: <c>{id, tool, status, content?, error?, metadata?}</c>.</summary>
public sealed class ActionResult
{
    /// <summary>The action id.</summary>
    public required string Id { get; init; }

    /// <summary>The tool.</summary>
    public required string Tool { get; init; }

    /// <summary>One of <see cref="ActionStatuses"/>: ok, error, denied, requires_confirmation.</summary>
    public required string Status { get; init; }

    /// <summary>The output: text, or JSON for structured tools.</summary>
    public JsonNode? Content { get; init; }

    /// <summary>Why it failed or was refused.</summary>
    public string? Error { get; init; }

    /// <summary>Details (paths, sizes, exit codes, truncation).</summary>
    public JsonObject? Metadata { get; init; }

    internal JsonObject ToJson()
    {
        var json = new JsonObject { ["id"] = Id, ["tool"] = Tool, ["status"] = Status };
        if (Content is not null)
        {
            json["content"] = Content.DeepClone();
        }

        if (Error is not null)
        {
            json["error"] = Error;
        }

        if (Metadata is not null)
        {
            json["metadata"] = Metadata.DeepClone();
        }

        return json;
    }
}
