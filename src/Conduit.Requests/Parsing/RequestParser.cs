using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conduit.Requests;

/// <summary>
/// Parses <c>conduit.request.v1</c> text: exact-envelope rules for clipboard, file, link and API input, the
/// agent-turn rules for a paired loop; then strict JSON, compact normalisation, validation and the permission
/// coverage check. Never throws on bad input and never runs anything.
/// </summary>
public static partial class RequestParser
{
    /// <summary>Parses <paramref name="text"/> read from <paramref name="origin"/> (for <see cref="RequestOrigin.Link"/>, the link itself).</summary>
    public static RequestParseResult Parse(string text, RequestOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return origin switch
            {
                RequestOrigin.Link => ParseLink(text),
                RequestOrigin.AgentTurn => ParseExtracted(AgentTurnExtractor.Extract(text), origin),
                _ => ParseExtracted(ClipboardEnvelopeExtractor.Extract(text), origin),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or JsonException)
        {
            // Fail closed: anything the JSON stack refuses late (e.g. an unpaired surrogate) is malformed input.
            return RequestParseResult.Reject(RequestProblem.Malformed(JsonPath.Root, "Request could not be read: " + ex.Message));
        }
    }

    private static RequestParseResult ParseLink(string link)
    {
        var payload = ConduitLinkDecoder.Decode(link, out var problem);
        if (payload is null)
        {
            return RequestParseResult.Reject(problem!);
        }

        var inner = ParseExtracted(ClipboardEnvelopeExtractor.Extract(payload), RequestOrigin.Link);
        switch (inner.Status)
        {
            case RequestParseStatus.Request:
                return inner;
            case RequestParseStatus.NotARequest:
                return RequestParseResult.Reject(RequestProblem.Malformed(JsonPath.Root, "Conduit URL payload is not a request envelope."));
            default:
                // Any link failure is malformed_json; the message keeps the specific reason and path.
                return RequestParseResult.Reject(inner.Problems.Select(p => RequestProblem.Malformed(p.Path, p.Message)).ToArray());
        }
    }

