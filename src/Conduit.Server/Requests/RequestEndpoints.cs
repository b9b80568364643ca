using System.Text;
using System.Text.Json.Nodes;
using Conduit.Requests;
using Conduit.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conduit.Server.Requests;

/// <summary>
/// The request lane (docs/requests.md): <c>POST /requests</c> runs a request from a live <c>api</c> session, or holds
/// it for review (202); reviews are approved or denied here and listed on <c>GET /requests</c>; sessions are opened,
/// listed and revoked. Every route calls <see cref="RequestProcessor"/>; nothing untrusted runs before an approval.
/// </summary>
internal static class RequestEndpoints
{
    private const int MaxRequestBytes = 1_000_000;

    public static void MapRequestEndpoints(this IEndpointRouteBuilder routes)
    {
        var requests = routes.MapGroup("/requests").WithTags("requests");
        requests.MapPost(string.Empty, SubmitAsync)
            .WithName("submitRequest")
            .WithSummary("Submit a conduit.request.v1 envelope")
            .WithDescription("A request in a live `api` session with its current nonce runs at once (200, conduit.results.v1 with nextNonce). Anything else is held for review: 202 with the review and its approval id; approve or deny it with POST /requests/{runId}/approve|deny. A rejected request answers 422 with the conduit.repair.v1 envelope.")
            .Produces<JsonObject>()
            .Produces<JsonObject>(StatusCodes.Status202Accepted)
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);
        requests.MapGet(string.Empty, ListPending)
            .WithName("listPendingRequests")
            .WithSummary("Requests waiting for a review decision")
            .Produces<JsonObject>();
        requests.MapGet("/{runId}", Get)
            .WithName("getRequest")
            .WithSummary("A request: its status (pending_review, completed, refused), the review and the results")
            .Produces<JsonObject>()
            .ProducesApiProblem(StatusCodes.Status404NotFound);
        requests.MapPost("/{runId}/approve", ApproveAsync)
            .WithName("approveRequest")
            .WithSummary("Approve a pending request and run it once")
            .WithDescription("Body (optional): {\"profile\": \"read-only|edit-with-confirmation|shell-manual\", \"confirmActionIds\": [\"…\"]}. Read-only unless a profile is granted; writing actions run only when confirmed.")
            .Produces<JsonObject>()
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        requests.MapPost("/{runId}/deny", DenyAsync)
            .WithName("denyRequest")
            .WithSummary("Deny a pending request; nothing runs")
            .Produces<JsonObject>()
            .ProducesApiProblem(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        requests.MapGet("/sessions", ListSessionsAsync)
            .WithName("listRequestSessions")
            .WithSummary("Paired request sessions")
            .Produces<JsonObject>();
        requests.MapPost("/sessions", CreateSessionAsync)
            .WithName("createRequestSession")
            .WithSummary("Open a paired session; answers the session, its handshake document and card")
            .WithDescription("Body (optional): {\"profile\", \"roots\": [dirs under the configured allowed roots], \"transport\": \"api|clipboard|extension|browser-yolo\" (default api), \"label\"}.")
            .Produces<JsonObject>(StatusCodes.Status201Created)
            .ProducesApiProblem(StatusCodes.Status400BadRequest);
        requests.MapDelete("/sessions/{sessionId}", RevokeSessionAsync)
            .WithName("revokeRequestSession")
            .WithSummary("Revoke a session; its nonce stops working at once")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesApiProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var processor = Processor(context);
        var text = await ReadTextAsync(context, cancellationToken).ConfigureAwait(false);
        var parsed = processor.Parse(text, RequestOrigin.Api);
        switch (parsed.Status)
        {
            case RequestParseStatus.Rejected:
                return Results.Json(parsed.Repair!.ToJson(), statusCode: StatusCodes.Status422UnprocessableEntity);
            case RequestParseStatus.Request:
                break;
            default:
                throw new ApiProblemException(ApiProblem.Validation("body", "The body is not a conduit request: send one conduit.request.v1 JSON object."));
        }

        var request = parsed.Request!;
        var evaluation = await processor.EvaluateAsync(request, RequestTransport.Api, cancellationToken).ConfigureAwait(false);
        var registry = Registry(context);
        if (evaluation.Trusted || evaluation.Repair is not null)
        {
            var outcome = await processor.ExecuteAsync(request, RequestTransport.Api, approval: null, processor.NewRunId(), cancellationToken).ConfigureAwait(false);
            var entry = registry.Add(new RequestRunEntry { RunId = outcome.RunId, Request = request, Outcome = outcome });
            return Answer(context, entry);
        }

        var review = processor.CreateReview(request, evaluation);
        context.RequestServices.GetRequiredService<PendingReviews>().Add(review);
        var pending = registry.Add(new RequestRunEntry { RunId = review.RunId, Request = request, Review = review });
        context.Response.Headers.Location = "/requests/" + review.RunId;
        return Results.Json(ToJson(pending, context), statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult ListPending(HttpContext context)
    {
        var pending = context.RequestServices.GetService<PendingReviews>()?.ListPending() ?? [];
        return Results.Json(new JsonObject
        {
            ["pending"] = new JsonArray(pending.Select(r => (JsonNode?)new JsonObject
            {
                ["runId"] = r.RunId,
                ["approvalId"] = r.ApprovalId,
                ["requestHash"] = r.RequestHash,
                ["createdAt"] = r.CreatedAt,
                ["expiresAt"] = r.ExpiresAt,
                ["url"] = "/requests/" + r.RunId,
            }).ToArray()),
        });
    }

    private static IResult Get(HttpContext context, string runId) => Results.Json(ToJson(Find(context, runId), context));

    private static async Task<IResult> ApproveAsync(HttpContext context, string runId, [FromServices] IOptions<ConduitServerOptions> options)
    {
        var processor = Processor(context);
        var entry = Find(context, runId);
        var body = await JsonRequestReader.ReadObjectAsync(context, options.Value.MaxJsonDepth, allowEmpty: true, context.RequestAborted).ConfigureAwait(false);
        var profile = PermissionProfile.ReadOnly;
        IReadOnlyList<string> confirmed = [];
        if (body is not null)
        {
            body.RejectUnknown("profile", "confirmActionIds");
            if (body.String("profile") is { } name && !PermissionProfileNames.TryParse(name, out profile))
            {
                throw new ApiProblemException(ApiProblem.Validation("profile", $"\"{name}\" is not a profile; use read-only, edit-with-confirmation or shell-manual."));
            }

            confirmed = body.StringArray("confirmActionIds") ?? [];
        }

        return await DecideAsync(context, processor, entry, approve: true, profile, confirmed).ConfigureAwait(false);
    }

    private static Task<IResult> DenyAsync(HttpContext context, string runId) =>
        DecideAsync(context, Processor(context), Find(context, runId), approve: false, PermissionProfile.ReadOnly, []);

    private static async Task<IResult> DecideAsync(HttpContext context, RequestProcessor processor, RequestRunEntry entry, bool approve, PermissionProfile profile, IReadOnlyList<string> confirmed)
    {
        if (entry.Review is null)
        {
            throw new ApiProblemException(Conflict($"Request {entry.RunId} did not need a review."));
        }

        await entry.Gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (entry.Outcome is not null)
            {
                throw new ApiProblemException(Conflict($"Request {entry.RunId} was already decided."));
            }

            var decision = context.RequestServices.GetRequiredService<PendingReviews>()
                .Decide(entry.Review.ApprovalId, approve, "http", profile, confirmed, approve ? null : "Denied over the HTTP API.");
            if (decision is null || decision.Status is not (ApprovalStatus.Approved or ApprovalStatus.Denied))
            {
                throw new ApiProblemException(Conflict($"The review of {entry.RunId} is {decision?.Status.ToString().ToLowerInvariant() ?? "gone"}; submit the request again."));
            }

            // A denial runs nothing: the processor refuses it and logs the decision in the run folder.
            entry.Outcome = await processor.ExecuteAsync(entry.Request, RequestTransport.Api, decision, entry.RunId, context.RequestAborted).ConfigureAwait(false);
            return Answer(context, entry);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private static async Task<IResult> ListSessionsAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var processor = Processor(context);
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var sessions = await processor.Sessions.ListAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(new JsonObject { ["sessions"] = new JsonArray(sessions.Select(s => (JsonNode?)SessionJson(s, now)).ToArray()) });
    }

    private static async Task<IResult> CreateSessionAsync(HttpContext context, [FromServices] IOptions<ConduitServerOptions> options)
    {
        var processor = Processor(context);
        var body = await JsonRequestReader.ReadObjectAsync(context, options.Value.MaxJsonDepth, allowEmpty: true, context.RequestAborted).ConfigureAwait(false);
        var profile = PermissionProfile.ReadOnly;
        var transport = RequestTransport.Api;
        string? label = null;
        var roots = processor.Options.AllowedRoots.ToList();
        if (body is not null)
        {
            body.RejectUnknown("profile", "roots", "transport", "label");
            if (body.String("profile") is { } name && !PermissionProfileNames.TryParse(name, out profile))
            {
                throw new ApiProblemException(ApiProblem.Validation("profile", $"\"{name}\" is not a profile; use read-only, edit-with-confirmation or shell-manual."));
            }

            if (body.String("transport") is { } transportName && !RequestTransportNames.TryParse(transportName, out transport))
            {
                throw new ApiProblemException(ApiProblem.Validation("transport", $"\"{transportName}\" is not a transport; use api, clipboard, extension or browser-yolo."));
            }

            label = body.String("label");
            if (body.StringArray("roots") is { Count: > 0 } requested)
            {
                roots = requested.Select(root => AllowedRoot(processor, root)).ToList();
            }
        }

        var session = await processor.Sessions.CreateAsync(new SessionCreateOptions { Profile = profile, Transport = transport, Label = label, AllowedRoots = roots }, context.RequestAborted).ConfigureAwait(false);
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var answer = SessionJson(session, now);
        answer["nonce"] = session.CurrentNonce;
        answer["handshake"] = HandshakeCard.ToJson(session);
        answer["card"] = HandshakeCard.Render(session);
        context.Response.Headers.Location = "/requests/sessions";
        return Results.Json(answer, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeSessionAsync(HttpContext context, string sessionId)
    {
        var processor = Processor(context);
        return await processor.Sessions.RevokeAsync(sessionId, context.RequestAborted).ConfigureAwait(false)
            ? Results.NoContent()
            : throw new ApiProblemException(ApiProblem.NotFound($"No session {sessionId}."));
    }

    /// <summary>A session root must be one of the configured allowed roots or inside one.</summary>
    private static string AllowedRoot(RequestProcessor processor, string root)
    {
        var full = Path.GetFullPath(root);
        var allowed = processor.Options.AllowedRoots.Select(Path.GetFullPath).Any(a =>
            string.Equals(full, a, StringComparison.Ordinal) || full.StartsWith(Path.TrimEndingDirectorySeparator(a) + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        if (!Path.IsPathFullyQualified(root) || !allowed || !Directory.Exists(full))
        {
            throw new ApiProblemException(ApiProblem.Validation("roots", $"Root \"{root}\" must be an existing absolute directory inside the daemon's allowed roots ({string.Join(", ", processor.Options.AllowedRoots)})."));
        }

        return full;
    }

    private static IResult Answer(HttpContext context, RequestRunEntry entry) => Results.Json(ToJson(entry, context));

    private static JsonObject ToJson(RequestRunEntry entry, HttpContext context)
    {
        var outcome = entry.Outcome;
        var answer = new JsonObject
        {
            ["runId"] = entry.RunId,
            ["status"] = outcome is null ? "pending_review" : outcome.Status switch
            {
                RequestRunStatus.Completed => "completed",
                RequestRunStatus.ReviewRequired => "pending_review",
                _ => "refused",
            },
            ["requestHash"] = entry.Request.Hash,
            ["url"] = "/requests/" + entry.RunId,
        };
        if (entry.Review is { } review)
        {
            var decision = context.RequestServices.GetService<PendingReviews>()?.Get(review.ApprovalId);
            answer["review"] = new JsonObject
            {
                ["approvalId"] = review.ApprovalId,
                ["decision"] = decision?.Status.ToString().ToLowerInvariant() ?? "expired",
                ["expiresAt"] = review.ExpiresAt,
                ["text"] = review.Text,
                ["approveUrl"] = $"/requests/{entry.RunId}/approve",
                ["denyUrl"] = $"/requests/{entry.RunId}/deny",
            };
        }

        if (outcome?.Reason is { } reason && outcome.Status != RequestRunStatus.Completed)
        {
            answer["reason"] = reason;
        }

        if (outcome?.Results is { } results)
        {
            answer["results"] = results.ToJson();
        }

        if (outcome?.Repair is { } repair)
        {
            answer["repair"] = repair.ToJson();
        }

        return answer;
    }

    private static JsonObject SessionJson(RequestSession session, DateTimeOffset now) => new()
    {
        ["sessionId"] = session.SessionId,
        ["label"] = session.Label,
        ["state"] = session.EffectiveState(now).ToName(),
        ["transport"] = session.Transport.ToName(),
        ["permissionProfile"] = session.PermissionProfile.ToName(),
        ["allowedRoots"] = new JsonArray(session.AllowedRoots.Select(r => (JsonNode?)r).ToArray()),
        ["createdAt"] = session.CreatedAt,
        ["expiresAt"] = session.ExpiresAt,
        ["actionCount"] = session.ActionCount,
    };

    private static async Task<string> ReadTextAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception)
        {
            throw new ApiProblemException(new ApiProblem { Status = exception.StatusCode, Code = "bad_request", Title = "Bad request", Detail = exception.Message, Field = "body" });
        }

        if (buffer.Length > MaxRequestBytes)
        {
            throw new ApiProblemException(new ApiProblem
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Code = "body_too_large",
                Title = "The request body is too large",
                Detail = $"A conduit request may have at most {MaxRequestBytes} bytes.",
                Field = "body",
            });
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static RequestRunEntry Find(HttpContext context, string runId) =>
        Registry(context).Get(runId) ?? throw new ApiProblemException(ApiProblem.NotFound($"No request {runId}."));

    private static RequestRunRegistry Registry(HttpContext context) => context.RequestServices.GetRequiredService<RequestRunRegistry>();

    private static ApiProblem Conflict(string detail) => new()
    {
        Status = StatusCodes.Status409Conflict,
        Code = "request_decided",
        Title = "The request cannot be decided",
        Detail = detail,
    };

    private static RequestProcessor Processor(HttpContext context) =>
        context.RequestServices.GetService<RequestProcessor>() ?? throw new ApiProblemException(new ApiProblem
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Code = "requests_unavailable",
            Title = "The request lane is not available",
            Detail = "This daemon was started without the request processor (AddConduitRequests), so /requests is not available.",
        });
}
