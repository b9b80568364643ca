using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// A <c>conduit.repair.v1</c> envelope: why something that looked like a request was rejected, and how to send a
/// correct one. It is an answer, never executable: it has no <c>actions</c> and is never parsed as a request.
/// </summary>
public sealed class RepairEnvelope
{
    /// <summary>The envelope type.</summary>
    public const string TypeName = "conduit.repair.v1";

    /// <summary>The opening marker of the rendered block.</summary>
    public const string OpeningMarker = "<<<CONDUIT_REPAIR_JSON";

    /// <summary>The closing marker of the rendered block.</summary>
    public const string ClosingMarker = "CONDUIT_REPAIR_JSON>>>";

    /// <summary>One of <see cref="RepairCodes"/>.</summary>
    public required string Code { get; init; }

    /// <summary>Why, naming the JSON path, e.g. <c>$.actions: "actions" must contain at least one action.</c></summary>
    public required string Reason { get; init; }

    /// <summary>The JSON path of the first problem.</summary>
    public string Path { get; init; } = JsonPath.Root;

    /// <summary>Every problem found, each with its path.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>The session, when the request named a known one.</summary>
    public string? SessionId { get; init; }

    /// <summary>The session's current nonce: only in agent loops, only while the session is active; a stale nonce is never echoed.</summary>
    public string? CurrentNonce { get; init; }

    /// <summary>Creates a repair from a problem list (the first problem gives code, path and reason).</summary>
    public static RepairEnvelope FromProblems(IReadOnlyList<RequestProblem> problems, string? sessionId = null, string? currentNonce = null)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var first = problems.Count > 0 ? problems[0] : new RequestProblem { Code = RepairCodes.RequestRejected, Path = JsonPath.Root, Message = "Request rejected." };
        return new RepairEnvelope
        {
            Code = first.Code,
            Path = first.Path,
            Reason = first.ToString(),
            Problems = problems.Select(p => p.ToString()).ToArray(),
            SessionId = sessionId,
            CurrentNonce = currentNonce,
        };
    }

    /// <summary>The envelope as JSON.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["type"] = TypeName,
            ["status"] = "rejected",
            ["reason"] = Reason,
            ["code"] = Code,
            ["path"] = Path,
        };
        if (Problems.Count > 1)
        {
            json["problems"] = new JsonArray(Problems.Select(p => (JsonNode?)p).ToArray());
        }

        if (SessionId is not null)
        {
            json["sessionId"] = SessionId;
        }

        if (CurrentNonce is not null)
        {
            json["currentNonce"] = CurrentNonce;
        }

        json["expected"] = new JsonObject
        {
            ["exactEnvelope"] = true,
            ["schema"] = RequestSchema.SchemaName,
            ["requiredFields"] = new JsonArray("schema", "source", "permissions", "sessionId", "nonce", "actions"),
            ["allowedClipboardForms"] = new JsonArray("fenced conduit", "fenced conduit-json", "raw JSON"),
        };
        json["repairInstructions"] = new JsonArray(Instructions().Select(i => (JsonNode?)i).ToArray());
        json["example"] = Example();
        return json;
    }

    /// <summary>The envelope as indented JSON.</summary>
    public string ToJsonString() => RequestJson.ToIndentedString(ToJson());

    /// <summary>The clipboard rendering: heading, the marked JSON block, and two hints.</summary>
    public string Render() =>
        "Conduit request repair:\n\n" + OpeningMarker + "\n" + ToJsonString() + "\n" + ClosingMarker + "\n\n"
        + "Copy exactly one request envelope: raw JSON, or one fenced ```conduit block with nothing around it.\n"
        + "Not sure of the format? Send {\"v\": \"1\", \"source\": {\"kind\": \"chat\"}, \"permissions\": [], \"do\": \".help\"}.\n";

    private IEnumerable<string> Instructions()
    {
        yield return Code switch
        {
            RepairCodes.MalformedJson => "Send strict JSON: no comments, no trailing commas, no duplicate keys, at most 1,000,000 bytes.",
            RepairCodes.MultipleEnvelopes => "Send exactly one request envelope (one block), not several.",
            RepairCodes.MissingSession => "Include the sessionId and the current nonce from the handshake or the last results (nextNonce).",
            RepairCodes.InvalidSession => "Use the live session and its current nonce; each nonce works once. Pair again if the session ended.",
            RepairCodes.InvalidSchema => "Use \"schema\": \"conduit.request.v1\" (or \"v\": \"1\"), a \"source\" object, and at least one action; no other top-level fields.",
            RepairCodes.InvalidPermissions => "Declare every permission the actions need in \"permissions\": filesystem read/write, shell, network, agent.",
            _ => "Ask the user to use the local \"Copy Agent Handshake\" gesture (conduit request pair) to pair a session.",
        };
        yield return "Fix: " + Reason;
        yield return "Retry only if the user agrees.";
    }

    private JsonObject Example()
    {
        var example = new JsonObject
        {
            ["schema"] = RequestSchema.SchemaName,
            ["source"] = new JsonObject { ["kind"] = "chat", ["trust"] = "untrusted" },
            ["permissions"] = new JsonArray(new JsonObject { ["kind"] = "filesystem", ["scope"] = "project", ["access"] = "read" }),
        };
        if (SessionId is not null)
        {
            example["sessionId"] = SessionId;
        }

        if (CurrentNonce is not null)
        {
            example["nonce"] = CurrentNonce;
        }

        example["actions"] = new JsonArray(new JsonObject { ["id"] = "list_project", ["tool"] = ToolNames.FileList, ["args"] = new JsonObject { ["path"] = "." } });
        return example;
    }
}
