using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>Renders the review text: nothing truncated, invisible characters made visible.</summary>
internal static class RequestReviewRenderer
{
    public static string Render(ParsedRequest request, RequestEvaluation evaluation, string approvalId)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(VisibleText.MakeVisible(line)).Append('\n');

        Line("Conduit review required.");
        Line($"Approval: {approvalId}");
        Line($"Request SHA-256: {request.Hash}");
        Line($"Origin: {request.Origin.ToString().ToLowerInvariant()}");
        Line($"Source: {request.SourceKind} / {request.SourceTrust ?? "(no trust claim)"}   (a claim, not a credential)");
        Line($"Source object: {request.SourceJson}");
        if (request.Title is not null)
        {
            Line($"Title: {request.Title}");
        }

        if (request.Description is not null)
        {
            Line($"Description: {request.Description}");
        }

        Line("Permissions" + (request.PermissionsInferred ? " (inferred from the actions)" : string.Empty) + ":"
            + (request.Permissions.Count == 0 ? " none" : string.Empty));
        foreach (var permission in request.Permissions)
        {
            Line($"  - {permission}");
        }

        if (request.RequestedCapabilities.Count > 0)
        {
            Line("Requested capabilities: " + string.Join(", ", request.RequestedCapabilities));
        }

        Line($"Session claim: {request.SessionId ?? "none"}; nonce {(request.Nonce is null ? "absent" : "present")}; "
            + (evaluation.Trusted ? "trusted (live session, current nonce)" : "not trusted"));
        Line($"Decision: {evaluation.Decision.ToName()} ({evaluation.Reason})");
        Line($"Profile if approved: {evaluation.Profile.ToName()}; roots: {string.Join(", ", evaluation.AllowedRoots)}");
        Line(string.Create(CultureInfo.InvariantCulture, $"Actions ({request.Actions.Count}):"));
        foreach (var action in request.Actions)
        {
            var decision = evaluation.Actions[action.Index];
            Line($"  [{action.Index + 1}] {action.Id}:{action.Tool}" + (action.IdGenerated ? " (generated id)" : string.Empty));
            Line($"      decision: {decision.Decision.ToName()} - {decision.Reason}");
            Line($"      needs: {ToolPermissions.Describe(action.Tool)}" + (action.Risk is null ? string.Empty : $"; claimed risk: {action.Risk}"));
            if (action.Reason is not null)
            {
                Line($"      reason: {action.Reason}");
            }

            foreach (var argLine in RequestJson.ToIndentedString(action.Args).Split('\n'))
            {
                Line("      " + argLine);
            }
        }

        return text.ToString();
    }

    public static JsonObject ReviewAction(ParsedRequest request) => new()
    {
        ["id"] = "review_untrusted_request",
        ["tool"] = "conduit.review",
        ["args"] = new JsonObject
        {
            ["source"] = JsonNode.Parse(request.SourceJson),
            ["title"] = request.Title,
            ["description"] = request.Description,
            ["permissions"] = request.Canonical["permissions"]?.DeepClone(),
            ["requestedCapabilities"] = new JsonArray(request.RequestedCapabilities.Select(c => (JsonNode?)c).ToArray()),
            ["actions"] = request.Canonical["actions"]?.DeepClone(),
            ["sessionId"] = request.SessionId,
            ["noncePresent"] = request.Nonce is not null,
        },
        ["risk"] = "high",
    };
}
