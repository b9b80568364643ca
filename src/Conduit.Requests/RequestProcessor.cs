using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Requests;

/// <summary>
/// The facade the CLI and the daemon call: <see cref="Parse"/> (text to request or repair), <see cref="EvaluateAsync"/>
/// (the decision, no side effects), <see cref="CreateReview"/> (what to show the user) and <see cref="RequestProcessor.ExecuteAsync(ParsedRequest, RequestTransport, RequestApproval?, CancellationToken)"/>
/// (consume the nonce, then run what the policy and the approval allow). Every run is logged under
/// <c>&lt;stateDir&gt;/requests/&lt;runId&gt;/</c>.
/// </summary>
public sealed class RequestProcessor
{
    private readonly ConduitRequestsOptions _options;
    private readonly TimeProvider _time;
    private readonly IRequestProcessRunner _processes;
    private readonly IAgentRunnerFactory? _agents;
    private readonly IRunOrchestrator? _orchestrator;
    private readonly ILogger _logger;

    /// <summary>Creates the processor. Only <paramref name="options"/> is required; the rest have defaults or are optional tools.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="processRunner">Starts git and shell; the built-in <see cref="System.Diagnostics.Process"/> runner by default.</param>
    /// <param name="agentRunners">Needed by <c>agent.chat</c>; without it that tool answers an error.</param>
    /// <param name="orchestrator">Needed by <c>runs.start</c>; without it that tool answers an error.</param>
    /// <param name="logger">The logger.</param>
    public RequestProcessor(
        ConduitRequestsOptions options,
        TimeProvider? timeProvider = null,
        IRequestProcessRunner? processRunner = null,
        IAgentRunnerFactory? agentRunners = null,
        IRunOrchestrator? orchestrator = null,
        ILogger<RequestProcessor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new ConduitRequestsOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _processes = processRunner ?? new SystemRequestProcessRunner();
        _agents = agentRunners;
        _orchestrator = orchestrator;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Sessions = new RequestSessionStore(options.StateDirectory, _time, options.NonceLifetime, options.SessionLifetime, options.AllowedRoots.ToArray());
    }

    /// <summary>The paired sessions (<c>conduit request pair</c>, <c>sessions list|revoke</c>).</summary>
    public RequestSessionStore Sessions { get; }

    /// <summary>The options in force.</summary>
    public ConduitRequestsOptions Options => _options;

    /// <summary>
    /// Parses text from <paramref name="origin"/>: a request, "not a request" (ignore it: write nothing back, touch no
    /// nonce), or a rejection with its <c>conduit.repair.v1</c>. Never runs anything.
    /// </summary>
    public RequestParseResult Parse(string text, RequestOrigin origin)
    {
        var result = RequestParser.Parse(text, origin);
        if (result.Status == RequestParseStatus.Rejected && result.Problems.Count > 0)
        {
            Log.RequestRejected(_logger, origin, result.Problems[0].Code, result.Problems[0].Path);
        }

        return result;
    }

    /// <summary>
    /// Decides, without side effects: the session is checked but its nonce is not consumed, nothing runs.
    /// </summary>
    /// <param name="request">The parsed request.</param>
    /// <param name="transport">The channel it arrived on; a session is bound to one.</param>
    /// <param name="cancellationToken">Cancels reading the sessions file.</param>
    public async Task<RequestEvaluation> EvaluateAsync(ParsedRequest request, RequestTransport transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var check = await Sessions.CheckAsync(request.SessionId, request.Nonce, transport, cancellationToken).ConfigureAwait(false);
        var evaluation = Evaluate(request, transport, check, approval: null);
        var decisionName = evaluation.Decision.ToName();
        Log.RequestEvaluated(_logger, request.Hash, decisionName, evaluation.Reason);
        return evaluation;
    }

