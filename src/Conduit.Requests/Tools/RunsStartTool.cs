using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// <c>runs.start</c>: submits a policy run (<see cref="IRunOrchestrator"/> from DI). Args: <c>project</c>,
/// <c>policy</c>, <c>input</c> (object), <c>runner</c>, <c>wait</c> (false: return once queued).
/// </summary>
internal sealed class RunsStartTool : IRequestTool
{
    public string Name => ToolNames.RunsStart;

    public async Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var project = args.String("project", required: true);
        var policy = args.String("policy", required: true);
        var runnerText = args.String("runner", required: false);
        var wait = args.Bool("wait", fallback: false);
        if (args.Error is not null || project is null || policy is null)
        {
            return ToolOutcome.Fail(args.Error ?? "runs.start needs args.project and args.policy.");
        }

        if (context.Args["input"] is { } input && input is not JsonObject)
        {
            return ToolOutcome.Fail("args.input must be an object.");
        }

        RunnerSpec? runner = null;
        if (runnerText is not null && !RunnerSpec.TryParse(runnerText, out runner))
        {
            return ToolOutcome.Fail($"args.runner is not a known runner: {runnerText}.");
        }

        if (context.Orchestrator is null)
        {
            return ToolOutcome.Fail("runs.start is not available here: no run orchestrator is registered (IRunOrchestrator).");
        }

        try
        {
            var record = await context.Orchestrator.SubmitAsync(
                new RunSubmission
                {
                    ProjectId = project,
                    PolicyId = policy,
                    Input = context.Args["input"] is JsonObject obj ? (JsonObject)obj.DeepClone() : [],
                    RequestedRunner = runner,
                    Metadata = new JsonObject { ["source"] = "conduit.request", ["actionId"] = context.Action.Id },
                },
                cancellationToken).ConfigureAwait(false);
            if (wait)
            {
                record = await context.Orchestrator.WaitAsync(record.RunId, cancellationToken).ConfigureAwait(false);
            }

            var content = new JsonObject { ["runId"] = record.RunId, ["status"] = record.Status.ToName() };
            if (record.FailureSummary is not null)
            {
                content["failureSummary"] = record.FailureSummary;
            }

            return ToolOutcome.Ok(content);
        }
        catch (ConduitException ex)
        {
            return ToolOutcome.Fail(ex.Message);
        }
    }
}
