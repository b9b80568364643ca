using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// A <c>conduit.results.v1</c> document: <c>{type, runId, sessionId?, nextNonce?, results, status}</c>.
/// Rendered with <see cref="RenderForClipboard"/> or as JSON with <see cref="ToJsonString"/>.
/// </summary>
public sealed class RequestResults
{
    /// <summary>The document type.</summary>
    public const string TypeName = "conduit.results.v1";

    /// <summary>The opening marker of the clipboard block.</summary>
    public const string OpeningMarker = "<<<CONDUIT_RESULTS_JSON";

    /// <summary>The closing marker of the clipboard block.</summary>
    public const string ClosingMarker = "CONDUIT_RESULTS_JSON>>>";

    /// <summary>The run id (the run folder's name).</summary>
    public required string RunId { get; init; }

    /// <summary>The session, when the request ran in one.</summary>
    public string? SessionId { get; init; }

    /// <summary>The nonce the next request must carry (paired sessions only).</summary>
    public string? NextNonce { get; init; }

    /// <summary>One result per action, in order.</summary>
    public required IReadOnlyList<ActionResult> Results { get; init; }

    /// <summary>Overall: all ok → ok; any error → error; all denied or waiting → denied; else partial.</summary>
    public string Status => Overall(Results);

    /// <summary>The document as JSON.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["type"] = TypeName, ["runId"] = RunId };
        if (SessionId is not null)
        {
            json["sessionId"] = SessionId;
        }

        if (NextNonce is not null)
        {
            json["nextNonce"] = NextNonce;
        }

        json["results"] = new JsonArray(Results.Select(r => (JsonNode?)r.ToJson()).ToArray());
        json["status"] = Status;
        return json;
    }

    /// <summary>Indented JSON (two spaces), for APIs.</summary>
    public string ToJsonString() => RequestJson.ToIndentedString(ToJson());

    /// <summary>
    /// The clipboard text: <c>Conduit results:</c>, a blank line, then the JSON between the
    /// <c>CONDUIT_RESULTS_JSON</c> markers, compacted to <paramref name="maxChars"/> by cutting the largest contents
    /// (each cut result says so in its metadata: <c>conduitTransportTruncated</c>, <c>originalContentChars</c>, <c>deliveredContentChars</c>).
    /// </summary>
    public string RenderForClipboard(int maxChars = 30_000)
    {
        var json = ToJson();
        var text = Render(json);
        var results = (JsonArray)json["results"]!;
        for (var round = 0; text.Length > maxChars && round < 64; round++)
        {
            var largest = results.OfType<JsonObject>()
                .Select(r => (Result: r, Length: r["content"] is { } c ? RequestJson.ToCompactString(c).Length : 0))
                .MaxBy(x => x.Length);
            if (largest.Result is null || largest.Length == 0)
            {
                break;
            }

            var content = largest.Result["content"]!;
            var original = content is JsonValue v && v.TryGetValue(out string? s) ? s : RequestJson.ToIndentedString(content);
            var keep = Math.Max(0, original.Length - (text.Length - maxChars) - 64);
            var metadata = largest.Result["metadata"] as JsonObject ?? [];
            var originalChars = metadata["originalContentChars"]?.GetValue<int>() ?? original.Length;
            metadata["conduitTransportTruncated"] = true;
            metadata["originalContentChars"] = originalChars;
            metadata["deliveredContentChars"] = keep;
            largest.Result["metadata"] = metadata.Parent is null ? metadata : metadata.DeepClone();
            largest.Result["content"] = original[..keep];
            text = Render(json);
        }

        return text;
    }

    /// <summary>The "still working" status written to the clipboard before a request runs.</summary>
    public static string RenderWorkingStatus(string runId, string? sessionId) =>
        "Conduit is still working.\n"
        + "Paste this clipboard again later: the results will replace this text when the request finishes.\n"
        + $"Run: {runId}\n"
        + (sessionId is null ? string.Empty : $"Session: {sessionId}\n");

    internal static string Overall(IReadOnlyList<ActionResult> results)
    {
        if (results.Count > 0 && results.All(r => r.Status == ActionStatuses.Ok))
        {
            return ActionStatuses.Ok;
        }

        if (results.Any(r => r.Status == ActionStatuses.Error))
        {
            return ActionStatuses.Error;
        }

        if (results.All(r => r.Status is ActionStatuses.Denied or ActionStatuses.RequiresConfirmation))
        {
            return ActionStatuses.Denied;
        }

        return ActionStatuses.Partial;
    }

    private static string Render(JsonObject json) =>
        "Conduit results:\n\n" + OpeningMarker + "\n" + RequestJson.ToIndentedString(json) + "\n" + ClosingMarker + "\n";
}