    /// <summary>Creates the local review of a request: the text to show and the hash an approval binds to.</summary>
    public RequestReview CreateReview(ParsedRequest request, RequestEvaluation evaluation) => CreateReviewForRun(request, evaluation, runId: null);

    private RequestReview CreateReviewForRun(ParsedRequest request, RequestEvaluation evaluation, string? runId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(evaluation);
        var now = _time.GetUtcNow();
        runId ??= RequestRunFolder.NewRunId(now);
        var approvalId = "approval_" + runId;
        return new RequestReview
        {
            ApprovalId = approvalId,
            RunId = runId,
            RequestHash = request.Hash,
            Text = RequestReviewRenderer.Render(request, evaluation, approvalId),
            ReviewAction = RequestReviewRenderer.ReviewAction(request),
            Evaluation = evaluation,
            CreatedAt = now,
            ExpiresAt = now + _options.ApprovalLifetime,
        };
    }

    /// <summary>
    /// Executes a request. In a live session the nonce is consumed first (atomically, before any action, even if all
    /// are denied) and the results carry <c>nextNonce</c>. Outside a session nothing runs without an
    /// <paramref name="approval"/> bound to this request's hash and not expired; approved requests run once under
    /// the approval's profile (read-only unless the reviewer granted more). Actions that need confirmation run only
    /// when the approval lists their ids.
    /// </summary>
    public Task<RequestRunOutcome> ExecuteAsync(ParsedRequest request, RequestTransport transport, RequestApproval? approval = null, CancellationToken cancellationToken = default) =>
        ExecuteCoreAsync(request, transport, approval, runId: null, cancellationToken);

    /// <summary>
    /// As <see cref="ExecuteAsync(ParsedRequest, RequestTransport, RequestApproval?, CancellationToken)"/>, in the run
    /// folder <paramref name="runId"/> from <see cref="NewRunId"/>: the clipboard watcher announces the run id in its
    /// "still working" status before the run starts.
    /// </summary>
    /// <exception cref="ArgumentException">The run id is not a plain name, or <paramref name="approval"/> is for another run.</exception>
    public Task<RequestRunOutcome> ExecuteAsync(ParsedRequest request, RequestTransport transport, RequestApproval? approval, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (!runId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Run id \"{runId}\" may hold only letters, digits, '-' and '_'.", nameof(runId));
        }

        if (approval is not null && !string.Equals(approval.RunId, runId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Approval {approval.ApprovalId} is for run {approval.RunId}, not {runId}.", nameof(runId));
        }

        return ExecuteCoreAsync(request, transport, approval, runId, cancellationToken);
    }

    /// <summary>A new run id (<c>yyyyMMdd-HHmmss-&lt;6 hex&gt;</c>, the run folder's name) for <see cref="ExecuteAsync(ParsedRequest, RequestTransport, RequestApproval?, string, CancellationToken)"/>.</summary>
    public string NewRunId() => RequestRunFolder.NewRunId(_time.GetUtcNow());

