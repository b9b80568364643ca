using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// <c>agent.chat</c>: one prompt through an agent CLI (<see cref="IAgentRunnerFactory"/> from DI), in a directory
/// inside the roots. Args: <c>prompt</c>, <c>runner</c> (provider or provider/model), <c>model</c>, <c>path</c>,
/// <c>permissionMode</c> (read-only, accept-edits, full-access; the profile caps it).
/// </summary>
internal sealed class AgentChatTool : IRequestTool
{
    public string Name => ToolNames.AgentChat;

    public async Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var prompt = args.String("prompt", required: true);
        var runnerText = args.String("runner", required: false, fallback: context.Options.DefaultAgentRunner)!;
        var model = args.String("model", required: false);
        var path = args.String("path", required: false, fallback: ".")!;
        var modeText = args.String("permissionMode", required: false, fallback: "read-only");
        if (args.Error is not null || prompt is null)
        {
            return ToolOutcome.Fail(args.Error ?? "agent.chat needs args.prompt.");
        }

        AgentPermissionMode mode;
        switch (modeText)
        {
            case "read-only": mode = AgentPermissionMode.ReadOnly; break;
            case "accept-edits": mode = AgentPermissionMode.AcceptEdits; break;
            case "full-access": mode = AgentPermissionMode.FullAccess; break;
            default: return ToolOutcome.Fail("args.permissionMode must be read-only, accept-edits or full-access.");
        }

        if (!RunnerSpec.TryParse(runnerText, out var runner))
        {
            return ToolOutcome.Fail($"args.runner is not a known runner: {runnerText}. Known providers: {string.Join(", ", AgentProviders.All)}.");
        }

        var directory = context.Paths.Check(path);
        if (!directory.IsInside)
        {
            return ToolOutcome.Denied($"Path is outside allowed roots: {path}");
        }

        if (context.AgentRunners is null)
        {
            return ToolOutcome.Fail("agent.chat is not available here: no agent runners are registered (IAgentRunnerFactory).");
        }

        IAgentRunner agent;
        try
        {
            agent = context.AgentRunners.GetRunner(runner);
        }
        catch (ConduitException ex)
        {
            return ToolOutcome.Fail(ex.Message);
        }

        AgentResult result;
        try
        {
            result = await agent.RunAsync(
                new AgentRequest
                {
                    Prompt = prompt,
                    Runner = runner,
                    Model = model,
                    WorkingDirectory = directory.RealPath,
                    PermissionMode = mode,
                    Timeout = context.Options.MaxRuntime,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConduitException ex)
        {
            return ToolOutcome.Fail(ex.Message);
        }

        var text = ToolText.Cap(result.Text ?? string.Empty, context.Options.MaxToolOutputChars, out var truncated);
        var metadata = new JsonObject
        {
            ["runner"] = runner.ToString(),
            ["outcome"] = result.Outcome.ToString(),
            ["sessionId"] = result.SessionId,
            ["model"] = result.Model,
            ["exitCode"] = result.ExitCode,
            ["truncated"] = truncated,
        };
        return result.IsSuccess ? ToolOutcome.Ok(text, metadata) : ToolOutcome.Fail($"The agent run ended {result.Outcome}: {result.Reason}", metadata, text);
    }
}