    private static RequestParseResult ParseExtracted(EnvelopeText extracted, RequestOrigin origin)
    {
        switch (extracted.Kind)
        {
            case EnvelopeTextKind.None:
                return RequestParseResult.NotARequest;
            case EnvelopeTextKind.Rejected:
                return RequestParseResult.Reject(extracted.Problem!);
            case EnvelopeTextKind.HandshakeRequest:
                return new RequestParseResult
                {
                    Status = RequestParseStatus.Rejected,
                    IsHandshakeRequest = true,
                    Problems = [new RequestProblem { Code = RepairCodes.RequestRejected, Path = JsonPath.Root, Message = "A handshake request never pairs a session. Ask the user to use the local \"Copy Agent Handshake\" gesture (conduit request pair) and paste the card it copies." }],
                    Repair = RepairEnvelope.FromProblems([new RequestProblem { Code = RepairCodes.RequestRejected, Path = JsonPath.Root, Message = "A handshake request never pairs a session. Ask the user to use the local \"Copy Agent Handshake\" gesture (conduit request pair) and paste the card it copies." }]),
                };
            case EnvelopeTextKind.Final:
                var final = StrictJson.Parse(extracted.Json!, out var finalProblem);
                return final is JsonObject
                    ? new RequestParseResult { Status = RequestParseStatus.Final, FinalJson = RequestJson.ToCompactString(final) }
                    : RequestParseResult.Reject(finalProblem ?? RequestProblem.Malformed(JsonPath.Root, "A conduit-final block must be a JSON object."));
        }

        var json = extracted.Json!;
        var root = StrictJson.Parse(json, out var problem);
        if (root is null)
        {
            return extracted.Fenced || LooksLikeRequest(json) ? RequestParseResult.Reject(problem!) : RequestParseResult.NotARequest;
        }

        if (root is not JsonObject envelope)
        {
            return RequestParseResult.Reject(RequestProblem.Schema(JsonPath.Root, "A request must be a JSON object."));
        }

        // Unrelated raw JSON ({"a":1}) is not a request: only objects with schema, type or v are.
        if (!extracted.Fenced && !envelope.ContainsKey("schema") && !envelope.ContainsKey("type") && !envelope.ContainsKey("v"))
        {
            return RequestParseResult.NotARequest;
        }

        var agentTurn = origin == RequestOrigin.AgentTurn;
        if (agentTurn)
        {
            // Agent turns may leave schema, source and permissions out.
            if (!envelope.ContainsKey("schema") && !envelope.ContainsKey("v") && !envelope.ContainsKey("type"))
            {
                envelope["schema"] = RequestSchema.SchemaName;
            }

            if (!envelope.ContainsKey("source"))
            {
                envelope["source"] = new JsonObject { ["kind"] = "agent" };
            }
        }

        var inferPermissions = agentTurn && !envelope.ContainsKey("permissions");
        if (inferPermissions)
        {
            envelope["permissions"] = new JsonArray();
        }

        var problems = new List<RequestProblem>();
        var normalized = CompactNormalizer.Normalize(envelope, problems);
        if (normalized is null)
        {
            return RequestParseResult.Reject(problems);
        }

        var canonical = normalized.Canonical;
        if (origin == RequestOrigin.Link && canonical["source"] is JsonObject linkSource && linkSource["kind"] is { } claimed)
        {
            linkSource["claimedKind"] = claimed.DeepClone();
            linkSource["kind"] = "conduit-link";
        }

        CanonicalRequestValidator.Validate(canonical, problems);
        if (problems.Count > 0)
        {
            return RequestParseResult.Reject(problems);
        }

        var actions = ((JsonArray)canonical["actions"]!).Select((node, i) =>
        {
            var action = (JsonObject)node!;
            return new RequestAction(
                i,
                action["id"]!.GetValue<string>(),
                action["tool"]!.GetValue<string>(),
                (JsonObject)action["args"]!,
                action["reason"]?.GetValue<string>(),
                action["risk"]?.GetValue<string>(),
                normalized.GeneratedIds.Contains(i));
        }).ToArray();

        IReadOnlyList<DeclaredPermission> permissions;
        if (inferPermissions)
        {
            permissions = PermissionCoverage.Infer(actions.Select(a => a.Tool));
            canonical["permissions"] = new JsonArray(permissions.Select(ToJson).ToArray());
        }
        else
        {
            permissions = ((JsonArray)canonical["permissions"]!).Select(p => new DeclaredPermission
            {
                Kind = p!["kind"]!.GetValue<string>(),
                Scope = p["scope"]?.GetValue<string>(),
                Access = p["access"]?.GetValue<string>(),
            }).ToArray();
        }

        PermissionCoverage.Check(actions, permissions, problems);
        if (problems.Count > 0)
        {
            return RequestParseResult.Reject(problems);
        }

        // Belt and braces: the published schema must agree with the hand-written rules.
        var schemaErrors = RequestSchema.Validate(RequestJson.ToCompactString(canonical));
        if (schemaErrors.Count > 0)
        {
            return RequestParseResult.Reject(schemaErrors.Select(e => RequestProblem.Schema(e[..e.IndexOf(':', StringComparison.Ordinal)], "Does not match the request schema: " + e)).ToArray());
        }

        return new RequestParseResult
        {
            Status = RequestParseStatus.Request,
            Request = new ParsedRequest(canonical, origin, actions, permissions, inferPermissions),
        };
    }

    private static JsonNode ToJson(DeclaredPermission permission)
    {
        var json = new JsonObject { ["kind"] = permission.Kind };
        if (permission.Scope is not null)
        {
            json["scope"] = permission.Scope;
        }

        if (permission.Access is not null)
        {
            json["access"] = permission.Access;
        }

        return json;
    }

    /// <summary>Raw text starting with <c>{</c> that fails to parse is a rejected request only when it names request fields.</summary>
    private static bool LooksLikeRequest(string json) => RequestMarker().IsMatch(json);

    [GeneratedRegex("\"(schema|type|v)\"\\s*:|conduit\\.request", RegexOptions.CultureInvariant)]
    private static partial Regex RequestMarker();
}