    private async Task<RequestRunOutcome> ExecuteCoreAsync(ParsedRequest request, RequestTransport transport, RequestApproval? approval, string? runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        runId = approval?.RunId ?? runId ?? RequestRunFolder.NewRunId(now);
        var folder = RequestRunFolder.Create(_options.StateDirectory, runId);
        folder.WriteJson("request.json", request.GetCanonical());
        var metadata = new JsonObject
        {
            ["runId"] = runId,
            ["origin"] = request.Origin.ToString().ToLowerInvariant(),
            ["transport"] = transport.ToName(),
            ["requestHash"] = request.Hash,
            ["sessionId"] = request.SessionId,
            ["approvalId"] = approval?.ApprovalId,
            ["createdAt"] = now,
        };
        folder.WriteJson("metadata.json", metadata);

        RequestRunOutcome Refuse(string reason, RepairEnvelope? repair, RequestReview? review = null)
        {
            Log.RunRefused(_logger, runId, reason);
            folder.AppendLine("policy-decisions.jsonl", new JsonObject { ["decision"] = review is null ? "deny" : "requires_review", ["reason"] = reason, ["at"] = _time.GetUtcNow() });
            if (repair is not null)
            {
                folder.WriteText("result.txt", repair.Render());
            }

            return new RequestRunOutcome
            {
                Status = review is null ? RequestRunStatus.Rejected : RequestRunStatus.ReviewRequired,
                RunId = runId,
                RunDirectory = folder.Directory,
                Reason = reason,
                Repair = repair,
                Review = review,
            };
        }

        if (approval is not null && ApprovalProblem(request, approval, now) is { } approvalProblem)
        {
            return Refuse(approvalProblem, null);
        }

        // An approval runs once: claiming it is an exclusive file creation, so it holds across processes and restarts.
        if (approval is not null && !folder.TryClaim("approval.used"))
        {
            return Refuse($"Approval {approval.ApprovalId} was already used; review the request again.", null);
        }

        // The session gate: peek first, then consume atomically (exactly one of two concurrent uses wins).
        var peek = await Sessions.CheckAsync(request.SessionId, request.Nonce, transport, cancellationToken).ConfigureAwait(false);
        var peekEvaluation = Evaluate(request, transport, peek, approval);
        if (peekEvaluation.Repair is not null)
        {
            return Refuse(peekEvaluation.SessionProblem ?? peekEvaluation.Reason, peekEvaluation.Repair);
        }

        string? sessionId;
        string? nextNonce = null;
        RequestEvaluation evaluation;
        if (peek.Status is SessionCheckStatus.Valid or SessionCheckStatus.Invalid)
        {
            var consumed = await Sessions.ConsumeAsync(request.SessionId, request.Nonce, transport, request.Actions.Count, cancellationToken).ConfigureAwait(false);
            evaluation = Evaluate(request, transport, consumed, approval, sessionActionCountBefore: consumed.Session?.ActionCount - request.Actions.Count);
            if (consumed.Status != SessionCheckStatus.Valid)
            {
                return Refuse(evaluation.SessionProblem ?? consumed.Message, evaluation.Repair ?? SessionRepair(request, consumed, agentLoop: request.Origin == RequestOrigin.AgentTurn));
            }

            sessionId = consumed.Session!.SessionId;
            nextNonce = consumed.NextNonce;
        }
        else if (approval is null)
        {
            var review = CreateReviewForRun(request, peekEvaluation, runId);
            folder.WriteText("result.txt", review.ClipboardNotice);
            return Refuse(RequestPolicy.UntrustedReason, null, review);
        }
        else
        {
            evaluation = peekEvaluation;
            sessionId = "sess_approved_" + approval.ApprovalId;
        }

        foreach (var decision in evaluation.Actions)
        {
            folder.AppendLine("policy-decisions.jsonl", new JsonObject
            {
                ["actionId"] = decision.ActionId,
                ["tool"] = decision.Tool,
                ["decision"] = decision.Decision.ToName(),
                ["reason"] = decision.Reason,
                ["profile"] = evaluation.Profile.ToName(),
            });
        }

        var results = await RunActionsAsync(request, evaluation, approval, folder, cancellationToken).ConfigureAwait(false);
        var document = new RequestResults { RunId = runId, SessionId = sessionId, NextNonce = nextNonce, Results = results };
        folder.WriteText("result.txt", document.RenderForClipboard(_options.MaxClipboardResultChars));
        Log.RunCompleted(_logger, runId, document.Status, sessionId);
        return new RequestRunOutcome { Status = RequestRunStatus.Completed, RunId = runId, RunDirectory = folder.Directory, Results = document };
    }

    private static string? ApprovalProblem(ParsedRequest request, RequestApproval approval, DateTimeOffset now)
    {
        if (approval.Status != ApprovalStatus.Approved)
        {
            return $"Approval {approval.ApprovalId} is {approval.Status.ToString().ToLowerInvariant()}.";
        }

        if (!string.Equals(approval.RequestHash, request.Hash, StringComparison.Ordinal))
        {
            return $"Approval {approval.ApprovalId} is for another request (hash {approval.RequestHash}, this one is {request.Hash}); review it again.";
        }

        if (now >= approval.ExpiresAt)
        {
            return $"Approval {approval.ApprovalId} expired at {approval.ExpiresAt:O}.";
        }

        var armedShell = approval.ConfirmedActionIds.Count(id => request.Actions.Any(a => a.Id == id && a.Tool == ToolNames.ShellRun));
        return armedShell > 1 && approval.Profile == PermissionProfile.ShellManual
            ? "The shell-manual profile arms one shell.run at a time; confirm a single shell action."
            : null;
    }

    private RequestEvaluation Evaluate(ParsedRequest request, RequestTransport transport, SessionCheck check, RequestApproval? approval, int? sessionActionCountBefore = null)
    {
        var agentLoop = request.Origin == RequestOrigin.AgentTurn;
        var trusted = check.Status == SessionCheckStatus.Valid;
        RepairEnvelope? repair = null;
        string? sessionProblem = null;
        if (agentLoop && trusted && transport is not (RequestTransport.Extension or RequestTransport.BrowserYolo))
        {
            trusted = false;
            sessionProblem = $"Agent loops run only on extension or browser-yolo transports, not {transport.ToName()}.";
            repair = RepairEnvelope.FromProblems([new RequestProblem { Code = RepairCodes.InvalidSession, Path = "$.sessionId", Message = sessionProblem }], request.SessionId);
        }
        else if (check.Status == SessionCheckStatus.Invalid || (agentLoop && check.Status != SessionCheckStatus.Valid))
        {
            sessionProblem = check.Message;
            repair = SessionRepair(request, check, agentLoop);
        }

        PermissionProfile profile;
        IReadOnlyList<string> roots;
        int? actionsLeft = null;
        if (trusted)
        {
            profile = check.Session!.PermissionProfile;
            roots = check.Session.AllowedRoots;
            actionsLeft = _options.MaxTotalActionsPerSession - (sessionActionCountBefore ?? check.Session.ActionCount);
        }
        else
        {
            profile = approval?.Profile ?? PermissionProfile.ReadOnly;
            roots = _options.AllowedRoots.ToArray();
        }

        var guard = new PathGuard(roots);
        var approved = !trusted && approval is not null && repair is null;
        var decisions = RequestPolicy.Decide(request, trusted || approved, profile, guard, _options.MaxActionsPerRequest, actionsLeft);
        var decision = repair is not null ? RequestDecision.Deny : RequestPolicy.Combine(decisions);
        var reason = sessionProblem ?? decisions.FirstOrDefault(d => d.Decision == decision)?.Reason ?? "No actions.";
        return new RequestEvaluation
        {
            Decision = decision,
            Reason = reason,
            Actions = decisions,
            Profile = profile,
            AllowedRoots = guard.Roots,
            Trusted = trusted,
            SessionProblem = sessionProblem,
            Repair = repair,
            RequestHash = request.Hash,
        };
    }

    private RepairEnvelope SessionRepair(ParsedRequest request, SessionCheck check, bool agentLoop)
    {
        var code = agentLoop && check.Status == SessionCheckStatus.Missing ? RepairCodes.MissingSession : RepairCodes.InvalidSession;
        var path = check.Status == SessionCheckStatus.Missing ? (request.SessionId is null ? "$.sessionId" : "$.nonce") : (check.Status == SessionCheckStatus.Unknown ? "$.sessionId" : "$.nonce");

        // Agent loops get the current nonce back while the session is active; the stale one is never echoed.
        var currentNonce = agentLoop && check.Session is { } session && session.EffectiveState(_time.GetUtcNow()) == SessionState.Active
            && !string.Equals(session.CurrentNonce, request.Nonce, StringComparison.Ordinal)
            ? session.CurrentNonce
            : null;
        return RepairEnvelope.FromProblems([new RequestProblem { Code = code, Path = path, Message = check.Message }], check.Session?.SessionId ?? request.SessionId, currentNonce);
    }

    private async Task<IReadOnlyList<ActionResult>> RunActionsAsync(ParsedRequest request, RequestEvaluation evaluation, RequestApproval? approval, RequestRunFolder folder, CancellationToken cancellationToken)
    {
        var guard = new PathGuard(evaluation.AllowedRoots);
        var confirmed = new HashSet<string>(approval?.ConfirmedActionIds ?? [], StringComparer.Ordinal);
        var shellArmed = false;
        using var budget = new CancellationTokenSource(_options.MaxRuntime, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        var results = new List<ActionResult>();
        foreach (var action in request.Actions)
        {
            var decision = evaluation.Actions[action.Index];
            ActionResult result;
            if (decision.Decision is RequestDecision.Deny)
            {
                result = new ActionResult { Id = action.Id, Tool = action.Tool, Status = ActionStatuses.Denied, Error = decision.Reason };
            }
            else if (decision.Decision is RequestDecision.RequiresReview)
            {
                result = new ActionResult { Id = action.Id, Tool = action.Tool, Status = ActionStatuses.RequiresConfirmation, Error = decision.Reason };
            }
            else if (decision.Decision is RequestDecision.RequiresConfirmation && (!confirmed.Contains(action.Id) || (action.Tool == ToolNames.ShellRun && evaluation.Profile == PermissionProfile.ShellManual && shellArmed)))
            {
                result = new ActionResult { Id = action.Id, Tool = action.Tool, Status = ActionStatuses.RequiresConfirmation, Error = decision.Reason };
            }
            else if (linked.IsCancellationRequested)
            {
                result = new ActionResult
                {
                    Id = action.Id,
                    Tool = action.Tool,
                    Status = ActionStatuses.Error,
                    Error = budget.IsCancellationRequested ? $"The request's runtime budget ({_options.MaxRuntime.TotalSeconds:0} s) is used up." : "Cancelled.",
                };
            }
            else
            {
                shellArmed |= action.Tool == ToolNames.ShellRun;
                folder.AppendLine("actions.jsonl", new JsonObject { ["id"] = action.Id, ["tool"] = action.Tool, ["args"] = action.GetArgs(), ["startedAt"] = _time.GetUtcNow() });
                result = await RunToolAsync(action, guard, folder, linked.Token).ConfigureAwait(false);
            }

            folder.AppendLine("tool-results.jsonl", result.ToJson());
            results.Add(result);
        }

        return results;
    }

    private async Task<ActionResult> RunToolAsync(RequestAction action, PathGuard guard, RequestRunFolder folder, CancellationToken cancellationToken)
    {
        var tool = ToolRegistry.Find(action.Tool);
        if (tool is null)
        {
            return new ActionResult { Id = action.Id, Tool = action.Tool, Status = ActionStatuses.Denied, Error = $"Unknown tool: {action.Tool}" };
        }

        var context = new ToolContext
        {
            Action = action,
            Paths = guard,
            Options = _options,
            RunDirectory = folder.Directory,
            Processes = _processes,
            AgentRunners = _agents,
            Orchestrator = _orchestrator,
        };
        try
        {
            var outcome = await tool.RunAsync(context, cancellationToken).ConfigureAwait(false);
            return new ActionResult { Id = action.Id, Tool = action.Tool, Status = outcome.Status, Content = outcome.Content, Error = outcome.Error, Metadata = outcome.Metadata };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException or ArgumentException)
        {
            return new ActionResult { Id = action.Id, Tool = action.Tool, Status = ActionStatuses.Error, Error = $"{action.Tool} failed: {ex.Message}" };
        }
    }
}
